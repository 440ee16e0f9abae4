"""``convcalc diagram conv|pool|deconv``: padded-grid pictures of a layer, in the terminal.

The geometry options are those of ``convcalc shape`` and go through the same engine, so
the same geometries are accepted and the same one-line errors are printed. Rich is
imported only when drawing, NumPy only with ``--values``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from convcalc.cli.diagram_show import MAX_WIDTH, show
from convcalc.cli.params import (
    CEIL_MODE,
    OUTPUT_PADDING,
    OUTPUT_SIZE,
    PaddingValue,
    count_pad_option,
    geometry_options,
    input_option,
    pool_op_option,
    stack_options,
)
from convcalc.cli.resize_cmd import diagram_resize
from convcalc.shape import (
    DeconvPlan,
    WindowPlan,
    conv_plan,
    deconv_plan,
    default_count_include_pad,
    pool_plan,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from convcalc.diagram.layout import DiagramValues
    from convcalc.diagram.values import Op

__all__ = ["AT_OPTION", "LAYER_OPTIONS", "NO_COLOR_OPTION", "STEP_OPTION", "diagram"]

F = TypeVar("F", bound=Callable[..., Any])
Sizes = tuple[int, ...]


class PositionType(click.ParamType[tuple[int, ...], Any]):
    """An output position: ``3``, ``1,2`` or ``1x2`` (0-based)."""

    name = "position"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        try:
            position = tuple(int(v) for v in str(value).replace("x", ",").split(","))
        except ValueError:
            self.fail(f"{value!r} is not a position such as 3 or 1,2", param, ctx)
        if min(position) < 0:
            self.fail(f"{value!r}: positions are 0-based and ≥ 0", param, ctx)
        return position


_input_option = input_option(
    "Spatial input size: 13, 5x5, 4x4x4 (optional with --values: its shape).", required=False
)


STEP_OPTION = click.option(
    "--step",
    type=click.IntRange(min=0),
    help="Highlight window N (0-based, row-major: the last axis moves fastest).",
)
AT_OPTION = click.option(
    "--at",
    type=PositionType(),
    help="Highlight the window of output position ROW,COL (0-based).",
    metavar="ROW,COL",
)
NO_COLOR_OPTION = click.option(
    "--no-color",
    is_flag=True,
    help="No colour (also NO_COLOR=1, or when piped); glyphs still tell cells apart.",
)

LAYER_OPTIONS: dict[str, Callable[[F], F]] = {
    "conv": geometry_options(),
    "pool": stack_options(
        geometry_options(stride_default=None),
        CEIL_MODE,
        pool_op_option("pool_op"),
        count_pad_option("count_include_pad"),
    ),
    "deconv": stack_options(geometry_options(padding_default="0"), OUTPUT_PADDING, OUTPUT_SIZE),
}
"""The layer options after ``-i`` of each ``diagram`` subcommand (``explore`` takes them too)."""

_HIGHLIGHT_OPTIONS = [
    STEP_OPTION,
    AT_OPTION,
    click.option("--all", "all_steps", is_flag=True, help="Print every window position in turn."),
    click.option(
        "--animate",
        is_flag=True,
        help="Step through every window in place (only when stdout is a terminal).",
    ),
    click.option(
        "--delay",
        type=click.FloatRange(min=0),
        default=0.6,
        show_default=True,
        help="Seconds per frame with --animate.",
    ),
]
"""Which windows to draw: ``--step``, ``--at``, ``--all``, ``--animate``, ``--delay``."""

_VALUES_OPTION = click.option(
    "--values",
    "values_spec",
    metavar="ARRAY",
    help="Input values: inline JSON ([[1,2],[3,4]]), a .json/.txt/.npy file, "
    "or - for stdin. Cells and outputs then show numbers.",
)
_KERNEL_VALUES_OPTION = click.option(
    "--kernel-values",
    metavar="ARRAY",
    help="Kernel values for --values, like --values (default: all ones).",
)

_OUTPUT_OPTIONS = [
    NO_COLOR_OPTION,
    click.option(
        "-w",
        "--width",
        type=click.IntRange(min=20, max=MAX_WIDTH),
        help=f"Columns to fit, {MAX_WIDTH} at most  [default: the terminal's, or COLUMNS, or 80].",
    ),
    click.option(
        "--save",
        type=click.Path(dir_okay=False, writable=True),
        help="Also write the diagram to FILE: .svg, .html or .txt (Rich export).",
    ),
]
"""Where and how to print: ``--no-color``, ``--width``, ``--save``."""


def _view_options(*, kernel_values: bool) -> Callable[[F], F]:
    """Highlighting, frames, values, colour and export options shared by the commands."""
    values = [_VALUES_OPTION, *([_KERNEL_VALUES_OPTION] if kernel_values else [])]
    return stack_options(*_HIGHLIGHT_OPTIONS, *values, *_OUTPUT_OPTIONS)


@click.group()
def diagram() -> None:
    """Padded-grid diagrams: pads, windows, dropped cells, transposed-conv steps.

    \b
    convcalc diagram conv -i 13 -k 6 -s 5 -p same           1-D: windows as brackets
    convcalc diagram conv -i 5x5 -k 3 -s 2 -p 1 --step 4    2-D: one window highlighted
    convcalc diagram deconv -i 3x3 -k 3 -s 2 -p 1 --output-padding 1
    convcalc diagram pool -i 5 -k 2 -p 1 --ceil-mode --op avg
    """


diagram.add_command(diagram_resize)


@diagram.command()
@_input_option
@LAYER_OPTIONS["conv"]
@_view_options(kernel_values=True)
def conv(
    input_: Sizes | None,
    kernel: Sizes,
    stride: Sizes,
    dilation: Sizes,
    padding: PaddingValue,
    **view: Any,
) -> None:
    """Convolution on its padded grid: pads on each side, every window, dropped inputs.

    \b
    convcalc diagram conv -i 13 -k 6 -s 5 -p same        1 pad before, 2 after, 3 windows
    convcalc diagram conv -i 13 -k 6 -s 5                valid: inputs 11 and 12 dropped
    convcalc diagram conv -i 5x5 -k 3 -s 2 -p 1 --at 1,2
    convcalc diagram conv -k 2 --values '[[1,2,3],[4,5,6],[7,8,9]]' --kernel-values '[[1,0],[0,-1]]'
    """
    x, w = _arrays(view)
    size = _input_size(input_, x)
    plan = conv_plan(size, kernel, stride=stride, dilation=dilation, padding=padding)
    values = _values(plan, x, w, "conv")

    def build(highlight: Sizes | None, parts: frozenset[str]) -> RenderableType:
        from convcalc.diagram.window import WindowDiagram

        return WindowDiagram(
            plan, op="convolution", highlight=highlight, values=values, parts=parts
        )

    show(build, plan, view)


@diagram.command()
@_input_option
@LAYER_OPTIONS["pool"]
@_view_options(kernel_values=False)
def pool(
    input_: Sizes | None,
    kernel: Sizes,
    stride: Sizes | None,
    dilation: Sizes,
    padding: PaddingValue,
    ceil_mode: bool,
    pool_op: str,
    count_include_pad: bool | None,
    **view: Any,
) -> None:
    """Pooling windows; ceil mode's overhang and dropped window; average divisors.

    \b
    convcalc diagram pool -i 5 -k 2 --ceil-mode               a window past the end
    convcalc diagram pool -i 4 -k 2 -s 3 -p 1 --ceil-mode     a window dropped
    convcalc diagram pool -i 6x6 -k 3 -s 2 -p 1 --op avg --no-count-include-pad
    """
    x, _ = _arrays(view)
    size = _input_size(input_, x)
    plan = pool_plan(
        size, kernel, stride=stride, dilation=dilation, padding=padding, ceil_mode=ceil_mode
    )
    average = pool_op == "avg"
    if count_include_pad is None:
        count_include_pad = default_count_include_pad(plan)
    kind: Op = "avg" if average else "max"
    values = _values(plan, x, None, kind, include_pad=count_include_pad)
    op = "average pooling" if average else "max pooling"

    def build(highlight: Sizes | None, parts: frozenset[str]) -> RenderableType:
        from convcalc.diagram.window import WindowDiagram

        include = count_include_pad if average else None
        return WindowDiagram(
            plan, op=op, highlight=highlight, values=values, include_pad=include, parts=parts
        )

    show(build, plan, view)


@diagram.command()
@_input_option
@LAYER_OPTIONS["deconv"]
@_view_options(kernel_values=True)
def deconv(
    input_: Sizes | None,
    kernel: Sizes,
    stride: Sizes,
    dilation: Sizes,
    padding: PaddingValue,
    output_padding: Sizes | None,
    output_size: Sizes | None,
    **view: Any,
) -> None:
    """Transposed convolution in four steps: flip the kernel, stretch the input with
    s − 1 zeros, add the border (k − 1 − p, plus output_padding at the end), slide the
    flipped kernel with stride 1.

    \b
    convcalc diagram deconv -i 3x3 -k 3 -s 2 -p 1 --output-padding 1   5×5 → 6×6
    convcalc diagram deconv -i 2 -k 3 -s 2                            1-D, no padding
    """
    x, w = _arrays(view)
    size = _input_size(input_, x)
    plan = deconv_plan(
        size,
        kernel,
        stride=stride,
        dilation=dilation,
        padding=padding,
        output_padding=output_padding,
        output_size=output_size,
    )
    values = _values(plan, x, w, "deconv")

    def build(highlight: Sizes | None, parts: frozenset[str]) -> RenderableType:
        from convcalc.diagram.deconv import DeconvDiagram

        return DeconvDiagram(plan, highlight=highlight, values=values, parts=parts)

    show(build, plan, view)


def _arrays(view: dict[str, Any]) -> tuple[Any, Any]:
    """The ``--values`` / ``--kernel-values`` arrays (NumPy is loaded only for them)."""
    spec, kernel_spec = view.get("values_spec"), view.get("kernel_values")
    if spec is None:
        if kernel_spec is not None:
            raise click.UsageError("--kernel-values needs --values (the input array).")
        return None, None
    from convcalc.diagram.values import load_array

    stdin = sys.stdin.read() if "-" in (spec, kernel_spec) else None
    x = load_array(spec, "--values", stdin)
    w = None if kernel_spec is None else load_array(kernel_spec, "--kernel-values", stdin)
    return x, w


def _input_size(input_: Sizes | None, x: Any) -> Sizes:
    if input_ is not None:
        return input_
    if x is None:
        raise click.UsageError("Missing option '-i' / '--input' (or give --values).")
    return tuple(int(n) for n in x.shape)


def _values(
    plan: WindowPlan | DeconvPlan, x: Any, w: Any, op: Op, *, include_pad: bool = True
) -> DiagramValues | None:
    if x is None:
        return None
    from convcalc.diagram.values import diagram_values

    return diagram_values(plan, x, w, op, include_pad=include_pad)
