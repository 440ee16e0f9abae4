"""Tables for ``convcalc shape``: one row per axis, then the formulas with numbers.

Drawn as plain text styled with ANSI codes (``click.style``; ``click.echo`` drops them when
the output is not a terminal) rather than with Rich: a shape query then loads nothing beyond
Click and the standard library, and starts about as fast as ``--json``. The plans come from
the shape engine and the formula lines from :mod:`convcalc.shape.explain`.

>>> from convcalc.shape import conv_plan
>>> print(click.unstyle(window_report(conv_plan((13,), 6, stride=5), "convolution")))
convolution
<BLANKLINE>
                                           pad    pad
 axis  input  kernel  stride  dilation  before  after  output
 ────────────────────────────────────────────────────────────
    0     13       6       5         1       0      0       2
<BLANKLINE>
out = ceil((in − k + 1) / s) = ceil((13 − 6 + 1) / 5) = 2
inputs 11..12 (0-based) are never reached by a window: dropped
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

import click

from convcalc.shape.explain import explain_deconv, explain_window

if TYPE_CHECKING:
    from convcalc.shape import AxisPlan, DeconvAxis, DeconvPlan, WindowPlan

__all__ = ["deconv_report", "invert_report", "window_report"]

Paint = Callable[[str], str]
PLAIN: Paint = str
BOLD: Paint = partial(click.style, bold=True)
DIM: Paint = partial(click.style, dim=True)
VALUE: Paint = partial(click.style, bold=True, fg="cyan")

INVERT_NOTE = (
    "A transposed convolution of the conv output with the same kernel, stride, dilation\n"
    "and pads, plus the output_padding shown, comes back to exactly that input size.\n"
    "Named modes crop the forward pads of that size (TensorFlow: pass it as output_shape)."
)


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], value: int) -> str:
    """A right-aligned table: an ``axis`` column, *headers* (``\n`` splits a header over
    lines), a rule, then *rows*; column *value* (0-based, after ``axis``) is highlighted."""
    heads = [["axis"], *(h.split("\n") for h in headers)]
    depth = max(len(h) for h in heads)
    widths = [max([len(p) for p in h] + [len(r[c]) for r in rows]) for c, h in enumerate(heads)]

    def line(cells: Sequence[str], paint: Sequence[Paint]) -> str:
        padded = [
            f(t.rjust(w)) if t else " " * w for t, w, f in zip(cells, widths, paint, strict=True)
        ]
        return (" " + "  ".join(padded)).rstrip()

    header = [BOLD] * len(heads)
    body = [DIM, *[PLAIN] * len(headers)]
    body[value + 1] = VALUE
    lines = [click.style(title, italic=True), ""]
    for row in range(depth):
        lines.append(
            line([h[row - depth + len(h)] if row >= depth - len(h) else "" for h in heads], header)
        )
    lines.append(" " + "─" * (sum(widths) + 2 * (len(widths) - 1)))
    lines += [line(r, body) for r in rows]
    return "\n".join(lines) + "\n"


def _with_axes(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    return [[str(i), *r] for i, r in enumerate(rows)]


GEOMETRY = ("input", "kernel", "stride", "dilation")
"""The headers of the columns every plan's table starts with (:func:`_geometry_cells`)."""


def _geometry_cells(a: AxisPlan | DeconvAxis) -> list[str]:
    """An axis' input, kernel (and its span when dilated), stride and dilation."""
    kernel = str(a.kernel) if a.dilation == 1 else f"{a.kernel} (eff {a.effective_kernel})"
    return [str(a.input), kernel, str(a.stride), str(a.dilation)]


def _plan_report(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], per_axis: list[list[str]]
) -> str:
    """A plan's table (an ``axis`` column, then :data:`GEOMETRY` and *headers*; the output
    highlighted), then the formula lines of each axis."""
    table = _table(title, [*GEOMETRY, *headers], _with_axes(rows), value=6)
    return table + "\n" + _formulas(per_axis)


def _formulas(per_axis: Sequence[list[str]]) -> str:
    prefix = (lambda i: click.style(f"axis {i}: ", dim=True)) if len(per_axis) > 1 else None
    return "\n".join(
        (prefix(i) if prefix else "") + line for i, lines in enumerate(per_axis) for line in lines
    )


def window_report(plan: WindowPlan, title: str) -> str:
    """Table + formulas for a convolution or pooling plan."""
    rows = [
        [*_geometry_cells(a), str(a.pad_low), str(a.pad_high), str(a.output)] for a in plan.axes
    ]
    headers = ["pad\nbefore", "pad\nafter", "output"]
    return _plan_report(title, headers, rows, [explain_window(a) for a in plan.axes])


def deconv_report(plan: DeconvPlan, title: str) -> str:
    """Table + formulas for a transposed-convolution plan."""
    rows = [
        [
            *_geometry_cells(a),
            f"{a.pad_low}, {a.pad_high}",
            str(a.output_padding),
            str(a.output),
            f"{a.output_range[0]}..{a.output_range[1]}",
        ]
        for a in plan.axes
    ]
    headers = ["crop", "output\npadding", "output", "reachable"]
    return _plan_report(title, headers, rows, [explain_deconv(a) for a in plan.axes])


def invert_report(per_axis: Sequence[Sequence[DeconvAxis]], title: str) -> str:
    """One row per (axis, input length) that the convolution maps to its output."""
    rows = [
        [
            str(i),
            str(c.output),
            f"{c.pad_low}, {c.pad_high}",
            str(c.input),
            str(c.output_padding),
            _keras(c),
        ]
        for i, candidates in enumerate(per_axis)
        for c in candidates
    ]
    headers = [
        "conv\ninput",
        "pads",
        "conv\noutput",
        "deconv\noutput_padding",
        "Keras\noutput_padding",
    ]
    return _table(title, headers, rows, value=0) + "\n" + click.style(INVERT_NOTE, dim=True)


def _keras(c: DeconvAxis) -> str:
    if c.padding is None:
        return "n/a"
    return "—" if c.keras_output_padding is None else str(c.keras_output_padding)
