"""The grid model behind ``convcalc diagram`` (pure, standard library only).

A diagram is drawn from a :class:`Grid`: one :class:`Strip` per spatial axis, each the padded
axis a window slides over, as a short list of :class:`Segment` runs (pad before, input,
dropped input, pad after, ...). A cell of an N-d grid is the combination of one cell per
axis. Windows come straight from the shape engine's plans (``AxisPlan.taps``), so a diagram
can never disagree with ``convcalc shape``. Nothing is materialised per cell, so a
10⁶-long axis costs no more than a 5-long one; the renderer asks only for what it shows.

Modules: ``kinds`` (cell kinds, glyphs, :class:`Cell`), ``runs`` (:class:`Segment`),
``strips`` (:class:`Strip`, one axis), ``grids`` (:class:`Grid`, the transposed
convolution's :class:`DeconvLayout`), ``tables`` (numbers for ``--values``).

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

from convcalc.diagram.layout.grids import (
    DeconvLayout,
    Grid,
    deconv_layout,
    flip,
    output_position,
    window_grid,
)
from convcalc.diagram.layout.kinds import GLYPHS, PADDING_KINDS, ZERO_KINDS, Cell, Index, Kind
from convcalc.diagram.layout.runs import Segment
from convcalc.diagram.layout.strips import Strip, deconv_strip, stretched_strip, window_strip
from convcalc.diagram.layout.tables import DiagramValues, ValueTable

__all__ = [
    "GLYPHS",
    "PADDING_KINDS",
    "ZERO_KINDS",
    "Cell",
    "DeconvLayout",
    "DiagramValues",
    "Grid",
    "Index",
    "Kind",
    "Segment",
    "Strip",
    "ValueTable",
    "deconv_layout",
    "deconv_strip",
    "flip",
    "output_position",
    "stretched_strip",
    "window_grid",
    "window_strip",
]
