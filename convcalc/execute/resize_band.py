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

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["BLOCK", "apply_band", "band_matrix"]

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
    y = np.ascontiguousarray(y)
    pre = int(np.prod(y.shape[:dim], dtype=np.int64))
    post = int(np.prod(y.shape[dim + 1 :], dtype=np.int64))
    n_out = index.shape[0]
    shape = (*y.shape[:dim], n_out, *y.shape[dim + 1 :])
    out = np.empty(shape, dtype=y.dtype)
    src: npt.NDArray[Any]
    dst: npt.NDArray[Any]
    if post == 1:
        src, dst = y.reshape(pre, y.shape[dim]), out.reshape(pre, n_out)
    else:
        src, dst = y.reshape(pre, y.shape[dim], post), out.reshape(pre, n_out, post)
    for start in range(0, n_out, BLOCK):
        stop = min(start + BLOCK, n_out)
        lo, w = band_matrix(index[start:stop], weight[start:stop], y.dtype)
        hi = lo + w.shape[1]
        if post == 1:
            np.matmul(src[:, lo:hi], w.T, out=dst[:, start:stop])
        else:
            np.matmul(w, src[:, lo:hi, :], out=dst[:, start:stop, :])
    return out
