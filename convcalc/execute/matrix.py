"""The matrix ``C`` of a layer as a NumPy array, and its check against the executor.

The index map (:mod:`convcalc.shape.matrix`) says which input cell each window reads per
tap; here it becomes an integer matrix of flat tap indices (``-1`` where ``C`` is zero),
built per axis and combined by broadcasting, then the dense matrix of kernel weights (or of
``1/divisor`` for average pooling). :func:`check_matrix` multiplies ``C`` by a random
vector and compares with what :func:`~convcalc.execute.conv`,
:func:`~convcalc.execute.conv_transpose` or :func:`~convcalc.execute.avg_pool` compute.

>>> from convcalc.shape import conv_plan
>>> from convcalc.shape.matrix import conv_matrix_map
>>> tap_matrix(conv_matrix_map(conv_plan((4,), 3)))
array([[ 0,  1,  2, -1],
       [-1,  0,  1,  2]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convcalc.errors import NoInverseError, SpecError
from convcalc.execute.conv import conv
from convcalc.execute.pool import avg_pool, pool_divisor
from convcalc.execute.transpose import conv_transpose
from convcalc.shape import DeconvPlan, WindowPlan
from convcalc.shape.matrix import DEFAULT_MAX_CELLS, AxisReads, MatrixMap, check_cells

__all__ = [
    "CHECK_PRODUCTS",
    "MatrixCheck",
    "PaddedTaps",
    "check_matrix",
    "dense_matrix",
    "padded_taps",
    "pool_matrix",
    "tap_matrix",
]

CHECK_PRODUCTS = 10**8
"""Most multiply-adds (windows × kernel taps) :func:`check_matrix` asks the executor for
(about a second); larger checks are refused, naming the count."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PaddedTaps:
    """Taps over the padded input: ``taps`` (-1: zero) and, per column of the padded
    orientation, whether that cell is padding (``pad``) and its N-d index (``index``)."""

    taps: IntArray
    pad: npt.NDArray[np.bool_]
    index: IntArray


def _axis_taps(reads: AxisReads, low: int, size: int) -> IntArray:
    """One axis: ``taps[j, i]`` = the tap window ``j`` reads cell ``low + i`` with, else -1."""
    starts = np.arange(reads.starts.start, reads.starts.stop, reads.starts.step, dtype=np.int64)
    offsets = np.arange(reads.offsets.start, reads.offsets.stop, reads.offsets.step)
    cols = starts[:, None] + offsets[None, :] - low
    taps = np.full((starts.size, size), -1, dtype=np.int64)
    rows = np.broadcast_to(np.arange(starts.size)[:, None], cols.shape)
    tap = np.broadcast_to(np.arange(offsets.size)[None, :], cols.shape)
    keep = (cols >= 0) & (cols < size)
    taps[rows[keep], cols[keep]] = tap[keep]
    return taps


def _forward(m: MatrixMap, ranges: list[tuple[int, int]]) -> IntArray:
    """Windows × cells (``ranges``: per axis, the first cell and how many) flat tap matrix."""
    ndim = len(m.windows)
    flat: IntArray = np.zeros((1,) * (2 * ndim), dtype=np.int64)
    valid = np.ones((1,) * (2 * ndim), dtype=bool)
    tap_stride = 1
    for a in reversed(range(ndim)):
        t = _axis_taps(m.reads[a], *ranges[a])
        shape = [1] * (2 * ndim)
        shape[a], shape[ndim + a] = t.shape
        t = t.reshape(shape)
        flat = flat + np.maximum(t, 0) * tap_stride
        valid = valid & (t >= 0)
        tap_stride *= m.kernel[a]
    rows, cols = int(np.prod(m.windows)), int(np.prod([n for _, n in ranges]))
    return np.where(valid, flat, -1).reshape(rows, cols)


def tap_matrix(m: MatrixMap) -> IntArray:
    """``C``'s flat kernel-tap indices (row-major over the kernel), ``-1`` where ``C`` is 0."""
    forward = _forward(m, [(0, n) for n in m.inputs])
    return forward.T.copy() if m.transposed else forward


