"""The grid model behind ``convcalc diagram`` (pure, standard library only).

A diagram is drawn from a :class:`Grid`: one :class:`Strip` per spatial axis, each the padded
axis a window slides over, as a short list of :class:`Segment` runs (pad before, input,
dropped input, pad after, ...). A cell of an N-d grid is the combination of one cell per
axis. Windows come straight from the shape engine's plans (``AxisPlan.taps``), so a diagram
can never disagree with ``convcalc shape``. Nothing is materialised per cell, so a
10⁶-long axis costs no more than a 5-long one; the renderer asks only for what it shows.

>>> from convcalc.shape import conv_plan
>>> grid = window_grid(conv_plan((13,), 6, stride=5, padding="same"))
>>> strip = grid.strips[0]
>>> "".join(GLYPHS[strip.cell(p).kind] for p in range(strip.length))
'·■■■■■■■■■■■■■::'
>>> [tuple(strip.window(j)) for j in range(strip.outputs)]
[(0, 1, 2, 3, 4, 5), (5, 6, 7, 8, 9, 10), (10, 11, 12, 13, 14, 15)]
>>> strip = window_grid(conv_plan((13,), 6, stride=5)).strips[0]    # valid
>>> "".join(GLYPHS[strip.cell(p).kind] for p in range(strip.length))
'■■■■■■■■■■■××'
>>> strip.cell(12)
Cell(kind=<Kind.DROPPED: 'dropped'>, index=(12,))
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from convcalc.shape import AxisPlan, DeconvAxis, DeconvPlan, WindowPlan, conv_axis

__all__ = [
    "GLYPHS",
    "Cell",
    "DeconvLayout",
    "DiagramValues",
    "Grid",
    "Kind",
    "Segment",
    "Strip",
    "ValueTable",
    "deconv_layout",
    "deconv_strip",
    "flip",
    "stretched_strip",
    "window_grid",
    "window_strip",
]

Index = tuple[int, ...]


class Kind(enum.Enum):
    """What a cell of a diagram holds. Declaration order is drawing precedence: where the
    axes of an N-d cell disagree, the earliest kind wins (a pad row beats an input column)."""

    OVERHANG = "overhang"  # ceil mode: past the padded end, read by no rule
    EXTRA = "extra"  # transposed conv: the output_padding zeros at the bottom/right
    PAD_AFTER = "pad-after"
    BORDER = "border"  # transposed conv: the k_eff − 1 − pad zeros around the input
    PAD_BEFORE = "pad-before"
    DROPPED = "dropped"  # input no window reaches
    STRETCH_ZERO = "stretch-zero"  # transposed conv: the s − 1 zeros between inputs
    INPUT = "input"


_RANK = {kind: rank for rank, kind in enumerate(Kind)}

GLYPHS: dict[Kind, str] = {
    Kind.INPUT: "■",
    Kind.PAD_BEFORE: "·",
    Kind.PAD_AFTER: ":",
    Kind.DROPPED: "×",
    Kind.OVERHANG: "~",
    Kind.STRETCH_ZERO: "∘",
    Kind.BORDER: "□",
    Kind.EXTRA: "+",
}
"""One distinct glyph per kind, so a diagram reads without colour."""

PADDING_KINDS = frozenset({Kind.PAD_BEFORE, Kind.PAD_AFTER})
ZERO_KINDS = frozenset({Kind.BORDER, Kind.EXTRA, Kind.STRETCH_ZERO})


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its kind and, for input cells, its input index (one entry per axis)."""

    kind: Kind
    index: Index | None = None


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
        hits = _clip(positions, self.start, self.stop)
        if self.period == 1:
            return len(hits) if kind is self.kind else 0
        if kind is not self.kind and kind is not Kind.STRETCH_ZERO:
            return 0
        inputs = sum(1 for p in hits if (p - self.start + self.phase) % self.period == 0)
        return inputs if kind is self.kind else len(hits) - inputs


