"""Transposed convolution ("deconvolution") on NumPy arrays: GEMM, then col2im by slice-adds.

Input cell ``i`` and kernel tap ``t`` land on output cell ``i·s + t·d − pad_low`` (cells
outside ``[0, output)`` are cropped); the plan from :func:`convcalc.shape.deconv_plan`
supplies ``pad_low`` and the output size, so PyTorch semantics (explicit pads,
``output_padding``) and TensorFlow semantics (``same``/``valid``, ``output_shape``) are one
code path. The kernels, chosen by :func:`_col2im_into`:

* :mod:`._window` — one group, two or more spatial axes, kernel a multiple of the stride:
  one GEMM per chunk computes every output phase (pixel shuffle);
* :mod:`._stacked` — one group, two or more spatial axes otherwise: the last axis' taps are
  summed inside the GEMM (sub-pixel);
* :mod:`._col2im` — everything else: per-phase GEMMs with flat slice-adds, or the general
  GEMM + one strided slice-add per kernel tap (never ``np.add.at``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from convcalc.errors import ArrayFormatError
from convcalc.execute import _base
from convcalc.execute._base import FloatArray, as_compute, call_engine, plain_ints, prod
from convcalc.execute._col2im import PHASE_BLOCK_BYTES, gemm_col2im, phase_col2im
from convcalc.execute._phases import STACKED_BLOCK_BYTES, AxisPhases, SubPixel
from convcalc.execute._stacked import stacked_col2im as stacked_col2im  # tests replace it
from convcalc.execute._window import window_gemm as window_gemm  # tests replace it
from convcalc.execute.conv import check_groups, prepare_bias
from convcalc.execute.layout import Layout, get_layout
from convcalc.execute.memory import output_parts, reserve
from convcalc.shape import DeconvPlan, PaddingArg, deconv_plan

__all__ = [
    "MAX_PHASES",
    "PHASE_BLOCK_BYTES",
    "PHASE_MAX_GROWTH",
    "STACKED_BLOCK_BYTES",
    "conv_transpose",
]

MAX_PHASES = 4096
"""The phase-wise kernels visit every output phase (the product of the strides); above this
many, the per-tap col2im runs instead, its work bounded by the taps and cells."""

PHASE_MAX_GROWTH = 1.5
"""The phase-wise col2im pads the input's inner axes so every kernel tap is one flat shift;
it is used when that padding grows the GEMM by at most this factor."""


def conv_transpose(
    x: npt.ArrayLike,
    kernel: npt.ArrayLike,
    *,
    bias: npt.ArrayLike | None = None,
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = 0,
    output_padding: int | Sequence[int] | None = None,
    output_size: Sequence[int] | None = None,
    groups: int = 1,
    layout: str | Layout = "plain",
    budget: int | None = None,
) -> FloatArray:
    """Transposed convolution, the adjoint of :func:`~convcalc.execute.conv` (same
    stride, dilation and pads).

    Explicit pads follow PyTorch ``conv_transposeNd`` (``output_padding`` cells appended at
    the end); a mode name (``same``, ``valid``) follows TensorFlow/Keras: the size defaults to
    Keras' and ``output_size`` picks any size TensorFlow accepts (see
    :func:`convcalc.shape.deconv_plan`). Weights: ``(C_in, O/groups, *k)`` under ``nc…``
    layouts, ``(*k, O/groups, C_in)`` under ``n…c`` layouts, ``*k`` under ``plain``.

    >>> conv_transpose([1, 2], [1, 10, 100], stride=2)
    array([  1.,  10., 102.,  20., 200.])
    >>> conv_transpose([1, 2], [1, 10, 100], stride=2, padding="same").tolist()
    [1.0, 10.0, 102.0, 20.0]
    """
    lay = get_layout(layout)
    xf, wa = _channels_first(lay, x, kernel)
    groups = check_groups(plain_ints(groups), xf.shape[1])
    plan = call_engine(
        deconv_plan,
        xf.shape[2:],
        wa.shape[2:],
        stride=stride,
        dilation=dilation,
        padding=padding,
        output_padding=output_padding,
        output_size=output_size,
    )
    filters = wa.shape[1] * groups
    b = prepare_bias(bias, filters, xf.dtype)
    shape = (xf.shape[0], filters, *plan.output)
    with reserve(output_parts(shape, xf.itemsize, lay.copies)):
        out = np.empty(shape, dtype=xf.dtype)
        cap = max(_base.CHUNK_BUDGET if budget is None else budget, 1)
        _col2im_into(xf, wa, plan, groups, out, cap)
        if b is not None:
            out += b.reshape((1, filters) + (1,) * len(plan.output))
        return lay.from_first(out)


def _channels_first(
    lay: Layout, x: npt.ArrayLike, kernel: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """The input ``(N, C_in, *spatial)`` and weights ``(C_in, O/groups, *k)``, checked to
    agree on ``C_in``."""
    xa = as_compute(x, None, "input")
    rank = lay.spatial_rank(xa)
    wa = lay.deconv_weight(as_compute(kernel, xa.dtype, "kernel"), rank)
    xf = lay.to_first(xa)
    if wa.shape[0] != xf.shape[1]:
        raise ArrayFormatError(
            f"the kernel is laid out for {wa.shape[0]} input channel(s) (C_in) but the input "
            f"has {xf.shape[1]}"
        )
    return xf, wa


def _col2im_into(
    xf: FloatArray, wa: FloatArray, plan: DeconvPlan, groups: int, out: FloatArray, cap: int
) -> None:
    """Fill *out* with the transposed convolution by the fastest kernel that applies."""
    if prod(a.stride for a in plan.axes) > MAX_PHASES:
        out.fill(0)
        if out.size and xf.size:
            gemm_col2im(np.ascontiguousarray(xf), wa, plan, groups, out, cap)
        return
    phases = [AxisPhases.of(a) for a in plan.axes]
    sub_pixel = SubPixel(xf, wa, phases, out, cap)
    # The sub-pixel paths write every output cell; the others add into zeros.
    if (
        out.size
        and xf.size
        and groups == 1
        and len(plan.axes) >= 2
        and (window_gemm(sub_pixel) or stacked_col2im(sub_pixel))
    ):
        return
    out.fill(0)
    if not (out.size and xf.size):
        return
    inner = prod(p.extent for p in phases[1:]) / max(prod(xf.shape[3:]), 1)
    image_bytes = out.shape[1] * prod(wa.shape[2:]) * xf.shape[2] * out.itemsize
    if inner <= PHASE_MAX_GROWTH and image_bytes * inner <= cap:
        phase_col2im(xf, wa, phases, groups, out, cap)
    else:
        gemm_col2im(np.ascontiguousarray(xf), wa, plan, groups, out, cap)
