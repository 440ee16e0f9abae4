"""``convcalc run conv|deconv|pool|unpool``: run one layer on arrays with the NumPy executor.

The input is a FILE argument, or stdin when FILE is ``-`` or absent (stdin is read only when
it is not a terminal, so a bare command never hangs). The result goes to stdout, or to
``-o FILE`` (written atomically: nothing is left behind on error). Messages go to stderr.
NumPy, the executor and :mod:`convcalc.arrays.formats` are imported inside the commands.

Each command takes the options that are not the layer's own out of its keyword arguments
(:func:`_open`: the input and output files and formats; :func:`_run_weighted`: the kernel and
bias files) and passes the rest to the executor under their own names (``stride``,
``padding``, ``layout``, ...), which are the executor's keywords.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from convcalc.cli.params import (
    CEIL_MODE,
    OUTPUT_PADDING,
    OUTPUT_SIZE,
    PADDING,
    SIZES,
    count_pad_option,
    geometry_options,
    padding_option,
    pool_op_option,
    stack_options,
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

F = TypeVar("F", bound=Callable[..., Any])
Sizes = tuple[int, ...]


class RunGroup(click.Group):
    """``run``'s subcommands, with the one place where NumPy's own errors reached from user
    input ("array is too big", "maximum supported dimension") become one-line
    :class:`~convcalc.errors.ConvcalcError` messages (a failed allocation: in
    :class:`convcalc.cli.ConvcalcGroup`, for every command). Float
    overflow gives ±inf and 0·inf gives NaN as in TensorFlow and PyTorch, without NumPy's
    ``RuntimeWarning`` lines."""

    def invoke(self, ctx: click.Context) -> Any:
        import numpy as np

        from convcalc.cli.run_progress import progress_bar
        from convcalc.errors import ArrayFormatError, ConvcalcError

        try:
            with np.errstate(all="ignore"), progress_bar():
                return super().invoke(ctx)
        except ValueError as exc:
            if isinstance(exc, ConvcalcError):
                raise
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ArrayFormatError(f"NumPy cannot compute this layer: {detail}") from None


def _weighted_options(*, padding: str, padding_help: str) -> Callable[[F], F]:
    """What ``run conv`` and ``run deconv`` share: :func:`io_options`, :func:`weight_options`,
    ``-s``, ``-d`` and ``-p`` (with the command's own default and help)."""
    return stack_options(
        io_options,
        weight_options,
        click.option("-s", "--stride", type=SIZES, default="1", show_default=True, help="Stride."),
        click.option(
            "-d", "--dilation", type=SIZES, default="1", show_default=True, help="Dilation."
        ),
        click.option(
            "-p", "--padding", type=PADDING, default=padding, show_default=True, help=padding_help
        ),
    )


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
@_weighted_options(
    padding="valid",
    padding_help="valid, same, same-lower, full, causal, or pads: 1, 1x2, 1:2, 1:2x0:1.",
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
def conv(**options: Any) -> None:
    """Convolution: cross-correlation, as deep-learning frameworks compute it.

    \b
    convcalc run conv --kernel sobel-x -p same image.txt
    convcalc run conv --kernel sobel-x -p same photo.png -o edges.png
    echo '[1,2,3]' | convcalc run conv --flip -p full --kernel '[0,1,0.5]'
    convcalc run conv -k w.npy -b b.npy -s 2 -p same --layout nhwc x.npy -o y.npy
    """
    from convcalc.execute import conv as run_conv

    _run_weighted(run_conv, options, transposed=False)


@run.command()
@_weighted_options(
    padding="0",
    padding_help="Pads cropped from the result (PyTorch), or same/valid (TensorFlow/Keras).",
)
@OUTPUT_PADDING
@OUTPUT_SIZE
def deconv(**options: Any) -> None:
    """Transposed convolution: PyTorch semantics with explicit pads, TensorFlow with a mode.

    Weights: (C_in, O/groups, *k) under nc… layouts, (*k, O/groups, C_in) under n…c.

    \b
    convcalc run deconv -k '[1,10,100]' -s 2 signal.json
    convcalc run deconv -k w.npy -s 2 -p 1 --output-padding 1 --layout nchw x.npy -o y.npy
    convcalc run deconv -k w.npy -s 2 -p same --output-size 7x7 --layout nhwc x.npy
    """
    from convcalc.execute import conv_transpose

    _run_weighted(conv_transpose, options, transposed=True)


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
    kernel: Sizes, op: str, count_include_pad: bool | None, indices: str | None, **options: Any
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
    x, write = _open(options)
    geometry = options  # what is left: stride, dilation, padding, ceil_mode, layout
    extra: list[tuple[str, Any]] = []
    if op == "avg":
        result = avg_pool(x, kernel, count_include_pad=count_include_pad, **geometry)
    elif indices is None:
        result = max_pool(x, kernel, **geometry)
    else:
        result, argmax = max_pool(x, kernel, return_indices=True, **geometry)
        extra.append((indices, argmax))
    warn_pool(x, kernel, geometry, op, count_include_pad)
    write(result, extra)


@run.command()
@io_options
@click.option("-k", "--kernel", type=SIZES, required=True, help="The pooling window.")
@click.option("-s", "--stride", type=SIZES, help="The pooling stride  [default: the window]")
@padding_option("0", "The pooling's explicit pads: 1, 1x2, 1:2, 1:2x0:1.")
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
def unpool(kernel: Sizes, indices: str, **options: Any) -> None:
    """Max unpooling: put each value back at its argmax index, zeros elsewhere.

    \b
    convcalc run pool -k 2 --indices idx.json image.json \\
        | convcalc run unpool -k 2 --indices idx.json
    """
    from convcalc.arrays import formats as arrayio
    from convcalc.execute import max_unpool

    x, write = _open(options)
    idx, _ = arrayio.read_array(indices, what="indices")
    write(max_unpool(x, idx, kernel, **options))


def _open(options: dict[str, Any]) -> tuple[Any, Callable[..., None]]:
    """Read the input array (FILE, ``--format``) and return it with the function that writes
    a result (``-o``, ``--output-format``, in the input's format by default). Those options
    are taken out of *options*, which keeps the layer's own."""
    x, fmt = read_input(options.pop("input_file"), options.pop("input_format"))
    output, output_format = options.pop("output"), options.pop("output_format")

    def write(result: Any, extra: list[tuple[str, Any]] | None = None) -> None:
        emit(result, fmt, output, output_format, extra)

    return x, write


def _run_weighted(layer: Callable[..., Any], options: dict[str, Any], *, transposed: bool) -> None:
    """Run *layer* (``conv`` or ``conv_transpose``) with the kernel and bias loaded from
    ``-k``/``-b``; every other option is passed on under its own name."""
    x, write = _open(options)
    kernel, layout, groups = options.pop("kernel"), options["layout"], options["groups"]
    w, options["groups"] = weights(kernel, x, layout, groups, transposed=transposed)
    write(layer(x, w, bias=load_bias(options.pop("bias")), **options))
