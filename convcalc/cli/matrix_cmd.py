"""``convcalc matrix conv|deconv|pool``: a layer as a matrix, ``y = C·x``, and ``Cᵀ``.

The index map comes from the shape engine (:mod:`convcalc.shape.matrix`); NumPy builds the
matrix (:mod:`convcalc.execute.matrix`) and :mod:`convcalc.report.matrix_text` prints it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from convcalc.cli.params import (
    CEIL_MODE,
    DILATION,
    INPUT,
    OUTPUT_PADDING,
    OUTPUT_SIZE,
    SIZES,
    count_pad_option,
    padding_option,
)
from convcalc.cli.run_options import KERNEL_NAMES
from convcalc.errors import SpecError
from convcalc.shape.matrix import DEFAULT_MAX_CELLS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


__all__ = ["matrix"]

Sizes = tuple[int, ...]
F = TypeVar("F", bound=Callable[..., Any])
MAX_CELLS_LIMIT = 1_000_000
"""Largest ``--max-cells`` accepted. Measured worst case, a 1,000,000 × 1 matrix printed as
text: 2.2 s and 360 MB (its million labelled lines are the output); ten times that took 21 s
and 3 GB."""


@click.group()
def matrix() -> None:
    """A layer as a matrix: flatten x and y, and the convolution is y = C·x.

    C has one row per output cell and one column per input cell; entry (r, c) is the kernel
    tap that output r multiplies input c by. The transposed convolution is Cᵀ: the same
    shape as the input, not its inverse.

    \b
    convcalc matrix conv -i 4x4 -k 3                  the primer's 4×16 matrix
    convcalc matrix conv -i 4x4 -k 3 --transpose --check
    convcalc matrix conv -i 5 -k 3 -s 2 -p same --kernel '[1,2,3]' --json
    convcalc matrix deconv -i 2x2 -k 3 -s 2
    convcalc matrix pool avg -i 4x4 -k 2
    """


def _view_options(f: F) -> F:
    for option in reversed(
        [
            click.option("--transpose", is_flag=True, help="Print Cᵀ (the transposed layer)."),
            click.option("--json", "as_json", is_flag=True, help="JSON: matrix and index maps."),
            click.option(
                "--save",
                metavar="FILE",
                help="Write the dense matrix to FILE (.npy .npz .json .txt .csv).",
            ),
            click.option(
                "--check",
                is_flag=True,
                help="Compare C·v with 'convcalc run' on a random v; print the largest "
                "difference (exit 1 past float tolerance).",
            ),
            click.option(
                "--pads",
                is_flag=True,
                help="Also show the pad cells as columns (p…): they multiply zeros and vanish.",
            ),
            click.option(
                "--max-cells",
                type=click.IntRange(1, MAX_CELLS_LIMIT),
                default=DEFAULT_MAX_CELLS,
                show_default=True,
                help="Refuse a matrix with more entries (rows × columns).",
            ),
            click.option(
                "-w",
                "--width",
                type=click.IntRange(20, 100_000),
                help="Line width; a wider matrix is shown as a sparsity picture "
                "[default: the terminal's].",
            ),
        ]
    ):
        f = option(f)
    return f


def _geometry_options(kernel_required: bool) -> Callable[[F], F]:
    def decorate(f: F) -> F:
        for option in reversed(
            [
                INPUT,
                click.option(
                    "-k",
                    "--kernel-size",
                    type=SIZES,
                    required=kernel_required,
                    help="Kernel (window) size: one value for every axis, or 3x5"
                    + ("." if kernel_required else " [default: --kernel's shape]."),
                ),
                click.option(
                    "-s",
                    "--stride",
                    type=SIZES,
                    help="Stride: one value or one per axis [default: "
                    + ("1]." if not kernel_required else "the window]."),
                ),
                DILATION,
            ]
        ):
            f = option(f)
        return f

    return decorate


WINDOW_PADDING = padding_option(
    "valid", "valid, same, same-lower, full, causal, or pads: 1, 1x2, 1:2, 1:2x0:1."
)

KERNEL_VALUES = click.option(
    "--kernel",
    "kernel_values",
    metavar="VALUES",
    help="Kernel values (as in 'run'): a built-in name ("
    + ", ".join(KERNEL_NAMES)
    + "), inline JSON or a file; numbers instead of symbols.",
)


@dataclass(frozen=True)
class View:
    """What to show of one matrix."""

    transpose: bool
    as_json: bool
    save: str | None
    check: bool
    pads: bool
    max_cells: int
    width: int | None


def _view(params: dict[str, Any]) -> View:
    keys = ("transpose", "as_json", "save", "check", "pads", "max_cells", "width")
    return View(*(params.pop(k) for k in keys))


@matrix.command()
@_geometry_options(kernel_required=False)
@WINDOW_PADDING
@KERNEL_VALUES
@_view_options
def conv(**params: Any) -> None:
    """Convolution: C maps the flattened input to the flattened output.

    \b
    convcalc matrix conv -i 4x4 -k 3
    convcalc matrix conv -i 6 -k 3 -s 2 -p 1 --pads
    convcalc matrix conv -i 4x4 --kernel sobel-x -p same --save C.npy
    """
    from convcalc.shape import conv_plan
    from convcalc.shape.matrix import conv_matrix_map

    view = _view(params)
    kernel, size = _kernel(params["kernel_values"], params["kernel_size"], params["input_"])
    plan = conv_plan(
        params["input_"],
        size,
        stride=params["stride"] or 1,
        dilation=params["dilation"],
        padding=params["padding"],
    )
    from convcalc.cli.matrix_show import show

    show("conv", conv_matrix_map(plan, view.max_cells), plan, kernel, None, view)


@matrix.command()
@_geometry_options(kernel_required=False)
@padding_option("0", "Pads cropped from the result (PyTorch), or same/valid (TensorFlow/Keras).")
@OUTPUT_PADDING
@OUTPUT_SIZE
@KERNEL_VALUES
@_view_options
def deconv(**params: Any) -> None:
    """Transposed convolution: its C is the transpose of the matching convolution's.

    \b
    convcalc matrix deconv -i 2x2 -k 3
    convcalc matrix deconv -i 3 -k 3 -s 2 -p 1 --output-padding 1 --kernel '[1,2,3]'
    """
    from convcalc.shape import deconv_plan
    from convcalc.shape.matrix import deconv_matrix_map

    view = _view(params)
    kernel, size = _kernel(params["kernel_values"], params["kernel_size"], params["input_"])
    plan = deconv_plan(
        params["input_"],
        size,
        stride=params["stride"] or 1,
        dilation=params["dilation"],
        padding=params["padding"],
        output_padding=params["output_padding"],
        output_size=params["output_size"],
    )
    from convcalc.cli.matrix_show import show

    show("deconv", deconv_matrix_map(plan, view.max_cells), plan, kernel, None, view)


@matrix.command()
@click.argument("op", type=click.Choice(["avg", "max"]))
@_geometry_options(kernel_required=True)
@WINDOW_PADDING
@CEIL_MODE
@count_pad_option("count_include_pad")
@_view_options
def pool(op: str, **params: Any) -> None:
    """Average pooling: C holds 1/divisor on each window's cells (max pooling is not
    linear: it has no matrix). The stride defaults to the window.

    \b
    convcalc matrix pool avg -i 4x4 -k 2
    convcalc matrix pool avg -i 5 -k 3 -s 2 -p 1 --no-count-include-pad
    """
    from convcalc.shape import default_count_include_pad, pool_plan
    from convcalc.shape.matrix import conv_matrix_map

    if op == "max":
        raise SpecError(
            "max pooling is not linear (which cell wins depends on x): it has no matrix; "
            "'matrix pool avg' has one"
        )
    view = _view(params)
    plan = pool_plan(
        params["input_"],
        params["kernel_size"],
        stride=params["stride"],
        dilation=params["dilation"],
        padding=params["padding"],
        ceil_mode=params["ceil_mode"],
    )
    include = params["count_include_pad"]
    include = default_count_include_pad(plan) if include is None else include
    from convcalc.cli.matrix_show import show

    show("pool avg", conv_matrix_map(plan, view.max_cells), plan, None, include, view)


def _kernel(
    spec: str | None, size: Sizes | None, input_: Sizes
) -> tuple[npt.NDArray[np.float64] | None, Sizes]:
    """The kernel values (``None``: symbols) and the kernel size they imply."""
    if spec is None:
        if size is None:
            raise click.UsageError("give the kernel size (-k) or its values (--kernel)")
        return None, size
    import numpy as np

    from convcalc.arrays import formats as arrayio
    from convcalc.arrays.kernels import builtin_kernel

    text = spec.strip()
    if text.lower().replace("_", "-") in KERNEL_NAMES:
        values = builtin_kernel(text, len(input_))
    elif text.startswith("["):
        values = arrayio.parse_array(text.encode(), "json", what="kernel")[0]
    elif os.path.isfile(arrayio.split_name(text)[0]):
        values = arrayio.read_array(text, what="kernel")[0]
    else:
        raise click.BadParameter(
            f"{spec!r} is not inline JSON, an existing file, or a built-in kernel",
            param_hint="'--kernel'",
        )
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != len(input_) or values.size == 0:
        raise SpecError(
            f"--kernel has shape {values.shape} but the input has {len(input_)} spatial axes"
        )
    shape = tuple(int(n) for n in values.shape)
    wanted = None if size is None else (size * len(shape) if len(size) == 1 else size)
    if wanted is not None and tuple(wanted) != shape:
        raise SpecError(
            f"-k {'x'.join(map(str, size or ()))} disagrees with --kernel's shape {shape}"
        )
    return values, shape
