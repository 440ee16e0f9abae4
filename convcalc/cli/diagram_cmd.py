"""``convcalc diagram conv|pool|deconv``: padded-grid pictures of a layer, in the terminal.

The geometry options are those of ``convcalc shape`` and go through the same engine, so
the same geometries are accepted and the same one-line errors are printed. Rich is
imported only when drawing, NumPy only with ``--values``.
"""

from __future__ import annotations

import io
import itertools
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from convcalc.cli.params import (
    CEIL_MODE,
    OUTPUT_PADDING,
    OUTPUT_SIZE,
    SIZES,
    PaddingValue,
    count_pad_option,
    geometry_options,
    pool_op_option,
)
from convcalc.shape import (
    DeconvPlan,
    WindowPlan,
    conv_plan,
    deconv_plan,
    default_count_include_pad,
    pool_plan,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from convcalc.diagram.layout import DiagramValues
    from convcalc.diagram.values import Op

__all__ = ["diagram"]

F = TypeVar("F", bound=Callable[..., Any])
Sizes = tuple[int, ...]
Build = Callable[["tuple[int, ...] | None", frozenset[str]], "RenderableType"]
"""``build(highlight, parts)``: the diagram with that window highlighted, those sections."""

SAVE_SUFFIXES = (".svg", ".html", ".txt")


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


def _input_option(f: F) -> F:
    return click.option(
        "-i",
        "--input",
        "input_",
        type=SIZES,
        metavar="SIZES",
        help="Spatial input size: 13, 5x5, 4x4x4 (optional with --values: its shape).",
    )(f)


def _view_options(*, kernel_values: bool) -> Callable[[F], F]:
    """Highlighting, frames, values, colour and export options shared by the commands."""

    def decorate(f: F) -> F:
        options = [
            click.option(
                "--step",
                type=click.IntRange(min=0),
                help="Highlight window N (0-based, row-major: the last axis moves fastest).",
            ),
            click.option(
                "--at",
                type=PositionType(),
                help="Highlight the window of output position ROW,COL (0-based).",
                metavar="ROW,COL",
            ),
            click.option(
                "--all", "all_steps", is_flag=True, help="Print every window position in turn."
            ),
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
            click.option(
                "--values",
                "values_spec",
                metavar="ARRAY",
                help="Input values: inline JSON ([[1,2],[3,4]]), a .json/.txt/.npy file, "
                "or - for stdin. Cells and outputs then show numbers.",
            ),
        ]
        if kernel_values:
            options.append(
                click.option(
                    "--kernel-values",
                    metavar="ARRAY",
                    help="Kernel values for --values, like --values (default: all ones).",
                )
            )
        options += [
            click.option(
                "--no-color",
                is_flag=True,
                help="No colour (also NO_COLOR=1, or when piped); glyphs still tell cells apart.",
            ),
            click.option(
                "-w",
                "--width",
                type=click.IntRange(min=20),
                help="Columns to fit  [default: the terminal's, or COLUMNS, or 80].",
            ),
            click.option(
                "--save",
                type=click.Path(dir_okay=False, writable=True),
                help="Also write the diagram to FILE: .svg, .html or .txt (Rich export).",
            ),
        ]
        for option in reversed(options):
            f = option(f)
        return f

    return decorate


@click.group()
def diagram() -> None:
    """Padded-grid diagrams: pads, windows, dropped cells, transposed-conv steps.

    \b
    convcalc diagram conv -i 13 -k 6 -s 5 -p same           1-D: windows as brackets
    convcalc diagram conv -i 5x5 -k 3 -s 2 -p 1 --step 4    2-D: one window highlighted
    convcalc diagram deconv -i 3x3 -k 3 -s 2 -p 1 --output-padding 1
    convcalc diagram pool -i 5 -k 2 -p 1 --ceil-mode --op avg
    """


@diagram.command()
@_input_option
@geometry_options()
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
        from convcalc.diagram.figure import WindowDiagram

        return WindowDiagram(
            plan, op="convolution", highlight=highlight, values=values, parts=parts
        )

    _show(build, plan, view)


@diagram.command()
@_input_option
@geometry_options(stride_default=None)
@CEIL_MODE
@pool_op_option("pool_op")
@count_pad_option("count_include_pad")
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
        from convcalc.diagram.figure import WindowDiagram

        include = count_include_pad if average else None
        return WindowDiagram(
            plan, op=op, highlight=highlight, values=values, include_pad=include, parts=parts
        )

    _show(build, plan, view)


@diagram.command()
@_input_option
@geometry_options(padding_default="0")
@OUTPUT_PADDING
@OUTPUT_SIZE
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
        from convcalc.diagram.figure import DeconvDiagram

        return DeconvDiagram(plan, highlight=highlight, values=values, parts=parts)

    _show(build, plan, view)


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


def _highlight(plan: WindowPlan | DeconvPlan, view: dict[str, Any]) -> Sizes | None:
    """The output position of ``--step`` or ``--at``, checked against the output shape."""
    output = plan.output
    step, at = view["step"], view["at"]
    if step is not None and at is not None:
        raise click.UsageError("Give --step or --at, not both.")
    total = 1
    for n in output:
        total *= n
    if step is not None:
        if step >= total:
            raise click.BadParameter(
                f"{step} is past the last window: this layer has {total} (0..{total - 1}).",
                param_hint="'--step'",
            )
        position = []
        for n in reversed(output):
            step, r = divmod(step, n)
            position.append(r)
        return tuple(reversed(position))
    if at is not None:
        if len(at) != len(output):
            raise click.BadParameter(
                f"{','.join(map(str, at))} has {len(at)} coordinate(s) but the output has "
                f"{len(output)} axes.",
                param_hint="'--at'",
            )
        if any(j >= n for j, n in zip(at, output, strict=True)):
            shape = "×".join(map(str, output))
            raise click.BadParameter(
                f"{','.join(map(str, at))} is outside the {shape} output.", param_hint="'--at'"
            )
        return tuple(at)
    return None


def _no_color(view: dict[str, Any]) -> bool:
    return bool(view["no_color"]) or bool(os.environ.get("NO_COLOR"))


def _console(view: dict[str, Any], **kwargs: Any) -> Console:
    from rich.console import Console

    color: Literal["auto"] | None = None if _no_color(view) else "auto"
    return Console(
        highlight=False,
        color_system=color,
        width=view["width"],
        soft_wrap=False,
        **kwargs,
    )


def _positions(plan: WindowPlan | DeconvPlan) -> Iterable[Sizes]:
    """Every output position, row-major, lazily."""
    return itertools.product(*(range(n) for n in plan.output))


def _with_parts(frames: Iterable[Sizes | None]) -> Iterator[tuple[Sizes | None, frozenset[str]]]:
    """Each frame with its sections: the title once at the top, the legend and summary
    once after the last frame."""
    from convcalc.diagram.figure import PARTS

    frames = iter(frames)
    current = next(frames)
    first = True
    for following in frames:
        yield current, PARTS - {"legend", "summary"} - (set() if first else {"title"})
        first, current = False, following
    yield current, PARTS if first else PARTS - {"title"}


def _print_frames(console: Console, build: Build, frames: Iterable[Sizes | None]) -> None:
    for i, (frame, parts) in enumerate(_with_parts(frames)):
        if i:
            console.print()
        console.print(build(frame, parts))


def _show(build: Build, plan: WindowPlan | DeconvPlan, view: dict[str, Any]) -> None:
    """Print the diagram (or every frame), animate it on a terminal, save it.

    The console comes from ``ctx.obj["console"]`` when the caller passes one (tests,
    embedding); otherwise it follows the terminal, ``COLUMNS``, ``--width`` and the
    colour switches.
    """
    save = view["save"]
    if save is not None and not save.lower().endswith(SAVE_SUFFIXES):
        raise click.BadParameter(
            f"{save!r}: the file name must end in .svg, .html or .txt.", param_hint="'--save'"
        )
    highlight = _highlight(plan, view)
    obj = click.get_current_context().obj
    given = obj.get("console") if isinstance(obj, dict) else None
    console = given if given is not None else _console(view)
    animate = view["animate"] and console.is_terminal
    if view["animate"] and not animate:
        click.echo("convcalc: --animate needs a terminal; printing one frame.", err=True)
    every = view["all_steps"] or animate
    if animate:
        _animate(console, build, _positions(plan), view["delay"])
    else:
        _print_frames(console, build, _positions(plan) if every else [highlight])
    if save is not None:
        last = tuple(n - 1 for n in plan.output)
        shown = [last] if animate else _positions(plan) if every else [highlight]
        _save(save, build, shown, _no_color(view), console.width)


def _animate(console: Console, build: Build, frames: Iterable[Sizes], delay: float) -> None:
    """Redraw in place, one window per frame (Rich Live); the last frame stays."""
    from rich.live import Live

    from convcalc.diagram.figure import PARTS

    with Live(console=console, auto_refresh=False) as live:
        for frame in frames:
            live.update(build(frame, PARTS), refresh=True)
            time.sleep(delay)


def _save(
    path: str, build: Build, frames: Iterable[Sizes | None], no_color: bool, width: int
) -> None:
    """Record the frames on a console of their own (colours kept unless turned off) and
    export them by the file's suffix."""
    from rich.console import Console

    recorder = Console(
        highlight=False,
        color_system=None if no_color else "truecolor",
        width=width,
        record=True,
        file=io.StringIO(),
        force_terminal=True,
        soft_wrap=False,
    )
    _print_frames(recorder, build, frames)
    lower = path.lower()
    if lower.endswith(".svg"):
        recorder.save_svg(path, title="convcalc diagram")
    elif lower.endswith(".html"):
        recorder.save_html(path)
    else:
        recorder.save_text(path)
    click.echo(f"convcalc: saved {path}", err=True)
