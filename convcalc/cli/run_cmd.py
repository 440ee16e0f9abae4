"""``convcalc run conv|deconv|pool|unpool``: run one layer on arrays with the NumPy executor.

The input is a FILE argument, or stdin when FILE is ``-`` or absent (stdin is read only when
it is not a terminal, so a bare command never hangs). The result goes to stdout, or to
``-o FILE`` (written atomically: nothing is left behind on error). Messages go to stderr.
NumPy, the executor and :mod:`convcalc.arrays.formats` are imported inside the commands.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from convcalc.cli.params import (
    CEIL_MODE,
    OUTPUT_PADDING,
    OUTPUT_SIZE,
    PADDING,
    SIZES,
    PaddingValue,
    count_pad_option,
    geometry_options,
    pool_op_option,
)

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["FORMATS", "KERNEL_NAMES", "LAYOUTS", "PADDING_MODES", "run"]

F = TypeVar("F", bound=Callable[..., Any])
Sizes = tuple[int, ...]

# Kept equal to convcalc.arrays.formats.FORMATS, convcalc.execute.LAYOUTS / PADDING_MODES and
# convcalc.arrays.kernels.KERNELS by tests/test_run_cli.py (those modules import NumPy).
FORMATS = ["npy", "npz", "json", "text", "csv"]
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
BINARY = ("npy", "npz")


def _remember_precision(ctx: click.Context, _: click.Parameter, value: int | None) -> None:
    ctx.meta["convcalc.precision"] = value


def io_options(f: F) -> F:
    """FILE argument, ``-o``, ``--format``, ``--output-format`` and ``--layout``."""
    for option in reversed(
        [
            click.argument("input_file", metavar="[FILE]", required=False),
            click.option(
                "-o",
                "--output",
                metavar="FILE",
                help="Write the result to FILE (atomically) instead of stdout; its extension "
                "(.npy .npz .json .txt .csv) picks the format.",
            ),
            click.option(
                "--format",
                "input_format",
                type=click.Choice(["auto", *FORMATS]),
                default="auto",
                show_default=True,
                help="Input format (auto: sniff .npy/.npz magic, '[' for JSON, else text).",
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
                callback=_remember_precision,
                help="Significant digits in text, CSV and JSON output [default: the "
                "shortest form that reads back exactly].",
            ),
            click.option(
                "--layout",
                type=click.Choice(LAYOUTS, case_sensitive=False),
                default="plain",
                show_default=True,
                help="plain: spatial axes only; ncw/nchw/ncdhw: PyTorch (N, C, ...); "
                "nwc/nhwc/ndhwc: TensorFlow (N, ..., C).",
            ),
        ]
    ):
        f = option(f)
    return f


def weight_options(f: F) -> F:
    """``-k/--kernel``, ``-b/--bias`` and ``-g/--groups``."""
    for option in reversed(
        [
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
        ]
    ):
        f = option(f)
    return f


@click.group()
def run() -> None:
    """Run a layer on arrays (NumPy): the numbers TensorFlow and PyTorch compute.

    \b
    convcalc run conv --kernel sobel-x -p same image.txt
    echo '[1,2,3]' | convcalc run conv --flip -p full --kernel '[0,1,0.5]'
    convcalc run deconv -k w.npy -s 2 -p 1 --output-padding 1 --layout nchw x.npy -o y.npy
    convcalc run pool -k 3 -s 2 -p 1 --indices idx.npy --layout nchw x.npy -o y.npy
    convcalc run unpool -k 3 -s 2 -p 1 --indices idx.npy --layout nchw y.npy
    """


@run.command()
@io_options
@weight_options
@click.option("-s", "--stride", type=SIZES, default="1", show_default=True, help="Stride.")
@click.option("-d", "--dilation", type=SIZES, default="1", show_default=True, help="Dilation.")
@click.option(
    "-p",
    "--padding",
    type=PADDING,
    default="valid",
    show_default=True,
    help="valid, same, same-lower, full, causal, or pads: 1, 1x2, 1:2, 1:2x0:1.",
)
@click.option(
    "--padding-mode",
    type=click.Choice(PADDING_MODES),
    default="zeros",
    show_default=True,
    help="Pad fill (PyTorch padding_mode): reflect mirrors without repeating the edge.",
)
@click.option(
    "--flip",
    is_flag=True,
    help="True convolution (flip the kernel), as np.convolve and scipy.signal compute.",
)
def conv(
    input_file: str | None,
    output: str | None,
    input_format: str,
    output_format: str | None,
    layout: str,
    kernel: str,
    bias: str | None,
    groups: int | None,
    stride: Sizes,
    dilation: Sizes,
    padding: PaddingValue,
    padding_mode: str,
    flip: bool,
) -> None:
    """Convolution: cross-correlation, as deep-learning frameworks compute it.

    \b
    convcalc run conv --kernel sobel-x -p same image.txt
    echo '[1,2,3]' | convcalc run conv --flip -p full --kernel '[0,1,0.5]'
    convcalc run conv -k w.npy -b b.npy -s 2 -p same --layout nhwc x.npy -o y.npy
    """
    from convcalc.execute import conv as run_conv

    x, fmt = _read_input(input_file, input_format)
    w, groups = _weights(kernel, x, layout, groups, transposed=False)
    result = run_conv(
        x,
        w,
        bias=_load_bias(bias),
        stride=stride,
        dilation=dilation,
        padding=padding,
        padding_mode=padding_mode,
        groups=groups,
        layout=layout,
        flip=flip,
    )
    _emit(result, fmt, output, output_format)


@run.command()
@io_options
@weight_options
@click.option("-s", "--stride", type=SIZES, default="1", show_default=True, help="Stride.")
@click.option("-d", "--dilation", type=SIZES, default="1", show_default=True, help="Dilation.")
@click.option(
    "-p",
    "--padding",
    type=PADDING,
    default="0",
    show_default=True,
    help="Pads cropped from the result (PyTorch), or same/valid (TensorFlow/Keras).",
)
@OUTPUT_PADDING
@OUTPUT_SIZE
def deconv(
    input_file: str | None,
    output: str | None,
    input_format: str,
    output_format: str | None,
    layout: str,
    kernel: str,
    bias: str | None,
    groups: int | None,
    stride: Sizes,
    dilation: Sizes,
    padding: PaddingValue,
    output_padding: Sizes | None,
    output_size: Sizes | None,
) -> None:
    """Transposed convolution: PyTorch semantics with explicit pads, TensorFlow with a mode.

    Weights: (C_in, O/groups, *k) under nc… layouts, (*k, O/groups, C_in) under n…c.

    \b
    convcalc run deconv -k '[1,10,100]' -s 2 signal.json
    convcalc run deconv -k w.npy -s 2 -p 1 --output-padding 1 --layout nchw x.npy -o y.npy
    convcalc run deconv -k w.npy -s 2 -p same --output-size 7x7 --layout nhwc x.npy
    """
    from convcalc.execute import conv_transpose

    x, fmt = _read_input(input_file, input_format)
    w, groups = _weights(kernel, x, layout, groups, transposed=True)
    result = conv_transpose(
        x,
        w,
        bias=_load_bias(bias),
        stride=stride,
        dilation=dilation,
        padding=padding,
        output_padding=output_padding,
        output_size=output_size,
        groups=groups,
        layout=layout,
    )
    _emit(result, fmt, output, output_format)


@run.command()
@io_options
@geometry_options(stride_default=None)
@pool_op_option("op")
@CEIL_MODE
@count_pad_option("count_include_pad")
@click.option(
    "--indices",
    metavar="FILE",
    help="max: also write the argmax indices (PyTorch flat index per (N, C) plane) to FILE.",
)
def pool(
    input_file: str | None,
    output: str | None,
    input_format: str,
    output_format: str | None,
    layout: str,
    kernel: Sizes,
    stride: Sizes | None,
    dilation: Sizes,
    padding: PaddingValue,
    op: str,
    ceil_mode: bool,
    count_include_pad: bool | None,
    indices: str | None,
) -> None:
    """Max or average pooling; -k is the window, the stride defaults to it.

    \b
    convcalc run pool -k 2 image.txt
    convcalc run pool -k 3 -s 2 -p 1 --layout nchw x.npy --indices idx.npy -o y.npy
    convcalc run pool --op avg -k 3 -s 2 -p same --layout nhwc x.npy
    """
    from convcalc.execute import avg_pool, max_pool

    if indices is not None and op != "max":
        raise click.UsageError("--indices needs --op max (average pooling has no argmax)")
    if indices in ("-", ""):
        raise click.BadParameter(
            "stdout carries the pooled values; give a file name", param_hint="'--indices'"
        )
    x, fmt = _read_input(input_file, input_format)
    geometry: dict[str, Any] = {
        "stride": stride,
        "dilation": dilation,
        "padding": padding,
        "ceil_mode": ceil_mode,
        "layout": layout,
    }
    extra: list[tuple[str, Any]] = []
    if op == "avg":
        result = avg_pool(x, kernel, count_include_pad=count_include_pad, **geometry)
    elif indices is None:
        result = max_pool(x, kernel, **geometry)
    else:
        result, argmax = max_pool(x, kernel, return_indices=True, **geometry)
        extra.append((indices, argmax))
    _emit(result, fmt, output, output_format, extra)


@run.command()
@io_options
@click.option("-k", "--kernel", type=SIZES, required=True, help="The pooling window.")
@click.option("-s", "--stride", type=SIZES, help="The pooling stride  [default: the window]")
@click.option(
    "-p",
    "--padding",
    type=PADDING,
    default="0",
    show_default=True,
    help="The pooling's explicit pads: 1, 1x2, 1:2, 1:2x0:1.",
)
@click.option(
    "--indices",
    metavar="FILE",
    required=True,
    help="The argmax indices written by 'convcalc run pool --indices'.",
)
@click.option(
    "--output-size",
    type=SIZES,
    metavar="SIZES",
    help="Output size [default: (n − 1)·s − pads + k, PyTorch MaxUnpool].",
)
def unpool(
    input_file: str | None,
    output: str | None,
    input_format: str,
    output_format: str | None,
    layout: str,
    kernel: Sizes,
    stride: Sizes | None,
    padding: PaddingValue,
    indices: str,
    output_size: Sizes | None,
) -> None:
    """Max unpooling: put each value back at its argmax index, zeros elsewhere.

    \b
    convcalc run pool -k 2 --indices idx.json image.json \\
        | convcalc run unpool -k 2 --indices idx.json
    """
    from convcalc.arrays import formats as arrayio
    from convcalc.execute import max_unpool

    x, fmt = _read_input(input_file, input_format)
    idx, _ = arrayio.read_array(indices, what="indices")
    result = max_unpool(
        x, idx, kernel, stride=stride, padding=padding, output_size=output_size, layout=layout
    )
    _emit(result, fmt, output, output_format)


def _read_input(input_file: str | None, input_format: str) -> tuple[npt.NDArray[Any], str]:
    """The input array and its format; stdin only when asked for or piped."""
    from convcalc.arrays import formats as arrayio

    spec = input_file if input_file is not None else "-"
    if input_file is None and _isatty(sys.stdin):
        raise click.UsageError("no input: give a FILE, or pipe an array into stdin")
    fmt = None if input_format == "auto" else input_format
    return arrayio.read_array(spec, fmt, what="input", stdin=_binary(sys.stdin))


def _binary(stream: Any) -> IO[bytes]:
    """The byte stream under a text stream (``sys.stdin.buffer``)."""
    return getattr(stream, "buffer", stream)  # type: ignore[no-any-return]


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _load_operand(spec: str, what: str, option: str) -> npt.NDArray[Any]:
    """An array option: inline JSON or a file (``FILE.npz:NAME``)."""
    from convcalc.arrays import formats as arrayio

    text = spec.strip()
    if text.startswith("["):
        return arrayio.parse_array(text.encode(), "json", what=what)[0]
    path, _ = arrayio.split_name(text)
    if path == "-" or not os.path.isfile(path):
        raise click.BadParameter(
            f"{spec!r} is not inline JSON (such as '[[1,0],[0,-1]]') or an existing file"
            + (f", nor a built-in kernel ({', '.join(KERNEL_NAMES)})" if what == "kernel" else ""),
            param_hint=option,
        )
    return arrayio.read_array(text, what=what)[0]


def _load_bias(spec: str | None) -> npt.NDArray[Any] | None:
    if spec is None:
        return None
    import numpy as np

    try:
        return np.array([float(spec)])
    except ValueError:
        return _load_operand(spec, "bias", "'-b' / '--bias'")


def _weights(
    spec: str, x: npt.NDArray[Any], layout: str, groups: int | None, *, transposed: bool
) -> tuple[npt.NDArray[Any], int]:
    """The kernel array in *layout* and the group count.

    A built-in kernel filters every channel separately in batched layouts (depthwise).
    """
    import numpy as np

    from convcalc.arrays.kernels import builtin_kernel
    from convcalc.execute import get_layout

    lay = get_layout(layout)
    if spec.strip().lower().replace("_", "-") not in KERNEL_NAMES:
        return _load_operand(spec, "kernel", "'-k' / '--kernel'"), groups or 1
    rank = lay.spatial_rank(x)
    k = builtin_kernel(spec, rank)
    if lay.channels == "none":
        return k, groups or 1
    channels = x.shape[1] if lay.channels == "first" else x.shape[-1]
    if groups not in (None, channels):
        raise click.BadParameter(
            f"a built-in kernel filters every channel separately (groups = C = {channels}), "
            f"got {groups}; pass a kernel array for other groupings",
            param_hint="'-g' / '--groups'",
        )
    if lay.channels == "first":
        w = np.broadcast_to(k, (channels, 1, *k.shape))
    else:
        w = np.broadcast_to(k[..., None, None], (*k.shape, 1, channels))
    return w, channels


def _emit(
    result: npt.NDArray[Any],
    input_format: str,
    output: str | None,
    output_format: str | None,
    extra: list[tuple[str, npt.NDArray[Any]]] | None = None,
) -> None:
    """Write the result (and extra arrays, e.g. argmax indices) in the chosen formats."""
    from convcalc.arrays import formats as arrayio

    precision: int | None = click.get_current_context().meta.get("convcalc.precision")
    to_stdout = output in (None, "-")
    fmt = output_format or (None if to_stdout else arrayio.format_for_path(str(output)))
    fmt = fmt or input_format
    stdout = _binary(sys.stdout)
    if to_stdout and fmt in BINARY and _isatty(sys.stdout):
        if output_format:
            raise click.UsageError(
                f"refusing to write binary {fmt} to a terminal; redirect stdout or use -o FILE"
            )
        fmt = "text" if result.ndim <= 2 else "json"

    def writer(array: npt.NDArray[Any], chosen: str) -> Callable[[IO[bytes]], None]:
        return lambda stream: arrayio.write_array(array, chosen, stream, precision=precision)

    files = [
        (path, writer(array, arrayio.format_for_path(path) or fmt)) for path, array in extra or []
    ]
    if not to_stdout:
        arrayio.write_outputs([(str(output), writer(result, fmt)), *files])
        return
    if fmt in BINARY:
        if files:
            arrayio.write_outputs(files)
        arrayio.write_array(result, fmt, stdout)
    else:
        text = arrayio.format_array(result, fmt, precision=precision).encode("utf-8")
        if files:
            arrayio.write_outputs(files)
        stdout.write(text)
    stdout.flush()
