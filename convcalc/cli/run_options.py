"""The options ``convcalc run`` shares across its commands, and their choices.

The choice lists are kept equal to :data:`convcalc.arrays.formats.FORMATS`,
:data:`convcalc.execute.LAYOUTS` / ``PADDING_MODES`` and
:data:`convcalc.arrays.kernels.KERNELS` by ``tests/test_run_cli.py`` (those modules import
NumPy, which a command's ``--help`` does not need).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from convcalc.cli.params import stack_options

__all__ = [
    "FORMATS",
    "IMAGE_FORMATS",
    "KERNEL_NAMES",
    "LAYOUTS",
    "PADDING_MODES",
    "ByteSize",
    "io_options",
    "max_memory_option",
    "weight_options",
]

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ["npy", "npz", "json", "text", "csv", "png", "jpeg", "tiff", "bmp", "webp"]
IMAGE_FORMATS = FORMATS[5:]
LAYOUTS = ["plain", "ncw", "nchw", "ncdhw", "nwc", "nhwc", "ndhwc"]
PADDING_MODES = ["zeros", "reflect", "replicate", "circular"]
KERNEL_NAMES = [
    "sobel-x",
    "sobel-y",
    "laplacian",
    "box3",
    "box5",
    "gaussian3",
    "gaussian5",
    "identity",
]


UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "p": 2**50}
_BYTES = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*([kmgtp]?)(?:i?b)?", re.IGNORECASE)


class ByteSize(click.ParamType[int | None, Any]):
    """A byte count: ``4G``, ``512MiB``, ``1.5g``, ``1000000`` (binary units), or ``auto``
    (``None``: the executor's default limit)."""

    name = "bytes"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> int | None:
        if value is None or isinstance(value, int):
            return value
        text = str(value).strip()
        if text.lower() == "auto":
            return None
        match = _BYTES.fullmatch(text) if text.isascii() else None
        if match is None:
            self.fail(f"{value!r} is not a size such as 4G, 512M, 2GiB or auto", param, ctx)
        size = int(float(match.group(1)) * UNITS[match.group(2).lower()])
        if not 1 <= size <= 2**60:
            self.fail(f"{value!r}: the limit must be between 1 byte and 1 EiB", param, ctx)
        return size


def _apply_memory_limit(ctx: click.Context, _: click.Parameter, value: int | None) -> None:
    from convcalc.execute.memory import memory_limit

    ctx.with_resource(memory_limit(value))


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Keep an output or image option in ``ctx.meta["convcalc.<name>"]`` for
    :mod:`convcalc.cli.run_io` (the commands do not take them as arguments)."""
    ctx.meta[f"convcalc.{param.name}"] = value


max_memory_option = click.option(
    "--max-memory",
    type=ByteSize(),
    default="auto",
    expose_value=False,
    callback=_apply_memory_limit,
    help="Refuse work whose arrays (input, output, padded input, workspace, text) would "
    "need more: 4G, 512M, ... [default: auto = 4 GiB or the memory available, whichever "
    "is less]",
)
"""``--max-memory``: the memory limit of the command (``run …``, ``show``)."""


def io_options(f: F) -> F:
    """FILE argument, ``-o``, ``--format``, ``--output-format``, ``--precision``, the image
    options (``--channels``, ``--normalize``, ``--bit-depth``), ``--max-memory`` and
    ``--layout``."""
    return stack_options(
        click.argument("input_file", metavar="[FILE]", required=False),
        click.option(
            "-o",
            "--output",
            metavar="FILE",
            help="Write the result to FILE (atomically) instead of stdout; its extension "
            "(.npy .npz .json .txt .csv, images .png .jpg .tif .bmp .webp) picks the format.",
        ),
        click.option(
            "--format",
            "input_format",
            type=click.Choice(["auto", *FORMATS]),
            default="auto",
            show_default=True,
            help="Input format (auto: sniff image and .npy/.npz magic, '[' for JSON, else text).",
        ),
        click.option(
            "--output-format",
            type=click.Choice(FORMATS),
            help="Output format [default: from -o's extension, else the input's].",
        ),
        click.option(
            "--precision",
            type=click.IntRange(1, 17),
            expose_value=False,
            callback=_remember,
            help="Significant digits in text, CSV and JSON output [default: the "
            "shortest form that reads back exactly].",
        ),
        *image_options,
        max_memory_option,
        click.option(
            "--layout",
            type=click.Choice(LAYOUTS, case_sensitive=False),
            default="plain",
            show_default=True,
            help="plain: spatial axes only; ncw/nchw/ncdhw: PyTorch (N, C, ...); "
            "nwc/nhwc/ndhwc: TensorFlow (N, ..., C).",
        ),
    )(f)


image_options = (
    click.option(
        "--channels",
        type=click.Choice(["grey", "rgb"]),
        default="grey",
        show_default=True,
        expose_value=False,
        callback=_remember,
        help="Image input: one grey channel (luma), or rgb (H×W×3; with --layout nchw or "
        "nhwc a batch of one). Pixels are read as floats in [0, 1].",
    ),
    click.option(
        "--normalize",
        type=click.Choice(["auto", "minmax", "abs", "clip"]),
        default="auto",
        show_default=True,
        expose_value=False,
        callback=_remember,
        help="Image output: clip keeps [0, 1], minmax stretches min..max, abs maps |v| over "
        "0..max|v| (signed edges); auto: clip if all values are in [0, 1], abs if any is "
        "negative, else minmax.",
    ),
    click.option(
        "--show",
        is_flag=True,
        expose_value=False,
        callback=_remember,
        help="Also draw the result in the terminal (see 'convcalc show'): on stdout, or on "
        "stderr when stdout carries binary data.",
    ),
    click.option(
        "--bit-depth",
        type=click.Choice(["8", "16"]),
        default="8",
        show_default=True,
        expose_value=False,
        callback=_remember,
        help="Image output: bits per pixel (16: greyscale PNG or TIFF).",
    ),
)


def weight_options(f: F) -> F:
    """``-k/--kernel``, ``-b/--bias`` and ``-g/--groups``."""
    return stack_options(
        click.option(
            "-k",
            "--kernel",
            required=True,
            metavar="KERNEL",
            help="A built-in name (" + ", ".join(KERNEL_NAMES) + "), inline JSON "
            "('[[1,0,-1],[2,0,-2],[1,0,-1]]'), or a file (FILE.npz:NAME picks one array).",
        ),
        click.option(
            "-b",
            "--bias",
            metavar="BIAS",
            help="One value per output channel: a number, inline JSON or a file.",
        ),
        click.option(
            "-g",
            "--groups",
            type=click.IntRange(min=1),
            help="Channel groups (= C: depthwise) [default: 1; C for a built-in kernel "
            "in a batched layout].",
        ),
    )(f)