def padded_taps(m: MatrixMap, max_cells: int = DEFAULT_MAX_CELLS) -> PaddedTaps:
    """The taps with every pad cell some window reads as an extra column (rows when
    transposed): the columns that vanish because they multiply zeros.

    >>> from convcalc.shape import conv_plan
    >>> from convcalc.shape.matrix import conv_matrix_map
    >>> p = padded_taps(conv_matrix_map(conv_plan((3,), 3, padding=1)))
    >>> p.taps.tolist(), p.pad.tolist()
    ([[0, 1, 2, -1, -1], [-1, 0, 1, 2, -1], [-1, -1, 0, 1, 2]], [True, False, False, False, True])
    """
    ranges = []
    for reads, n in zip(m.reads, m.inputs, strict=True):
        first, last = reads.taps(0)[0], reads.taps(len(reads.starts) - 1)[-1]
        low, high = min(0, first), max(n - 1, last)
        ranges.append((low, high - low + 1))
    try:
        check_cells(int(np.prod(m.windows)), int(np.prod([n for _, n in ranges])), max_cells)
    except SpecError as exc:
        raise SpecError(f"with its pad cells, {exc}") from None
    forward = _forward(m, ranges)
    grids = np.meshgrid(*[np.arange(lo, lo + n) for lo, n in ranges], indexing="ij")
    index = np.stack([g.ravel() for g in grids], axis=1)
    inputs = np.array(m.inputs, dtype=np.int64)
    pad: npt.NDArray[np.bool_] = np.asarray(((index < 0) | (index >= inputs)).any(axis=1))
    return PaddedTaps(forward.T.copy() if m.transposed else forward, pad, index)


def dense_matrix(taps: IntArray, kernel: npt.ArrayLike) -> FloatArray:
    """The dense ``C``: kernel weights at *taps*, zeros elsewhere.

    >>> dense_matrix(np.array([[0, 1, -1]]), [2.0, 3.0]).tolist()
    [[2.0, 3.0, 0.0]]
    """
    w = np.asarray(kernel, dtype=np.float64).ravel()
    return np.where(taps >= 0, w[np.maximum(taps, 0)], 0.0)


def pool_matrix(m: MatrixMap, plan: WindowPlan, count_include_pad: bool) -> FloatArray:
    """Average pooling's ``C``: ``1/divisor`` of each window on the cells it averages (a
    window of padding only has a zero row; the pooling gives NaN there).

    >>> from convcalc.shape import pool_plan
    >>> from convcalc.shape.matrix import conv_matrix_map
    >>> p = pool_plan((4,), 2)
    >>> pool_matrix(conv_matrix_map(p), p, True).tolist()
    [[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]]
    """
    forward = _forward(m, [(0, n) for n in m.inputs]) >= 0
    divisor = pool_divisor(plan, count_include_pad).reshape(-1, 1).astype(np.float64)
    c = np.divide(forward, divisor, out=np.zeros(forward.shape), where=divisor > 0)
    return c.T.copy() if m.transposed else c


@dataclass(frozen=True)
class MatrixCheck:
    """``C @ v`` against the executor: the largest difference, the operation compared with,
    the tolerance of two summation orders, and rows left out (NaN in the executor)."""

    difference: float
    operation: str
    tolerance: float
    skipped: int = 0

    @property
    def agrees(self) -> bool:
        return self.difference <= self.tolerance


