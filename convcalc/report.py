"""Rich tables for ``convcalc shape``: one row per axis, then the formulas with numbers.

Only ``rich.table`` and ``rich.text`` are loaded; the plans come from the shape engine and
the formula lines from :mod:`convcalc.explain`.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from convcalc.explain import explain_deconv, explain_window
from convcalc.shape import AxisPlan, DeconvAxis, DeconvPlan, WindowPlan

__all__ = ["deconv_report", "invert_report", "window_report"]


def _table(title: str, columns: Sequence[str]) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        padding=(0, 1, 0, 0),
    )
    table.add_column("axis", justify="right", style="dim")
    for name in columns:
        table.add_column(name, justify="right")
    return table


def _kernel_cell(a: AxisPlan | DeconvAxis) -> str:
    return str(a.kernel) if a.dilation == 1 else f"{a.kernel} (eff {a.effective_kernel})"


def _formulas(per_axis: Sequence[list[str]]) -> Text:
    text = Text()
    for axis, lines in enumerate(per_axis):
        prefix = f"axis {axis}: " if len(per_axis) > 1 else ""
        for line in lines:
            text.append(prefix, style="dim")
            text.append(line + "\n")
    text.rstrip()
    return text


def window_report(plan: WindowPlan, title: str) -> RenderableType:
    """Table + formulas for a convolution or pooling plan."""
    table = _table(
        title, ["input", "kernel", "stride", "dilation", "pad\nbefore", "pad\nafter", "output"]
    )
    for i, a in enumerate(plan.axes):
        table.add_row(
            str(i),
            str(a.input),
            _kernel_cell(a),
            str(a.stride),
            str(a.dilation),
            str(a.pad_low),
            str(a.pad_high),
            Text(str(a.output), style="bold cyan"),
        )
    return Group(table, _formulas([explain_window(a) for a in plan.axes]))


def deconv_report(plan: DeconvPlan, title: str) -> RenderableType:
    """Table + formulas for a transposed-convolution plan."""
    table = _table(
        title,
        ["input", "kernel", "stride", "dilation", "crop", "output\npadding", "output", "reachable"],
    )
    for i, a in enumerate(plan.axes):
        lo, hi = a.output_range
        table.add_row(
            str(i),
            str(a.input),
            _kernel_cell(a),
            str(a.stride),
            str(a.dilation),
            f"{a.pad_low}, {a.pad_high}",
            str(a.output_padding),
            Text(str(a.output), style="bold cyan"),
            f"{lo}..{hi}",
        )
    return Group(table, _formulas([explain_deconv(a) for a in plan.axes]))


def invert_report(per_axis: Sequence[Sequence[DeconvAxis]], title: str) -> RenderableType:
    """One row per (axis, input length) that the convolution maps to its output."""
    table = _table(
        title,
        ["conv\ninput", "pads", "conv\noutput", "deconv\noutput_padding", "Keras\noutput_padding"],
    )
    for i, candidates in enumerate(per_axis):
        for c in candidates:
            keras = "—" if c.keras_output_padding is None else str(c.keras_output_padding)
            if c.padding is None:
                keras = "n/a"
            table.add_row(
                str(i),
                Text(str(c.output), style="bold cyan"),
                f"{c.pad_low}, {c.pad_high}",
                str(c.input),
                str(c.output_padding),
                keras,
            )
    notes = Text(
        "A transposed convolution of the conv output with the same kernel, stride, dilation "
        "and pads, plus the output_padding shown, comes back to exactly that input size. "
        "Named modes crop the forward pads of that size (TensorFlow: pass it as "
        "output_shape).",
        style="dim",
    )
    return Group(table, notes)
