"""One resize axis as blocked band matmuls: ``out = W · x`` along that axis, with ``W``
the dense ``(output, input)`` weight matrix cut into blocks of output rows, each block
multiplying only the input window its taps touch (a banded matrix, never the full one).

The work is BLAS matmuls on views in the array's own dtype (float32 stays float32), with
no full-size temporary per tap; taps that share an input index (clamped borders) add up.

>>> import numpy as np
>>> index = np.array([[0, 1], [1, 2]]); weight = np.array([[0.5, 0.5], [0.5, 0.5]])
>>> apply_band(np.array([[1.0, 2.0, 3.0]]), 1, index, weight).tolist()
[[1.5, 2.5]]
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["BLOCK", "Block", "apply_band", "apply_blocks", "band_blocks", "band_matrix"]

BLOCK = 64
"""Output indices per matmul block: few Python steps, narrow input windows."""


def band_matrix(
    index: npt.NDArray[np.intp], weight: npt.NDArray[np.float64], dtype: Any
) -> tuple[int, npt.NDArray[Any]]:
    """``(lo, W)``: the dense weights of the rows *index*/*weight* over the input window
    ``lo … lo + W.shape[1] - 1`` (taps on one input summed), in *dtype*.

    >>> lo, w = band_matrix(np.array([[2, 3], [3, 3]]), np.array([[0.25, 0.75], [0.5, 0.5]]), float)
    >>> lo, w.tolist()
    (2, [[0.25, 0.75], [0.0, 1.0]])
    """
    used = weight != 0
    lo = int(index[used].min()) if used.any() else 0
    hi = int(index[used].max()) + 1 if used.any() else 1
    dense = np.zeros((index.shape[0], hi - lo), dtype=np.float64)
    rows = np.broadcast_to(np.arange(index.shape[0])[:, None], index.shape)
    np.add.at(dense, (rows[used], index[used] - lo), weight[used])
    return lo, dense.astype(dtype)


Block: TypeAlias = tuple[int, int, int, npt.NDArray[Any]]
"""``(start, stop, lo, W)``: output indices ``start … stop − 1`` are ``W`` times the input
window ``lo … lo + W.shape[1] − 1``."""


def band_blocks(
    index: npt.NDArray[np.intp], weight: npt.NDArray[np.float64], dtype: Any
) -> list[Block]:
    """The tap tables *index*/*weight* (shape ``(output, taps)``) cut into blocks of
    :data:`BLOCK` output indices, each with its dense weights in *dtype*: computed once per
    axis and reused by every chunk of planes.

    >>> [(a, b, lo, w.tolist()) for a, b, lo, w in band_blocks(
    ...     np.array([[0, 1], [1, 2]]), np.array([[0.5, 0.5], [1.0, 0.0]]), float)]
    [(0, 2, 0, [[0.5, 0.5], [0.0, 1.0]])]
    """
    blocks = []
    for start in range(0, index.shape[0], BLOCK):
        stop = min(start + BLOCK, index.shape[0])
        lo, w = band_matrix(index[start:stop], weight[start:stop], dtype)
        blocks.append((start, stop, lo, w))
    return blocks


def apply_band(
    y: npt.NDArray[Any],
    dim: int,
    index: npt.NDArray[np.intp],
    weight: npt.NDArray[np.float64],
) -> npt.NDArray[Any]:
    """Resize axis *dim* of *y* to ``len(index)`` by the tap tables *index*/*weight*
    (shape ``(output, taps)``), one matmul per block of :data:`BLOCK` output indices.

    >>> x = np.arange(6.0).reshape(2, 3)
    >>> apply_band(x, 0, np.array([[0, 1]]), np.array([[0.5, 0.5]])).tolist()
    [[1.5, 2.5, 3.5]]
    """
    return apply_blocks(y, dim, band_blocks(index, weight, y.dtype), index.shape[0])


def apply_blocks(
    y: npt.NDArray[Any],
    dim: int,
    blocks: list[Block],
    n_out: int,
    out: npt.NDArray[Any] | None = None,
) -> npt.NDArray[Any]:
    """Axis *dim* of *y* resized to *n_out* by the weight *blocks* (:func:`band_blocks`),
    into *out* when given (C-contiguous, *y*'s dtype).

    >>> x = np.arange(6.0).reshape(3, 2)
    >>> apply_blocks(x, 0, band_blocks(np.array([[1, 2]]), np.array([[0.5, 0.5]]), float), 1)
    array([[3., 4.]])
    """
    y = np.ascontiguousarray(y)
    pre = int(np.prod(y.shape[:dim], dtype=np.int64))
    post = int(np.prod(y.shape[dim + 1 :], dtype=np.int64))
    if out is None:
        out = np.empty((*y.shape[:dim], n_out, *y.shape[dim + 1 :]), dtype=y.dtype)
    src: npt.NDArray[Any]
    dst: npt.NDArray[Any]
    if post == 1:
        src, dst = y.reshape(pre, y.shape[dim]), out.reshape(pre, n_out)
    else:
        src, dst = y.reshape(pre, y.shape[dim], post), out.reshape(pre, n_out, post)
    for start, stop, lo, w in blocks:
        hi = lo + w.shape[1]
        if post == 1:
            np.matmul(src[:, lo:hi], w.T, out=dst[:, start:stop])
        else:
            np.matmul(w, src[:, lo:hi, :], out=dst[:, start:stop, :])
    return out
