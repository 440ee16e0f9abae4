"""Convolution (cross-correlation by default) on NumPy arrays.

Two kernels, both chunked so temporaries stay under :data:`~convcalc.execute._base.CHUNK_BUDGET`:

* **im2col + GEMM** — the padded chunk is viewed as ``(C·k, positions)`` columns with
  ``as_strided`` (no copy), copied once into a contiguous buffer, and multiplied by the
  ``(O, C·k)`` weight matrix in one BLAS call per chunk (float32 stays float32). Chunks run
  side by side on worker threads, each with a one-thread BLAS (:mod:`._blas`).
* **shift-and-add** — when a group has at most :data:`SHIFT_ADD_MAX` (input channel, output
  channel) pairs (single-channel images, long 1-D signals, depthwise), each kernel tap
  multiplies a strided view of the padded chunk and accumulates into the output; chunks run
  on worker threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import as_strided

from convcalc.errors import ArrayFormatError, SpecError
from convcalc.execute import _base
from convcalc.execute._base import (
    FloatArray,
    as_compute,
    call_engine,
    plain_ints,
    plan_chunks,
    prod,
    run_chunks,
    run_gemm_chunks,
)
from convcalc.execute.layout import Layout, get_layout
from convcalc.execute.memory import output_parts, reserve
from convcalc.execute.pad import check_padding_mode, padded_slab
from convcalc.shape import PaddingArg, WindowPlan, conv_plan

__all__ = ["SHIFT_ADD_MAX", "conv", "prepare_bias"]

SHIFT_ADD_MAX = 4
"""Use shift-and-add when ``C_in/groups × O/groups`` is at most this (else im2col + GEMM)."""


def conv(
    x: npt.ArrayLike,
    kernel: npt.ArrayLike,
    *,
    bias: npt.ArrayLike | None = None,
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = "valid",
    padding_mode: str = "zeros",
    groups: int = 1,
    layout: str | Layout = "plain",
    flip: bool = False,
    budget: int | None = None,
) -> FloatArray:
    """Convolve *x* with *kernel*: cross-correlation, as TensorFlow and PyTorch compute it.

    Sizes and pads come from :func:`convcalc.shape.conv_plan`. ``flip=True`` flips the
    kernel's spatial axes, giving true convolution (``np.convolve``, ``scipy.signal``).

    Args:
        x: input in *layout* (``plain``: just the spatial axes).
        kernel: weights in *layout* (see :mod:`convcalc.execute.layout`).
        bias: one value per output channel (a scalar or 1-element array under ``plain``).
        stride, dilation, padding: as in :func:`convcalc.shape.conv_plan`.
        padding_mode: pad fill: ``zeros``, ``reflect``, ``replicate`` or ``circular``.
        groups: channel groups (``groups == C`` with one filter each: depthwise).
        layout: ``plain``, ``ncw``/``nchw``/``ncdhw`` (PyTorch) or ``nwc``/``nhwc``/``ndhwc``.
        flip: true convolution instead of cross-correlation.
        budget: byte cap for one chunk's temporaries (default :data:`CHUNK_BUDGET`).

    Returns:
        The output in *layout*; float32 for float32 (and float16) input, else float64.

    >>> conv([1, 2, 3], [0, 1, 0.5], padding="full", flip=True)
    array([0. , 1. , 2.5, 4. , 1.5])
    >>> conv([[1, 2], [3, 4]], [[1, 0], [0, 1]])
    array([[5.]])
    """
    lay = get_layout(layout)
    xf, wa, groups = _channels_first(lay, x, kernel, groups, flip)
    channels, filters = xf.shape[1], wa.shape[0]
    plan = call_engine(
        conv_plan, xf.shape[2:], wa.shape[2:], stride=stride, dilation=dilation, padding=padding
    )
    mode = check_padding_mode(padding_mode, plan.axes)
    b = prepare_bias(bias, filters, xf.dtype)
    shape = (xf.shape[0], filters, *plan.output)
    with reserve(output_parts(shape, xf.itemsize, lay.copies)):
        out = np.empty(shape, dtype=xf.dtype)
        ops = _Operands(xf, wa, plan, mode, groups, b, out)
        if out.size and (channels // groups) * (filters // groups) <= SHIFT_ADD_MAX:
            _shift_add(ops)
        elif out.size:
            cap = _base.CHUNK_BUDGET if budget is None else budget
            _im2col_gemm(ops, max(cap, 1))
        return lay.from_first(out)


def _channels_first(
    lay: Layout, x: npt.ArrayLike, kernel: npt.ArrayLike, groups: int, flip: bool
) -> tuple[FloatArray, FloatArray, int]:
    """The input ``(N, C, *spatial)``, the weights ``(O, C/groups, *k)`` (spatially flipped
    for *flip*) and the checked group count."""
    xa = as_compute(x, None, "input")
    rank = lay.spatial_rank(xa)
    wa = lay.conv_weight(as_compute(kernel, xa.dtype, "kernel"), rank)
    xf = lay.to_first(xa)
    channels, filters = xf.shape[1], wa.shape[0]
    groups = check_groups(plain_ints(groups), channels)
    _check_kernel_channels(groups, channels, filters, wa.shape[1])
    if flip:
        wa = wa[(slice(None), slice(None), *(slice(None, None, -1),) * rank)]
    return xf, wa, groups


def check_groups(groups: int, channels: int) -> int:
    """Validate ``groups`` (an int ≥ 1 dividing the input channels); return it."""
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise SpecError(f"groups must be an int ≥ 1, got {groups!r}")
    if channels % groups:
        raise ArrayFormatError(
            f"the input has {channels} channels, which groups={groups} does not divide"
        )
    return groups


def _check_kernel_channels(groups: int, channels: int, filters: int, per_group: int) -> None:
    if filters % groups:
        raise ArrayFormatError(
            f"the kernel has {filters} output channels (O), which groups={groups} does not divide"
        )
    if per_group * groups != channels:
        raise ArrayFormatError(
            f"the kernel expects {per_group} input channel(s) per group × {groups} group(s) = "
            f"{per_group * groups}, but the input has {channels} channels"
        )


def prepare_bias(
    bias: npt.ArrayLike | None, filters: int, dtype: np.dtype[Any]
) -> FloatArray | None:
    """The bias as a flat ``(O,)`` array of *dtype*, or ``None``."""
    if bias is None:
        return None
    b = as_compute(bias, dtype, "bias").reshape(-1)
    if b.size != filters:
        raise ArrayFormatError(
            f"the bias has {b.size} value(s) but the layer has {filters} output channel(s)"
        )
    return b


def _window_view(slab: npt.NDArray[Any], plan: WindowPlan, rows: int) -> npt.NDArray[Any]:
    """Read-only ``(n, C, *k, rows, *out_rest)`` view of every window tap of *slab*."""
    axes = plan.axes
    spatial = slab.strides[2:]
    shape = (
        *slab.shape[:2],
        *(a.kernel for a in axes),
        rows,
        *(a.output for a in axes[1:]),
    )
    strides = (
        *slab.strides[:2],
        *(a.dilation * st for a, st in zip(axes, spatial, strict=True)),
        *(a.stride * st for a, st in zip(axes, spatial, strict=True)),
    )
    return as_strided(slab, shape=shape, strides=strides, writeable=False)


def _slab_size(x: FloatArray, plan: WindowPlan, chunks: list[_base.Chunk]) -> int:
    """Elements of the largest padded slab any chunk needs."""
    rest = prod(a.padded for a in plan.axes[1:])
    largest = 0
    for n0, n1, r0, r1 in chunks:
        lo, hi = _slab_rows(plan, r0, r1)
        largest = max(largest, (n1 - n0) * int(x.shape[1]) * (hi - lo) * rest)
    return largest


def _slab_rows(plan: WindowPlan, r0: int, r1: int) -> tuple[int, int]:
    """Padded cells of the first axis that output rows ``r0:r1`` read."""
    first = plan.axes[0]
    return r0 * first.stride, (r1 - 1) * first.stride + first.effective_kernel


@dataclass(frozen=True, slots=True)
class _Operands:
    """What either kernel reads and writes: the input ``(N, C, *spatial)``, the weights
    ``(O, C/groups, *k)``, the plan, the pad fill, the groups, the bias and the output."""

    x: FloatArray
    w: FloatArray
    plan: WindowPlan
    mode: str
    groups: int
    bias: FloatArray | None
    out: FloatArray

    def slab(self, chunk: _base.Chunk, name: str, size: int) -> npt.NDArray[Any]:
        """The padded slab that *chunk*'s output rows read, in the calling thread's
        workspace *name* of *size* elements."""
        n0, n1, r0, r1 = chunk
        space = _base.workspace(name, size, self.out.dtype)  # per worker thread
        rows = _slab_rows(self.plan, r0, r1)
        return padded_slab(self.x, self.plan.axes, self.mode, (n0, n1), rows, space)


def _im2col_gemm(ops: _Operands, budget: int) -> None:
    x, w, plan, groups, out = ops.x, ops.w, ops.plan, ops.groups, ops.out
    n, channels = x.shape[:2]
    filters = w.shape[0]
    taps = prod(w.shape[2:])
    weights = np.ascontiguousarray(w.reshape(groups, filters // groups, -1))
    rows = plan.axes[0].output
    rest = prod(a.output for a in plan.axes[1:])
    row_bytes = channels * taps * rest * out.itemsize
    chunks = plan_chunks(n, rows, row_bytes, min(_base.BLOCK_BYTES, budget))
    largest = max((c[1] - c[0]) * (c[3] - c[2]) for c in chunks) * channels * taps * rest
    slab_size = _slab_size(x, plan, chunks)
    target = out.reshape(n, groups, filters // groups, rows * rest)
    b = None if ops.bias is None else ops.bias.reshape(groups, -1, 1)

    def job(chunk: _base.Chunk) -> None:
        n0, n1, r0, r1 = chunk
        slab = ops.slab(chunk, "slab", slab_size)
        view = _window_view(slab, plan, r1 - r0)
        col = _base.workspace("columns", largest, out.dtype)[: view.size].reshape(view.shape)
        np.copyto(col, view)
        dst = target[n0:n1, :, :, r0 * rest : r1 * rest]
        np.matmul(weights, col.reshape(n1 - n0, groups, -1, (r1 - r0) * rest), out=dst)
        if b is not None:
            dst += b

    run_gemm_chunks(job, chunks, out.size * channels * taps // groups)


def _shift_add(ops: _Operands) -> None:
    x, w, plan, groups, out = ops.x, ops.w, ops.plan, ops.groups, ops.out
    n, channels = x.shape[:2]
    filters = w.shape[0]
    per_in, per_out = channels // groups, filters // groups
    axes = plan.axes
    rank = len(axes)
    kernel = w.shape[2:]
    rows = axes[0].output
    rest_shape = tuple(a.output for a in axes[1:])
    target = out.reshape(n, groups, per_out, rows, *rest_shape)
    coef_shape = (1, groups, per_out) + (1,) * rank
    coefs = w.reshape(groups, per_out, per_in, prod(kernel))
    b = None if ops.bias is None else ops.bias.reshape(coef_shape)
    row_bytes = filters * prod(rest_shape) * out.itemsize
    chunks = plan_chunks(n, rows, row_bytes, _base.ELEMENTWISE_BYTES)
    slab_size = _slab_size(x, plan, chunks)

    def job(chunk: _base.Chunk) -> None:
        n0, n1, r0, r1 = chunk
        slab = ops.slab(chunk, "shift-slab", slab_size)
        slab = slab.reshape(n1 - n0, groups, per_in, *slab.shape[2:])
        acc = target[n0:n1, :, :, r0:r1]
        counts = (r1 - r0, *rest_shape)
        tmp = acc
        if per_in * coefs.shape[3] > 1:
            tmp = _base.workspace("shift-tmp", acc.size, out.dtype).reshape(acc.shape)
        first = True
        for c in range(per_in):
            for t, tap in enumerate(np.ndindex(*kernel)):
                index = tuple(
                    slice(i * a.dilation, i * a.dilation + (m - 1) * a.stride + 1, a.stride)
                    for i, a, m in zip(tap, axes, counts, strict=True)
                )
                view = slab[(slice(None), slice(None), c, None, *index)]
                coef = coefs[:, :, c, t].reshape(coef_shape)
                if first:
                    np.multiply(view, coef, out=acc)
                    first = False
                else:
                    np.multiply(view, coef, out=tmp)
                    acc += tmp
        if b is not None:
            acc += b

    run_chunks(job, chunks, out.size * prod(kernel) * per_in)
