"""Max and average pooling, and max unpooling, on NumPy arrays.

A pooling window is a box, so both reductions are *separable*: the executor reduces the
last spatial axis first, then the one before it, and so on, each time with one strided-slice
``np.maximum``/``np.add`` per tap. Pad cells are never materialised: a tap that falls in the
padding is skipped for the output cells where it does, which is exactly max pooling with
``−inf`` pads and a zero-padded sum. Average divisors are products of per-axis counts.

Max pooling can return PyTorch's argmax indices: per ``(N, C)`` plane, the flat C-order
index into the input's spatial axes of the first maximum in window order (the last NaN if
the window holds NaN), as ``max_unpool`` consumes them; ``-1`` (value ``−inf``) for a window
that holds no input cell at all, which PyTorch never produces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypedDict, Unpack, overload

import numpy as np
import numpy.typing as npt

from convcalc.errors import ArrayFormatError
from convcalc.execute import _base
from convcalc.execute._base import (
    FloatArray,
    IndexArray,
    as_compute,
    call_engine,
    plan_chunks,
    prod,
    run_chunks,
    tap_span,
)
from convcalc.execute.layout import Layout, get_layout
from convcalc.execute.memory import array_bytes, check_memory, output_parts, reserve
from convcalc.shape import AxisPlan, PaddingArg, WindowPlan, default_count_include_pad, pool_plan
from convcalc.shape.transpose import unpool_output_shape

__all__ = ["avg_pool", "max_pool", "max_unpool", "padding_only_windows", "pool_divisor"]


class _PoolGeometry(TypedDict, total=False):
    """The window geometry, passed on to :func:`convcalc.shape.pool_plan` (the one home of
    its defaults)."""

    stride: int | Sequence[int] | None
    dilation: int | Sequence[int]
    padding: PaddingArg
    ceil_mode: bool


class PoolWindow(_PoolGeometry, total=False):
    """The keywords :func:`max_pool` and :func:`avg_pool` share: the window geometry (see
    :func:`convcalc.shape.pool_plan`: ``stride`` defaults to the window, ``dilation`` to 1,
    ``padding`` to ``"valid"``, ``ceil_mode`` to ``False``: PyTorch's, a window that would
    start in the right padding is dropped) and the ``layout`` (``"plain"``)."""

    layout: str | Layout


@overload
def max_pool(
    x: npt.ArrayLike,
    window: int | Sequence[int],
    *,
    return_indices: Literal[False] = ...,
    **options: Unpack[PoolWindow],
) -> FloatArray: ...


@overload
def max_pool(
    x: npt.ArrayLike,
    window: int | Sequence[int],
    *,
    return_indices: Literal[True],
    **options: Unpack[PoolWindow],
) -> tuple[FloatArray, IndexArray]: ...


def max_pool(
    x: npt.ArrayLike,
    window: int | Sequence[int],
    *,
    return_indices: bool = False,
    **options: Unpack[PoolWindow],
) -> FloatArray | tuple[FloatArray, IndexArray]:
    """Max pooling; pad cells count as ``−inf`` (TensorFlow, PyTorch, ONNX agree).

    The window keywords are :class:`PoolWindow`'s (the stride defaults to the window). With
    ``return_indices`` also returns the int64 argmax indices (PyTorch convention, see the
    module doc).

    >>> max_pool([1, 3, 2, 5, 4], 2, padding=[(0, 1)], return_indices=True)
    (array([3., 5., 4.]), array([1, 3, 4]))
    """
    lay, xf, plan = _setup(x, window, **options)
    values, indices = _pool(xf, plan, "max", return_indices, copies=lay.copies)
    if not return_indices:
        return lay.from_first(values)
    assert indices is not None
    return lay.from_first(values), lay.from_first(indices)


def avg_pool(
    x: npt.ArrayLike,
    window: int | Sequence[int],
    *,
    count_include_pad: bool | None = None,
    **options: Unpack[PoolWindow],
) -> FloatArray:
    """Average pooling: the window sum over real cells divided by a per-window count.

    The window keywords are :class:`PoolWindow`'s (the stride defaults to the window).

    ``count_include_pad=True`` (PyTorch's default) counts pad cells but not the ceil-mode
    overhang past the padded end; ``False`` (TensorFlow, ONNX) counts real cells only.
    ``None`` follows the padding's style, like :func:`~convcalc.execute.conv_transpose`:
    explicit pads are PyTorch's (include), a mode name is TensorFlow's (exclude). A window
    with no real cell under ``False`` gives NaN (0/0).

    >>> avg_pool([1.0, 2.0, 3.0], 2, stride=1, padding=1)
    array([0.5, 1.5, 2.5, 1.5])
    >>> avg_pool([1.0, 2.0, 3.0], 2, stride=1, padding=1, count_include_pad=False)
    array([1. , 1.5, 2.5, 3. ])
    """
    lay, xf, plan = _setup(x, window, **options)
    if count_include_pad is None:
        count_include_pad = default_count_include_pad(plan)
    table = max(a.output * a.kernel for a in plan.axes)
    check_memory([array_bytes("the divisors", plan.output, 16), ("a count table", table * 10)])
    divisor = pool_divisor(plan, count_include_pad)
    if divisor.size and divisor.min() == divisor.max():
        divisor = divisor.reshape(-1)[:1].reshape((1,) * divisor.ndim)
    values, _ = _pool(xf, plan, "sum", False, divisor.astype(xf.dtype), copies=lay.copies)
    return lay.from_first(values)


def pool_divisor(plan: WindowPlan, count_include_pad: bool) -> npt.NDArray[np.int64]:
    """Per-output-cell divisor of average pooling (an outer product of per-axis counts).

    >>> pool_divisor(pool_plan((5,), 2, padding=1, ceil_mode=True), True).tolist()
    [2, 2, 2]
    >>> pool_divisor(pool_plan((5,), 2, padding=1, ceil_mode=True), False).tolist()
    [1, 2, 2]
    """
    divisor = np.ones((1,) * len(plan.axes), dtype=np.int64)
    for index, a in enumerate(plan.axes):
        low, high = (-a.pad_low, a.input + a.pad_high) if count_include_pad else (0, a.input)
        cells = (
            np.arange(a.output)[:, None] * a.stride
            - a.pad_low
            + np.arange(a.kernel)[None, :] * a.dilation
        )
        counts = ((cells >= low) & (cells < high)).sum(axis=1)
        shape = [1] * len(plan.axes)
        shape[index] = a.output
        divisor = divisor * counts.reshape(shape)
    return divisor


def padding_only_windows(plan: WindowPlan) -> int:
    """Output cells whose window holds no input cell, only padding (max pooling gives
    ``−inf`` there; PyTorch, which caps pads at half the window, never has one).

    A window is a box, so it is empty when its taps miss the input on some axis; per axis,
    tap ``t`` of window ``o`` reads ``o·s − pad_low + t·d``.

    >>> padding_only_windows(pool_plan((5,), 2, padding=3))
    2
    """
    real = 1
    for a in plan.axes:
        start = np.arange(a.output, dtype=np.int64) * a.stride - a.pad_low
        first = np.maximum(-(start // a.dilation), 0)  # ceil(-start / d), at least 0
        last = np.minimum((a.input - 1 - start) // a.dilation, a.kernel - 1)
        real *= int(np.count_nonzero(first <= last))
    return prod(plan.output) - real


def _setup(
    x: npt.ArrayLike,
    window: int | Sequence[int],
    *,
    layout: str | Layout = "plain",
    **geometry: Unpack[_PoolGeometry],
) -> tuple[Layout, FloatArray, WindowPlan]:
    """The layout, the input channels-first and the plan."""
    lay = get_layout(layout)
    xa = as_compute(x, None, "input")
    lay.spatial_rank(xa)
    xf = lay.to_first(xa)
    plan = call_engine(pool_plan, xf.shape[2:], window, **geometry)
    return lay, xf, plan


def _pool(
    x: FloatArray,
    plan: WindowPlan,
    op: str,
    track: bool,
    divisor: FloatArray | None = None,
    copies: int = 1,
) -> tuple[FloatArray, IndexArray | None]:
    """Pool channels-first *x*; returns values (and flat argmax indices) channels-first.
    Sums are divided by *divisor* (per output cell, or one cell broadcast) as they are
    written. *copies*: arrays of the output's size the caller's layout needs."""
    n, channels = x.shape[:2]
    spatial = x.shape[2:]
    planes = n * channels
    parts = output_parts((n, channels, *plan.output), x.itemsize, copies)
    if track:
        parts += output_parts((n, channels, *plan.output), 8, copies)
    check_memory(parts)  # before planning the chunks: their count grows with the output
    first = plan.axes[0]
    row_bytes = first.stride * prod(spatial[1:]) * x.itemsize
    chunks = plan_chunks(planes, first.output, row_bytes, _base.ELEMENTWISE_BYTES)
    parts.append(("a chunk's pooling temporaries", _chunk_bytes(plan, chunks, x.itemsize, track)))
    with reserve(parts):
        return _pool_chunks(x, plan, op, track, divisor, chunks)


def _chunk_bytes(plan: WindowPlan, chunks: list[_base.Chunk], itemsize: int, track: bool) -> int:
    """Temporaries of the largest (first) chunk: after each axis is reduced, the partial
    result ``(planes, input rows, inputs of the axes before, outputs of the rest)``; times
    the chunks that run at once."""
    p0, p1, r0, r1 = chunks[0]
    first = plan.axes[0]
    rows = min((r1 - r0 - 1) * first.stride + first.effective_kernel, first.input)
    inputs = [a.input for a in plan.axes]
    outputs = [a.output for a in plan.axes]
    cells = max(
        [(p1 - p0) * (r1 - r0) * prod(outputs[1:])]
        + [(p1 - p0) * rows * prod(inputs[1:a]) * prod(outputs[a:]) for a in range(1, len(inputs))]
    )
    per_cell = 2 * (itemsize + 10) if track else 2 * itemsize
    return cells * per_cell * min(_base.threads(), len(chunks))


def _pool_chunks(
    x: FloatArray,
    plan: WindowPlan,
    op: str,
    track: bool,
    divisor: FloatArray | None,
    chunks: list[_base.Chunk],
) -> tuple[FloatArray, IndexArray | None]:
    """The pooling itself, chunk by chunk (see :func:`_pool`)."""
    n, channels = x.shape[:2]
    spatial = x.shape[2:]
    planes = n * channels
    x3 = x.reshape(planes, *spatial)
    out_shape = plan.output
    values = np.empty((planes, *out_shape), dtype=x.dtype)
    indices = np.empty((planes, *out_shape), dtype=np.int64) if track else None
    first = plan.axes[0]
    strides = [prod(spatial[a + 1 :]) for a in range(len(spatial))]

    def job(chunk: _base.Chunk) -> None:
        p0, p1, r0, r1 = chunk
        lo = r0 * first.stride - first.pad_low
        hi = (r1 - 1) * first.stride - first.pad_low + first.effective_kernel
        origin = max(lo, 0)
        cur = x3[p0:p1, origin : min(hi, first.input)]
        cur_idx: IndexArray | None = None
        for axis in reversed(range(len(spatial))):
            a = plan.axes[axis]
            start, count, base = (r0, r1 - r0, origin) if axis == 0 else (0, a.output, 0)
            cur, cur_idx = _reduce_axis(
                cur, cur_idx, axis + 1, a, start, count, base, strides[axis], op, track
            )
        if divisor is None:
            values[p0:p1, r0:r1] = cur
        else:
            part = divisor if divisor.shape[0] == 1 else divisor[r0:r1]
            with np.errstate(invalid="ignore", divide="ignore"):  # 0/0: no real cell
                np.divide(cur, part, out=values[p0:p1, r0:r1])
        if indices is not None and cur_idx is not None:
            indices[p0:p1, r0:r1] = cur_idx

    run_chunks(job, chunks, x.size)
    shape = (n, channels, *out_shape)
    return values.reshape(shape), None if indices is None else indices.reshape(shape)


def _reduce_axis(
    cur: FloatArray,
    cur_idx: IndexArray | None,
    axis: int,
    a: AxisPlan,
    start: int,
    count: int,
    origin: int,
    flat_stride: int,
    op: str,
    track: bool,
) -> tuple[FloatArray, IndexArray | None]:
    """Reduce one axis of *cur* (whose index 0 is input cell *origin*) to windows
    ``start:start+count`` of the plan's axis."""
    shape = list(cur.shape)
    shape[axis] = count
    before = (slice(None),) * axis
    keys = []
    for t in range(a.kernel):
        offset = start * a.stride - a.pad_low + t * a.dilation - origin
        j0, j1 = tap_span(count, cur.shape[axis], a.stride, offset)
        if j1 > j0:
            i0 = j0 * a.stride + offset
            src_key = (*before, slice(i0, i0 + (j1 - j0 - 1) * a.stride + 1, a.stride))
            keys.append((j0, j1, offset, src_key, (*before, slice(j0, j1))))
    res_idx = np.full(shape, -1, dtype=np.int64) if track else None
    full = [k for k in keys if k[0] == 0 and k[1] == count]
    if full and not track:  # start from a tap that covers every window: no fill pass
        keys.remove(full[0])
        res = np.array(cur[full[0][3]], dtype=cur.dtype)
    else:
        res = np.full(shape, -np.inf if op == "max" else 0, dtype=cur.dtype)
    for j0, j1, offset, src_key, dst_key in keys:
        src, dst = cur[src_key], res[dst_key]
        if op == "sum":
            np.add(dst, src, out=dst)
        elif res_idx is None:
            np.maximum(dst, src, out=dst)
        else:
            dst_idx = res_idx[dst_key]
            take = (src > dst) | np.isnan(src) | (dst_idx < 0)
            cells = (np.arange(j0, j1) * a.stride + (offset + origin)) * flat_stride
            cand = cells.reshape((-1,) + (1,) * (cur.ndim - axis - 1))
            if cur_idx is not None:
                inner = cur_idx[src_key]
                cand = np.where(inner < 0, -1, inner + cand)  # no real cell: stays -1
            np.copyto(dst, src, where=take)
            np.copyto(dst_idx, np.broadcast_to(cand, dst_idx.shape), where=take)
    return res, res_idx


def max_unpool(
    x: npt.ArrayLike,
    indices: npt.ArrayLike,
    window: int | Sequence[int],
    *,
    stride: int | Sequence[int] | None = None,
    padding: PaddingArg = 0,
    output_size: Sequence[int] | None = None,
    layout: str | Layout = "plain",
) -> FloatArray:
    """Max unpooling (PyTorch ``MaxUnpool``): every value goes to its flat argmax index in
    its ``(N, C)`` plane, everything else is zero.

    The output size defaults to ``(n − 1)·s − before − after + k`` per axis; *output_size*
    may be any size within one stride of it (:func:`convcalc.shape.unpool_output_shape`).

    >>> max_unpool([3.0, 5.0], [1, 3], 2)
    array([0., 3., 0., 5.])
    """
    lay = get_layout(layout)
    xa = as_compute(x, None, "input")
    lay.spatial_rank(xa)
    idx = np.asarray(indices)
    if idx.shape != xa.shape:
        raise ArrayFormatError(
            f"the indices have shape {tuple(idx.shape)} but the pooled values have shape "
            f"{tuple(xa.shape)}; they must match"
        )
    integral = idx.dtype.kind in "iu" or (
        idx.dtype.kind == "f"
        and bool(np.all(np.isfinite(idx)))
        and bool(np.all(idx == np.round(idx)))
    )
    if not integral:
        raise ArrayFormatError(f"the indices must be integers, got dtype {idx.dtype}")
    xf, idxf = lay.to_first(xa), lay.to_first(idx.astype(np.int64))
    n, channels = xf.shape[:2]
    shape = call_engine(
        unpool_output_shape,
        xf.shape[2:],
        window,
        stride=stride,
        padding=padding,
        output_size=output_size,
    )
    cells = prod(shape)
    flat_idx = idxf.reshape(n * channels, -1)
    if flat_idx.size and (flat_idx.min() < 0 or flat_idx.max() >= cells):
        bad = int(flat_idx.min()) if flat_idx.min() < 0 else int(flat_idx.max())
        raise ArrayFormatError(
            f"index {bad} is out of range for the output size "
            f"{'x'.join(map(str, shape))} ({cells} cells per plane)"
        )
    with reserve(output_parts((n, channels, *shape), xa.itemsize, lay.copies)):
        out = np.zeros((n * channels, cells), dtype=xa.dtype)
        np.put_along_axis(out, flat_idx, xf.reshape(n * channels, -1), axis=1)
        return lay.from_first(out.reshape(n, channels, *shape))