def check_matrix(
    c: FloatArray,
    m: MatrixMap,
    layer: WindowPlan | DeconvPlan,
    kernel: FloatArray | None,
    pool: bool | None = None,
    seed: int = 0,
) -> MatrixCheck:
    """Compare ``C @ v`` with the executor on a random *v* (uniform in [-1, 1]).

    *layer* is the plan ``C`` was built from; *kernel* its weights (``None`` for average
    pooling, then *pool* is ``count_include_pad``).

    >>> from convcalc.shape import conv_plan
    >>> from convcalc.shape.matrix import conv_matrix_map, transpose_map
    >>> m = transpose_map(conv_matrix_map(conv_plan((5,), 3, stride=2)))
    >>> w = np.array([1.0, 2.0, 3.0])
    >>> check_matrix(dense_matrix(tap_matrix(m), w), m, conv_plan((5,), 3, stride=2), w).agrees
    True
    """
    products = int(np.prod(m.windows)) * int(np.prod(m.kernel))
    if products > CHECK_PRODUCTS:
        raise SpecError(
            f"--check would run a layer of {products} products (windows × kernel taps), "
            f"over the limit of {CHECK_PRODUCTS}"
        )
    rng = np.random.default_rng(seed)
    v = rng.uniform(-1.0, 1.0, size=m.columns)
    ref, operation = _reference(v, m, layer, kernel, pool)
    got = c @ v.ravel()
    ref = ref.ravel()
    skipped = np.zeros(ref.shape, dtype=bool)
    if pool is not None:  # windows of padding only: NaN in the pooling, a zero row in C
        skipped = np.isnan(ref) & ~c.any(axis=1)
    same = (got == ref) | (np.isnan(got) & np.isnan(ref)) | skipped
    gap = np.where(same, 0.0, np.abs(got - ref))
    terms = int(np.prod(m.kernel))
    finite = np.abs(c[np.isfinite(c)])
    scale = float(np.max(finite, initial=0.0))  # |v| ≤ 1
    tolerance = float(np.finfo(np.float64).eps) * terms**2 * max(scale, 1.0)
    difference = float(np.max(gap, initial=0.0)) if not np.isnan(gap).any() else float("nan")
    return MatrixCheck(difference, operation, tolerance, int(np.count_nonzero(skipped)))


def _reference(
    v: FloatArray,
    m: MatrixMap,
    layer: WindowPlan | DeconvPlan,
    kernel: FloatArray | None,
    count_include_pad: bool | None,
) -> tuple[npt.NDArray[Any], str]:
    geometry: dict[str, Any] = {
        "stride": [a.stride for a in layer.axes],
        "dilation": [a.dilation for a in layer.axes],
        "padding": tuple(layer.pads),
    }
    if isinstance(layer, DeconvPlan):
        assert kernel is not None
        if not m.transposed:  # Cᵀ of a transposed convolution: its adjoint convolution
            full = conv(v, kernel, **geometry)
            return full[tuple(slice(0, n) for n in m.windows)], "run conv"
        return conv_transpose(v, kernel, output_size=layer.output, **geometry), "run deconv"
    if kernel is None:
        assert count_include_pad is not None
        ceil = layer.axes[0].ceil_mode
        if not m.transposed:
            out = avg_pool(
                v, m.kernel, ceil_mode=ceil, count_include_pad=count_include_pad, **geometry
            )
            return out, "run pool --op avg"
        divisor = pool_divisor(layer, count_include_pad).astype(np.float64)
        scaled = np.divide(v, divisor, out=np.zeros(v.shape), where=divisor > 0)
        ones = np.ones(m.kernel)
        return _deconv_back(scaled, ones, layer, geometry), "run deconv (of y / divisor, ones)"
    if not m.transposed:
        return conv(v, kernel, **geometry), "run conv"
    return _deconv_back(v, kernel, layer, geometry), "run deconv"


def _deconv_back(
    v: FloatArray, kernel: FloatArray, layer: WindowPlan, geometry: dict[str, Any]
) -> FloatArray:
    """The transposed convolution back to the forward layer's input size (the engine finds
    the matching output_padding)."""
    try:
        back = np.asarray(
            conv_transpose(v, kernel, output_size=layer.input, **geometry), np.float64
        )
    except NoInverseError as exc:
        raise SpecError(f"no transposed convolution computes Cᵀ here: {exc}") from None
    return back
