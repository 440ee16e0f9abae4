"""The N-d grid of a diagram: one strip per axis, and the transposed convolution's grids.

A cell of an N-d grid is the combination of one cell per axis, the highest-precedence
kind winning (:data:`RANK`).

>>> from convcalc.shape import conv_plan
>>> window_grid(conv_plan((3, 3), 2, padding=1)).cell((0, 2)).kind.value
'pad-before'
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from convcalc.diagram.layout.kinds import RANK, Cell, Index, Kind
from convcalc.diagram.layout.strips import Strip, deconv_strip, stretched_strip, window_strip
from convcalc.shape import DeconvPlan, WindowPlan

__all__ = ["DeconvLayout", "Grid", "deconv_layout", "flip", "window_grid"]


def window_grid(plan: WindowPlan) -> Grid:
    """The N-d padded grid of a convolution or pooling plan."""
    return Grid(tuple(window_strip(a) for a in plan.axes))


def flip(index: Index, shape: Sequence[int]) -> Index:
    """The kernel cell that lands on *index* once the kernel is flipped on every axis.

    >>> flip((0, 1), (3, 3))
    (2, 1)
    """
    return tuple(n - 1 - i for i, n in zip(index, shape, strict=True))


def output_position(step: int, output: Sequence[int]) -> Index:
    """The output cell of window number *step*, counted row-major (``--step``).

    >>> output_position(5, (2, 3)), output_position(4, (7,))
    ((1, 2), (4,))
    """
    position = []
    for n in reversed(output):
        step, r = divmod(step, n)
        position.append(r)
    return tuple(reversed(position))


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
        kind = min((c.kind for c in cells), key=RANK.__getitem__)
        if kind not in (Kind.INPUT, Kind.DROPPED):
            return Cell(kind)
        return Cell(kind, tuple(i for c in cells for i in (c.index or ())))

    def kinds(self) -> list[Kind]:
        """The kinds that occur somewhere in the grid, in precedence order."""
        per_axis = [s.kinds() for s in self.strips]
        present = []
        for kind in Kind:
            rank = RANK[kind]
            if any(kind in ks for ks in per_axis) and all(
                any(RANK[k] >= rank for k in ks) for ks in per_axis
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
