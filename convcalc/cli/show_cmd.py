"""``convcalc show FILE``: an array or image file drawn in the terminal, and the picture that
``convcalc run … --show`` adds to a result (:func:`print_picture`).

In colour (a terminal, no ``NO_COLOR``) each character cell is two pixels (Unicode half
blocks) in a perceptual colour map; otherwise a ramp of plain characters and no escape
codes. See :mod:`convcalc.report.picture`. NumPy and Rich are imported inside.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any, cast

import click

from convcalc.cli.params import SizesType
from convcalc.cli.run_options import FORMATS, IMAGE_FORMATS, LAYOUTS, max_memory_option

__all__ = ["CMAPS", "print_picture", "show"]

CMAPS = ["auto", "viridis", "diverging", "grey", "rgb"]
MAX_WIDTH = 1000
DEFAULT_ROWS = 40
"""Picture height in lines when stdout is not a terminal (else the terminal's height)."""


def print_picture(
    array: Any,
    *,
    layout: str = "plain",
    at: tuple[int, ...] | None = None,
    axes: tuple[int, ...] | None = None,
    cmap: str = "auto",
    width: int | None = None,
    rows: int | None = None,
    no_color: bool = False,
    err: bool = False,
    console: Any = None,
) -> None:
    """Draw *array* (the plane picked by *layout*, *at*, *axes*) on stdout (*err*: stderr),
    or on a Rich *console* of the caller's (e.g. one that records an SVG)."""
    from rich.console import Console

    from convcalc.errors import SpecError
    from convcalc.execute.memory import check_memory
    from convcalc.report.picture import WORKING_BYTES_PER_VALUE, draw, select_plane

    if console is None:
        console = Console(highlight=False, soft_wrap=False, stderr=err, width=width)
    color = (
        console.is_terminal
        and console.color_system is not None
        and not (no_color or os.environ.get("NO_COLOR"))
    )
    if rows is None:
        rows = max(4, console.height - 2) if console.is_terminal else DEFAULT_ROWS
    try:
        plane, index = select_plane(array, layout=layout, at=at, axes=axes, rgb=cmap == "rgb")
    except SpecError as exc:
        raise click.BadParameter(str(exc)) from None
    check_memory([("the picture's working copies", plane.size * WORKING_BYTES_PER_VALUE)])
    columns = min(width or console.width, MAX_WIDTH)
    lines = draw(plane, width=columns, rows=rows, cmap=cmap, color=color, index=index)
    for line in lines:
        if color:
            console.print(line)
        else:
            click.echo(line, err=err)


@click.command()
@click.argument("input_file", metavar="[FILE]", required=False)
@click.option(
    "-w", "--width", type=click.IntRange(4, MAX_WIDTH), help="Columns [default: the terminal's]."
)
@click.option(
    "--height",
    type=click.IntRange(1, 10000),
    help="Picture height in lines at most, frame included [default: the terminal's "
    f"height, else {DEFAULT_ROWS}].",
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS, case_sensitive=False),
    default="plain",
    show_default=True,
    help="Which axes are spatial: plain (all), nc… (N, C, …), n…c (N, …, C).",
)
@click.option(
    "--axes",
    type=SizesType(0),
    metavar="A,B",
    help="The two axes drawn (rows, columns) [default: the last two spatial axes].",
)
@click.option(
    "--at",
    type=SizesType(0),
    metavar="I,J,…",
    help="Indices of the other axes, in order (batch, channel, depth…) [default: 0].",
)
@click.option(
    "--cmap",
    type=click.Choice(CMAPS),
    default="auto",
    show_default=True,
    help="auto: a colour image's own colours, diverging (blue-white-red) for signed data, "
    "else viridis; rgb: the channel axis holds R, G, B.",
)
@click.option(
    "--format",
    "input_format",
    type=click.Choice(["auto", *FORMATS]),
    default="auto",
    show_default=True,
    help="Input format (auto: sniffed).",
)
@click.option("--no-color", is_flag=True, help="Plain characters even on a colour terminal.")
@max_memory_option
def show(input_file: str | None, input_format: str, cmap: str, **view: Any) -> None:
    """Draw an array or image file in the terminal, with its value range.

    Any file 'convcalc run' reads: .npy, .npz (FILE.npz:NAME), JSON, text, CSV, PNG,
    JPEG, TIFF, BMP, WebP; '-' or a pipe for stdin. In colour (a terminal, no NO_COLOR)
    each character is two pixels (half blocks); otherwise plain characters in a frame.

    \b
    convcalc show edges.png
    convcalc show --width 40 feature_maps.npy --layout nchw --at 0,5
    convcalc run conv -k sobel-x -p same photo.png | convcalc show
    """
    from convcalc.arrays import formats as arrayio
    from convcalc.cli.run_io import isatty
    from convcalc.execute.memory import check_memory

    if input_file is None and isatty(sys.stdin):
        raise click.UsageError("no input: give a FILE, or pipe an array into stdin")
    fmt = None if input_format == "auto" else input_format
    stdin = cast("IO[bytes]", getattr(sys.stdin, "buffer", sys.stdin))
    array, found = arrayio.read_array(
        input_file or "-", fmt, stdin=stdin, channels="auto", check=check_memory
    )
    if cmap == "auto" and found in IMAGE_FORMATS and array.ndim == 3:
        cmap = "rgb"
    print_picture(array, cmap=cmap, rows=view.pop("height"), **view)