def _clip(r: range, lo: int, hi: int) -> range:
    """The part of range *r* (positive step) inside ``[lo, hi)``, as a range.

    >>> _clip(range(1, 20, 3), 5, 12)
    range(7, 12, 3)
    """
    behind = max(lo - r.start, 0)
    first = r.start + -(-behind // r.step) * r.step
    return range(first, max(min(r.stop, hi), first), r.step)


@dataclass(frozen=True, slots=True)
class Strip:
    """One axis of a diagram: its cells (as runs) and the windows that slide over it.

    ``plan`` is the engine's plan of the windows; window ``j`` reads strip positions
    ``plan.taps(j)`` shifted by ``plan.pad_low``. ``plan`` is ``None`` for a strip that
    is only shown (the stretched input of a transposed convolution).
    """

    segments: tuple[Segment, ...]
    plan: AxisPlan | None = None

    @property
    def length(self) -> int:
        return self.segments[-1].stop if self.segments else 0

    @property
    def outputs(self) -> int:
        """Number of windows (the output length)."""
        return self.plan.output if self.plan else 0

    def cell(self, p: int) -> Cell:
        """The cell at strip position *p* (``0 ≤ p < length``)."""
        for segment in self.segments:
            if segment.start <= p < segment.stop:
                return segment.cell(p)
        raise IndexError(f"position {p} is outside the strip of {self.length} cells")

    def count(self, kind: Kind) -> int:
        """Number of cells of *kind*."""
        return self.count_in(range(self.length), kind)

    def count_in(self, positions: range, kind: Kind) -> int:
        """How many of *positions* are cells of *kind*."""
        return sum(s.count_in(positions, kind) for s in self.segments)

    def kinds(self) -> set[Kind]:
        """The kinds present on this strip."""
        return {k for s in self.segments for k in s.kinds()}

    def window(self, j: int) -> range:
        """Strip positions read by window *j* (its taps)."""
        if self.plan is None:
            raise IndexError("this strip has no windows")
        taps = self.plan.taps(j)
        shift = self.plan.pad_low
        return range(taps.start + shift, taps.stop + shift, taps.step)

    @property
    def ceil_dropped(self) -> range | None:
        """Positions the window that ceil mode dropped would read, clipped to the strip
        (``None`` when no window was dropped)."""
        if self.plan is None or not self.plan.ceil_dropped:
            return None
        return _clip(self.window(self.plan.output), 0, self.length)

    def reads_only_padding(self, j: int) -> bool:
        """True when window *j* reads no input cell (SAME with dilation can do that)."""
        return self.count_in(self.window(j), Kind.INPUT) == 0

    def divisor_factor(self, j: int, include_pad: bool) -> int:
        """Cells window *j* averages over on this axis: input cells, plus padding when
        *include_pad* (PyTorch ``count_include_pad``); never the ceil-mode overhang."""
        kinds = [Kind.INPUT, *(PADDING_KINDS if include_pad else ())]
        return sum(self.count_in(self.window(j), k) for k in kinds)


def window_strip(axis: AxisPlan) -> Strip:
    """The padded axis of a convolution or pooling, with its windows.

    >>> from convcalc.shape import pool_axis
    >>> s = window_strip(pool_axis(5, 2, ceil_mode=True))
    >>> [(g.kind.value, g.length) for g in s.segments]
    [('input', 5), ('overhang', 1)]
    """
    runs = [
        (Kind.PAD_BEFORE, axis.pad_low, None),
        (Kind.INPUT, axis.input - axis.dropped, 0),
        (Kind.DROPPED, axis.dropped, axis.input - axis.dropped),
        (Kind.PAD_AFTER, axis.pad_high, None),
        (Kind.OVERHANG, axis.overhang, None),
    ]
    return Strip(_pack(runs), axis)


def _pack(runs: Iterable[tuple[Kind, int, int | None]]) -> tuple[Segment, ...]:
    segments = []
    start = 0
    for kind, length, first in runs:
        if length > 0:
            segments.append(Segment(kind, start, length, first))
            start += length
    return tuple(segments)


def stretched_strip(axis: DeconvAxis) -> Strip:
    """The input of a transposed convolution with ``s − 1`` zeros between neighbours.

    >>> from convcalc.shape import deconv_axis
    >>> s = stretched_strip(deconv_axis(3, 3, stride=2, padding=(1, 1), output_padding=1))
    >>> "".join(GLYPHS[s.cell(p).kind] for p in range(s.length))
    '■∘■∘■'
    """
    return Strip((Segment(Kind.INPUT, 0, axis.stretched, 0, axis.stride),))


def deconv_strip(axis: DeconvAxis) -> Strip:
    """The input of the stride-1 convolution a transposed convolution equals: the stretched
    input inside a border of ``k_eff − 1 − pad_low`` zeros before and ``k_eff − 1 −
    pad_high`` after, then the ``output_padding`` extra zeros. A negative border crops the
    stretched input instead. Its windows are the engine's plan of that stride-1
    convolution, whose output is the transposed convolution's output.

    >>> from convcalc.shape import deconv_axis
    >>> s = deconv_strip(deconv_axis(3, 3, stride=2, padding=(1, 1), output_padding=1))
    >>> "".join(GLYPHS[s.cell(p).kind] for p in range(s.length)), s.outputs
    ('□■∘■∘■□+', 6)
    """
    low, high = axis.border_low, axis.border_high
    plain = min(max(high - axis.output_padding, 0), max(high, 0))
    stretched = axis.stretched
    # Positions q are relative to the first stretched cell; the strip covers
    # q ∈ [−low, stretched + high).
    first, last = -low, stretched + high
    regions = [
        (Kind.BORDER, min(first, 0), 0),
        (Kind.INPUT, 0, stretched),
        (Kind.BORDER, stretched, stretched + plain),
        (Kind.EXTRA, stretched + plain, max(last, stretched + plain)),
    ]
    segments = []
    for kind, lo, hi in regions:
        q0, q1 = max(first, lo), min(last, hi)
        if q1 > q0:
            if kind is Kind.INPUT:
                segments.append(Segment(kind, q0 - first, q1 - q0, 0, axis.stride, q0))
            else:
                segments.append(Segment(kind, q0 - first, q1 - q0))
    length = last - first
    conv = conv_axis(length, axis.kernel, dilation=axis.dilation)
    return Strip(tuple(segments), conv)


def window_grid(plan: WindowPlan) -> Grid:
    """The N-d padded grid of a convolution or pooling plan."""
    return Grid(tuple(window_strip(a) for a in plan.axes))


def flip(index: Index, shape: Sequence[int]) -> Index:
    """The kernel cell that lands on *index* once the kernel is flipped on every axis.

    >>> flip((0, 1), (3, 3))
    (2, 1)
    """
    return tuple(n - 1 - i for i, n in zip(index, shape, strict=True))


@dataclass(frozen=True, slots=True)
class Grid:
    """An N-d diagram: the product of one strip per axis.

    >>> from convcalc.shape import conv_plan
    >>> g = window_grid(conv_plan((3, 3), 2, padding=((0, 1), (0, 1))))
    >>> g.shape, g.output_shape, g.cell((3, 0)).kind, g.cell((1, 2)).index
    ((4, 4), (3, 3), <Kind.PAD_AFTER: 'pad-after'>, (1, 2))
    """

    strips: tuple[Strip, ...]

    @property
    def ndim(self) -> int:
        return len(self.strips)

    @property
    def shape(self) -> Index:
        return tuple(s.length for s in self.strips)

    @property
    def output_shape(self) -> Index:
        return tuple(s.outputs for s in self.strips)

    @property
    def steps(self) -> int:
        """Number of window positions (output cells)."""
        return math.prod(self.output_shape)

    def cell(self, pos: Sequence[int]) -> Cell:
        """The cell at *pos*: the highest-precedence kind among its axes; input cells carry
        their N-d input index."""
        cells = [s.cell(p) for s, p in zip(self.strips, pos, strict=True)]
        kind = min((c.kind for c in cells), key=_RANK.__getitem__)
        if kind not in (Kind.INPUT, Kind.DROPPED):
            return Cell(kind)
        return Cell(kind, tuple(i for c in cells for i in (c.index or ())))

    def kinds(self) -> list[Kind]:
        """The kinds that occur somewhere in the grid, in precedence order."""
        per_axis = [s.kinds() for s in self.strips]
        present = []
        for kind in Kind:
            rank = _RANK[kind]
            if any(kind in ks for ks in per_axis) and all(
                any(_RANK[k] >= rank for k in ks) for ks in per_axis
            ):
                present.append(kind)
        return present

    def window(self, out: Sequence[int]) -> tuple[range, ...]:
        """Per axis, the positions the window of output cell *out* reads."""
        return tuple(s.window(j) for s, j in zip(self.strips, out, strict=True))

    def in_window(self, pos: Sequence[int], out: Sequence[int]) -> bool:
        return all(p in r for p, r in zip(pos, self.window(out), strict=True))

    def out_index(self, step: int) -> Index:
        """Output cell of window number *step*, row-major (the last axis moves fastest).

        >>> from convcalc.shape import conv_plan
        >>> window_grid(conv_plan((4, 5), 2)).out_index(5)
        (1, 1)
        """
        out = []
        for n in reversed(self.output_shape):
            step, r = divmod(step, n)
            out.append(r)
        return tuple(reversed(out))

    def step_of(self, out: Sequence[int]) -> int:
        """Inverse of :meth:`out_index`."""
        step = 0
        for j, n in zip(out, self.output_shape, strict=True):
            step = step * n + j
        return step

    def divisor(self, out: Sequence[int], include_pad: bool) -> int:
        """Average pooling: the number of cells output *out* divides by."""
        return math.prod(
            s.divisor_factor(j, include_pad) for s, j in zip(self.strips, out, strict=True)
        )

    def reads_only_padding(self, out: Sequence[int]) -> bool:
        return any(s.reads_only_padding(j) for s, j in zip(self.strips, out, strict=True))

    def positions(self) -> Iterator[Index]:
        """Every position, row-major (only for small grids: tests and values)."""
        return itertools.product(*(range(n) for n in self.shape))


@dataclass(frozen=True, slots=True)
class DeconvLayout:
    """The four pictures of a transposed convolution (the primer's recipe):

    1. the kernel, flipped on every axis (:func:`flip`);
    2. ``stretched``: the input with ``s − 1`` zeros between neighbours;
    3. ``conv``: that inside its border (``k_eff − 1 − pad``) plus the ``output_padding``
       extra zeros at the end of each axis;
    4. the stride-1 convolution over ``conv``, whose output is the transposed output.
    """

    plan: DeconvPlan
    stretched: Grid
    conv: Grid

    @property
    def kernel_shape(self) -> Index:
        return tuple(a.kernel for a in self.plan.axes)

    def cropped(self, axis: int) -> tuple[int, int]:
        """Stretched cells cropped ``(before, after)`` on *axis* (large pads)."""
        a = self.plan.axes[axis]
        return (max(-a.border_low, 0), max(-a.border_high, 0))


def deconv_layout(plan: DeconvPlan) -> DeconvLayout:
    """Build the stretched and bordered grids of a transposed-convolution plan.

    >>> from convcalc.shape import deconv_plan
    >>> d = deconv_layout(deconv_plan((3, 3), 3, stride=2, padding=1, output_padding=1))
    >>> d.stretched.shape, d.conv.shape, d.conv.output_shape
    ((5, 5), (8, 8), (6, 6))
    """
    return DeconvLayout(
        plan,
        Grid(tuple(stretched_strip(a) for a in plan.axes)),
        Grid(tuple(deconv_strip(a) for a in plan.axes)),
    )


@dataclass(frozen=True, slots=True)
class ValueTable:
    """A small N-d array of numbers as plain Python (row-major), for ``--values``.

    >>> t = ValueTable.from_nested([[1, 2], [3, 4]])
    >>> t.shape, t.at((1, 0))
    ((2, 2), 3.0)
    """

    shape: Index
    flat: tuple[float, ...]

    @classmethod
    def from_nested(cls, nested: object) -> ValueTable:
        """From nested lists (``ndarray.tolist()``); raises ``ValueError`` when ragged."""
        shape: list[int] = []
        probe = nested
        while isinstance(probe, list):
            shape.append(len(probe))
            probe = probe[0] if probe else None
        flat: list[float] = []

        def walk(node: object, depth: int) -> None:
            if depth == len(shape):
                if isinstance(node, bool) or not isinstance(node, (int, float)):
                    raise ValueError("the array is ragged or holds non-numbers")
                flat.append(float(node))
                return
            if not isinstance(node, list) or len(node) != shape[depth]:
                raise ValueError("the array is ragged (rows of different lengths)")
            for child in node:
                walk(child, depth + 1)

        walk(nested, 0)
        return cls(tuple(shape), tuple(flat))

    def at(self, index: Sequence[int]) -> float:
        flat = 0
        for i, n in zip(index, self.shape, strict=True):
            flat = flat * n + i
        return self.flat[flat]


@dataclass(frozen=True, slots=True)
class DiagramValues:
    """Numbers to print in a diagram: the input, the kernel (convolutions) and the output
    the layer computes."""

    input: ValueTable
    output: ValueTable
    kernel: ValueTable | None = None
