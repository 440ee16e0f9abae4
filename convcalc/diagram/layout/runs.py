"""Runs of cells: a strip is stored as a few :class:`Segment` runs, never cell by cell.

>>> s = Segment(Kind.INPUT, 2, 5, first_index=0, period=2)   # ■∘■∘■ from position 2
>>> [s.cell(p).kind.value for p in (2, 3)], s.cell(6).index
(['input', 'stretch-zero'], (2,))
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from convcalc.diagram.layout.kinds import Cell, Kind

__all__ = ["Segment", "clip", "congruent", "pack", "size"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of ``length`` cells from strip position ``start``.

    Input runs number their cells from ``first_index``. A run with ``period`` > 1 is a
    stretched input: the cell ``o`` places past the run's logical origin (``o = p − start +
    phase``) is input ``first_index + o // period`` when ``o % period == 0`` and an
    inserted zero otherwise.
    """

    kind: Kind
    start: int
    length: int
    first_index: int | None = None
    period: int = 1
    phase: int = 0

    @property
    def stop(self) -> int:
        return self.start + self.length

    def cell(self, p: int) -> Cell:
        if self.first_index is None:
            return Cell(self.kind)
        offset = p - self.start + self.phase
        if offset % self.period:
            return Cell(Kind.STRETCH_ZERO)
        return Cell(self.kind, (self.first_index + offset // self.period,))

    def kinds(self) -> set[Kind]:
        """The kinds of this run's cells."""
        if self.period == 1:
            return {self.kind} if self.length else set()
        kinds = set()
        first_input = -(-self.phase // self.period) * self.period
        if first_input < self.phase + self.length:
            kinds.add(self.kind)
        if self.length > 1 or self.phase % self.period:
            kinds.add(Kind.STRETCH_ZERO)
        return kinds

    def count_in(self, positions: range, kind: Kind) -> int:
        """How many of *positions* (a range with a positive step) lie in this run and are
        cells of *kind*."""
        hits = clip(positions, self.start, self.stop)
        if self.period == 1:
            return size(hits) if kind is self.kind else 0
        if kind is not self.kind and kind is not Kind.STRETCH_ZERO:
            return 0
        inputs = congruent(hits, self.start - self.phase, self.period)
        return inputs if kind is self.kind else size(hits) - inputs


def size(r: range) -> int:
    """``len(r)`` for a range with a positive step, without the ``sys.maxsize`` limit.

    >>> size(range(3, 10, 2)), size(range(5, 2)), size(range(0, 2**70))
    (4, 0, 1180591620717411303424)
    """
    return max(0, -(-(r.stop - r.start) // r.step))


def congruent(r: range, origin: int, period: int) -> int:
    """How many ``p`` in *r* (positive step) have ``p ≡ origin (mod period)``, in O(1).

    Solves ``r.start + i·step ≡ origin`` for the first ``i``; the solutions repeat every
    ``period / gcd(step, period)``.

    >>> congruent(range(1, 20, 3), 0, 4), sum(1 for p in range(1, 20, 3) if p % 4 == 0)
    (2, 2)
    """
    step = r.step % period
    want = (origin - r.start) % period
    g = math.gcd(step, period)
    if want % g:
        return 0
    cycle = period // g
    first = (want // g) * pow(step // g, -1, cycle) % cycle
    return max(0, -(-(size(r) - first) // cycle))


def clip(r: range, lo: int, hi: int) -> range:
    """The part of range *r* (positive step) inside ``[lo, hi)``, as a range.

    >>> clip(range(1, 20, 3), 5, 12)
    range(7, 12, 3)
    """
    behind = max(lo - r.start, 0)
    first = r.start + -(-behind // r.step) * r.step
    return range(first, max(min(r.stop, hi), first), r.step)


def pack(runs: Iterable[tuple[Kind, int, int | None]]) -> tuple[Segment, ...]:
    """Consecutive runs ``(kind, length, first_index)`` as segments; empty runs dropped.

    >>> [(g.kind.value, g.start, g.length) for g in pack([(Kind.PAD_BEFORE, 0, None),
    ...                                                    (Kind.INPUT, 3, 0)])]
    [('input', 0, 3)]
    """
    segments = []
    start = 0
    for kind, length, first in runs:
        if length > 0:
            segments.append(Segment(kind, start, length, first))
            start += length
    return tuple(segments)
