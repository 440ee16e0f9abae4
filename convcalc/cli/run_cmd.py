"""``convcalc run conv|deconv|pool|unpool``: run one layer on arrays with the NumPy executor.

The input is a FILE argument, or stdin when FILE is ``-`` or absent (stdin is read only when
it is not a terminal, so a bare command never hangs). The result goes to stdout, or to
``-o FILE`` (written atomically: nothing is left behind on error). Messages go to stderr.
NumPy, the executor and :mod:`convcalc.arrays.formats` are imported inside the commands.
"""

from __future__ import annotations

from typing import Any

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
from convcalc.cli.resize_cmd import run_resize
from convcalc.cli.run_io import emit, load_bias, read_input, warn_pool, weights
from convcalc.cli.run_options import (
    FORMATS,
    KERNEL_NAMES,
    LAYOUTS,
    PADDING_MODES,
    io_options,
    weight_options,
)

__all__ = ["FORMATS", "KERNEL_NAMES", "LAYOUTS", "PADDING_MODES", "run"]

Sizes = tuple[int, ...]


class RunGroup(click.Group):
    """``run``'s subcommands, with the one place where NumPy's own errors reached from user
    input (an allocation that fails anyway, "array is too big", "maximum supported
    dimension") become one-line :class:`~convcalc.errors.ConvcalcError` messages. Float
    overflow gives ±inf and 0·inf gives NaN as in TensorFlow and PyTorch, without NumPy's
    ``RuntimeWarning`` lines."""

    def invoke(self, ctx: click.Context) -> Any:
        import numpy as np

        from convcalc.errors import ArrayFormatError, ConvcalcError, MemoryLimitError

        try:
            with np.errstate(all="ignore"):
                return super().invoke(ctx)
        except MemoryError as exc:
            detail = str(exc).splitlines()[0] if str(exc) else "the allocation failed"
            raise MemoryLimitError(f"not enough memory: {detail}") from None
        except ValueError as exc:
            if isinstance(exc, ConvcalcError):
                raise
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ArrayFormatError(f"NumPy cannot compute this layer: {detail}") from None


@click.group(cls=RunGroup)
def run() -> None:
    """Run a layer on arrays (NumPy): the numbers TensorFlow and PyTorch compute.

    \b
    convcalc run conv --kernel sobel-x -p same image.txt
    echo '[1,2,3]' | convcalc run conv --flip -p full --kernel '[0,1,0.5]'
    convcalc run deconv -k w.npy -s 2 -p 1 --output-padding 1 --layout nchw x.npy -o y.npy
    convcalc run pool -k 3 -s 2 -p 1 --indices idx.npy --layout nchw x.npy -o y.npy
    convcalc run unpool -k 3 -s 2 -p 1 --indices idx.npy --layout nchw y.npy
    convcalc run resize --scale 2 --mode linear --convention torch x.json
    """


run.add_command(run_resize)


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

    x, fmt = read_input(input_file, input_format)
    w, groups = weights(kernel, x, layout, groups, transposed=False)
    result = run_conv(
        x,
        w,
        bias=load_bias(bias),
        stride=stride,
        dilation=dilation,
        padding=padding,
        padding_mode=padding_mode,
        groups=groups,
        layout=layout,
        flip=flip,
    )
    emit(result, fmt, output, output_format)


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

    x, fmt = read_input(input_file, input_format)
    w, groups = weights(kernel, x, layout, groups, transposed=True)
    result = conv_transpose(
        x,
        w,
        bias=load_bias(bias),
        stride=stride,
        dilation=dilation,
        padding=padding,
        output_padding=output_padding,
        output_size=output_size,
        groups=groups,
        layout=layout,
    )
    emit(result, fmt, output, output_format)


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
    x, fmt = read_input(input_file, input_format)
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
    warn_pool(x, kernel, geometry, op, count_include_pad)
    emit(result, fmt, output, output_format, extra)


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

    x, fmt = read_input(input_file, input_format)
    idx, _ = arrayio.read_array(indices, what="indices")
    result = max_unpool(
        x, idx, kernel, stride=stride, padding=padding, output_size=output_size, layout=layout
    )
    emit(result, fmt, output, output_format)
