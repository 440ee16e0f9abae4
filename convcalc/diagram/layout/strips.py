"""One axis of a diagram: a :class:`Strip` of runs and the windows that slide over it.

Windows come straight from the shape engine's plans (``AxisPlan.taps``), so a strip can
never disagree with ``convcalc shape``.

>>> from convcalc.diagram.layout.kinds import GLYPHS
>>> from convcalc.shape import conv_axis
>>> s = window_strip(conv_axis(5, 3, padding=(1, 1)))
>>> "".join(GLYPHS[s.cell(p).kind] for p in range(s.length)), s.window(1)
('·■■■■■:', range(1, 4))
"""

from __future__ import annotations

from dataclasses import dataclass

from convcalc.diagram.layout.kinds import PADDING_KINDS, Cell, Kind
from convcalc.diagram.layout.runs import Segment, clip, pack
from convcalc.errors import SpecError
from convcalc.shape import MAX_SIZE, AxisPlan, DeconvAxis, conv_axis

__all__ = ["Strip", "deconv_strip", "stretched_strip", "window_strip"]


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
        return clip(self.window(self.plan.output), 0, self.length)

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
    return Strip(pack(runs), axis)


def stretched_strip(axis: DeconvAxis) -> Strip:
    """The input of a transposed convolution with ``s − 1`` zeros between neighbours.

    >>> from convcalc.diagram.layout.kinds import GLYPHS
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

    >>> from convcalc.diagram.layout.kinds import GLYPHS
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
    if length > MAX_SIZE:
        raise SpecError(
            f"the transposed convolution's bordered grid ({length} cells: stretched input "
            f"and k_eff − 1 − pad zeros each side) is above convcalc's limit 2**40 = {MAX_SIZE}"
            "; 'convcalc shape deconv' gives its sizes"
        )
    conv = conv_axis(length, axis.kernel, dilation=axis.dilation)
    return Strip(tuple(segments), conv)
