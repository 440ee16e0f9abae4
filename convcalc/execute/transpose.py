"""Transposed convolution ("deconvolution") on NumPy arrays: GEMM, then col2im by slice-adds.

Input cell ``i`` and kernel tap ``t`` land on output cell ``i·s + t·d − pad_low`` (cells
outside ``[0, output)`` are cropped); the plan from :func:`convcalc.shape.deconv_plan`
supplies ``pad_low`` and the output size, so PyTorch semantics (explicit pads,
``output_padding``) and TensorFlow semantics (``same``/``valid``, ``output_shape``) are one
code path. The columns ``W_gᵀ · x`` are computed one chunk at a time and scattered with one
strided slice-add per kernel tap (never ``np.add.at``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from convcalc.errors import ArrayFormatError
from convcalc.execute import _base
from convcalc.execute._base import (
    FloatArray,
    as_compute,
    plain_ints,
    plan_chunks,
    prod,
    tap_span,
)
from convcalc.execute.conv import check_groups, prepare_bias
from convcalc.execute.layout import Layout, get_layout
from convcalc.shape import DeconvPlan, PaddingArg, deconv_plan

__all__ = ["conv_transpose"]


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
    xa = as_compute(x, None, "input")
    rank = lay.spatial_rank(xa)
    wa = lay.deconv_weight(as_compute(kernel, xa.dtype, "kernel"), rank)
    xf = lay.to_first(xa)
    channels = xf.shape[1]
    if wa.shape[0] != channels:
        raise ArrayFormatError(
            f"the kernel is laid out for {wa.shape[0]} input channel(s) (C_in) but the input "
            f"has {channels}"
        )
    per_out = wa.shape[1]
    groups = check_groups(plain_ints(groups), channels)
    plan = deconv_plan(
        xf.shape[2:],
        wa.shape[2:],
        stride=plain_ints(stride),
        dilation=plain_ints(dilation),
        padding=plain_ints(padding),
        output_padding=plain_ints(output_padding),
        output_size=plain_ints(output_size),
    )
    filters = per_out * groups
    b = prepare_bias(bias, filters, xa.dtype)
    out = np.zeros((xf.shape[0], filters, *plan.output), dtype=xa.dtype)
    if out.size and xf.size:
        cap = _base.CHUNK_BUDGET if budget is None else budget
        _gemm_col2im(np.ascontiguousarray(xf), wa, plan, groups, out, max(cap, 1))
    if b is not None:
        out += b.reshape((1, filters) + (1,) * rank)
    return lay.from_first(out)


def _gemm_col2im(
    x: FloatArray, w: FloatArray, plan: DeconvPlan, groups: int, out: FloatArray, budget: int
) -> None:
    n, channels = x.shape[:2]
    per_in = channels // groups
    kernel = w.shape[2:]
    taps = prod(kernel)
    filters = out.shape[1]
    weights = np.ascontiguousarray(
        w.reshape(groups, per_in, -1).transpose(0, 2, 1)
    )  # (G, O/G·k, C/G)
    axes = plan.axes
    rows, rest_shape = x.shape[2], x.shape[3:]
    rest = prod(rest_shape)
    flat = x.reshape(n, groups, per_in, rows * rest)
    row_bytes = filters * taps * rest * out.itemsize
    chunks = plan_chunks(n, rows, row_bytes, min(_base.BLOCK_BYTES, budget))
    largest = max((c[1] - c[0]) * (c[3] - c[2]) for c in chunks) * filters * taps * rest
    buffer = np.empty(largest, dtype=out.dtype)
    spans = [
        [tap_span(a.input, a.output, a.stride, t * a.dilation - a.pad_low) for t in range(a.kernel)]
        for a in axes
    ]
    for n0, n1, r0, r1 in chunks:
        count = n1 - n0
        cols = buffer[: count * filters * taps * (r1 - r0) * rest].reshape(
            count, groups, -1, (r1 - r0) * rest
        )
        np.matmul(weights, flat[n0:n1, :, :, r0 * rest : r1 * rest], out=cols)
        cols_t = cols.reshape(count, filters, *kernel, r1 - r0, *rest_shape)
        for tap in np.ndindex(*kernel):
            src: list[slice] = []
            dst: list[slice] = []
            for axis, (t, a) in enumerate(zip(tap, axes, strict=True)):
                i0, i1 = spans[axis][t]
                origin = 0
                if axis == 0:
                    i0, i1, origin = max(i0, r0), min(i1, r1), r0
                if i1 <= i0:
                    break
                start = i0 * a.stride + t * a.dilation - a.pad_low
                src.append(slice(i0 - origin, i1 - origin))
                dst.append(slice(start, start + (i1 - i0 - 1) * a.stride + 1, a.stride))
            else:
                out[(slice(n0, n1), slice(None), *dst)] += cols_t[
                    (slice(None), slice(None), *tap, *src)
                ]
