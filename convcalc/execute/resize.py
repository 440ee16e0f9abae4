"""Interpolation resize with NumPy, separable: per spatial axis one banded matmul.

The taps and weights of every output index come from the shape engine
(:meth:`convcalc.shape.resize.ResizeAxis.sample`, one Python call per output index of an
axis, not per pixel; small tables are cached per axis); the array work is vectorised:
``y = W · x`` along each axis, W banded (:mod:`convcalc.execute.resize_band`), the axes
that shrink most first. Arrays holding inf/nan take one gather per tap instead
(``y = Σₖ wₖ · take(x, idxₖ, axis)``), so a zero weight never meets an inf.

>>> resize([[1.0, 2.0], [3.0, 4.0]], scale=(2.0,), mode="linear").tolist()[0]
[1.0, 1.25, 1.75, 2.0]
>>> resize([[1.0, 2.0], [3.0, 4.0]], size=(4,), mode="linear", convention="tf1").tolist()[0]
[1.0, 1.5, 2.0, 2.0]
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from convcalc.errors import ArrayFormatError
from convcalc.execute._base import as_compute
from convcalc.execute.layout import get_layout
from convcalc.execute.memory import output_parts, reserve
from convcalc.execute.progress import counted
from convcalc.execute.resize_band import apply_band
from convcalc.shape.resize import ResizeAxis, ResizePlan, resize_plan

__all__ = ["CHANNELS", "axis_tables", "resize", "resize_array_plan"]

CACHED_AXES = 16
CACHED_CELLS = 2**16
"""Tap tables of up to this many cells (≈1 MiB) are kept for the last ``CACHED_AXES``
axes: tabulating is one Python call per output index, most of a repeated resize's time."""

TABLE_BYTES_PER_INDEX = 256
"""Peak bytes per tap of an output index while an axis is tabulated (the Python samples
and the index/weight arrays), counted against the memory limit with the output."""

CHANNELS = {
    "torch": "first",
    "onnx": "first",
    "tf": "last",
    "tf1": "last",
    "keras": "last",
    "opencv": "none",
    "pil": "none",
    "jax": "last",
}
"""Where each convention's tensors keep their channels (``plain`` suits every one)."""


def resize_array_plan(
    x: npt.NDArray[Any], layout: str, convention: str, **options: Any
) -> ResizePlan:
    """The plan for array *x* in *layout*: its spatial axes, the precision PyTorch would
    compute coordinates in (float64 for float64 tensors, else float32)."""
    lay = get_layout(layout)
    lay.spatial_rank(x)
    want = CHANNELS.get(convention)
    if want is not None and lay.channels not in ("none", want):
        named = {"first": "channels-first (ncw, nchw, ncdhw)", "last": "channels-last"}.get(
            want, "plain 2-D"
        )
        raise ArrayFormatError(
            f"--convention {convention} works on {named} arrays (or plain), not layout {lay.name}"
        )
    spatial = lay.to_first(x).shape[2:]
    precision = "float64" if x.dtype == np.float64 else "float32"
    return resize_plan(tuple(int(n) for n in spatial), convention=convention,
                       precision=precision, **options)  # fmt: skip


def axis_tables(axis: ResizeAxis) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """``(index, weight)`` arrays of shape ``(output, taps)`` for one axis; rows with fewer
    taps are filled with index 0, weight 0.

    >>> from convcalc.shape.resize import resize_plan
    >>> idx, w = axis_tables(resize_plan((3,), size=(2,), mode="area").axes[0])
    >>> idx.tolist(), w.tolist()
    ([[0, 1], [1, 2]], [[0.5, 0.5], [0.5, 0.5]])
    """
    samples = [axis.sample(i) for i in range(axis.output)]
    width = max(1, *(len(s.taps) for s in samples))
    index = np.zeros((axis.output, width), dtype=np.intp)
    weight = np.zeros((axis.output, width), dtype=np.float64)
    for row, s in enumerate(samples):
        index[row, : len(s.taps)] = s.taps
        weight[row, : len(s.weights)] = s.weights
    return index, weight


@functools.lru_cache(maxsize=CACHED_AXES)
def _cached_tables(axis: ResizeAxis) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    index, weight = axis_tables(axis)
    index.flags.writeable = weight.flags.writeable = False
    return index, weight


def _tables(axis: ResizeAxis) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """The tap tables of *axis*, kept for the next call with the same axis when small."""
    if axis.output * axis.max_taps() <= CACHED_CELLS:
        return _cached_tables(axis)
    return axis_tables(axis)


def _apply_axis(y: npt.NDArray[Any], dim: int, axis: ResizeAxis) -> npt.NDArray[Any]:
    index, weight = _tables(axis)
    if index.shape[1] == 1 and bool(np.all(weight == 1.0)):
        gathered: npt.NDArray[Any] = np.take(y, index[:, 0], axis=dim)
        return gathered
    if bool(np.isfinite(y.sum())):
        return apply_band(y, dim, index, weight)
    return _apply_gather(y, dim, index, weight)  # inf/nan: 0 · inf in a band would be nan


def _apply_gather(
    y: npt.NDArray[Any], dim: int, index: npt.NDArray[np.intp], weight: npt.NDArray[np.float64]
) -> npt.NDArray[Any]:
    """``Σₖ wₖ · take(y, idxₖ, dim)``, one gather per tap: only the taps are read."""
    shape = [1] * y.ndim
    shape[dim] = index.shape[0]
    w = weight.astype(y.dtype)
    out: npt.NDArray[Any] = np.take(y, index[:, 0], axis=dim)
    out *= w[:, 0].reshape(shape)
    if index.shape[1] > 1:
        tap = np.empty_like(out)
        for k in range(1, index.shape[1]):
            np.take(y, index[:, k], axis=dim, out=tap, mode="clip")  # valid: no buffer
            tap *= w[:, k].reshape(shape)
            out += tap
    return out


def _growth(axis: ResizeAxis) -> float:
    """Output per input cell: the axes that shrink the data most go first."""
    return axis.output / axis.input


def resize(
    x: npt.ArrayLike,
    *,
    size: Sequence[int] | None = None,
    scale: Sequence[float] | None = None,
    mode: str = "nearest",
    convention: str = "torch",
    layout: str = "plain",
    **knobs: Any,
) -> npt.NDArray[Any]:
    """Resize the spatial axes of *x* as *convention*'s library does (float32 and float64
    kept, integers computed in float64). *knobs*: ``align_corners``,
    ``half_pixel_centers``, ``recompute_scale_factor``, ``coordinate_mode``,
    ``nearest_mode``, ``cubic_a``, ``exclude_outside`` (see
    :func:`convcalc.shape.resize.resize_plan`).

    >>> resize([1.0, 2.0, 3.0, 4.0], size=(2,), mode="area").tolist()
    [1.5, 3.5]
    """
    array = as_compute(x, None, "input")
    lay = get_layout(layout)
    plan = resize_array_plan(
        array, lay.name, convention, size=size, scale=scale, mode=mode, **knobs
    )
    first = lay.to_first(array)
    out_shape = (*first.shape[:2], *plan.output)
    cells = sum(a.output * (a.max_taps() + 1) for a in plan.axes)
    tables = ("the tap tables", cells * TABLE_BYTES_PER_INDEX)
    order = sorted(range(len(plan.axes)), key=lambda k: _growth(plan.axes[k]))
    parts = output_parts(out_shape, array.dtype.itemsize, lay.copies + 1)
    with reserve([*parts, tables, *_working_parts(first, plan, order)]):
        y = [first]

        def apply(k: int) -> None:  # one pass per axis, each a chunk for a progress bar
            y[0] = _apply_axis(y[0], 2 + k, plan.axes[k])

        step = counted(apply, order, math.prod(out_shape) * len(order))
        for k in order:
            step(k)
        return lay.from_first(np.ascontiguousarray(y[0]))


def _working_parts(
    first: npt.NDArray[Any], plan: ResizePlan, order: Sequence[int]
) -> list[tuple[str, int]]:
    """Arrays alive while the axes are applied, for :func:`reserve`: a contiguous copy of a
    strided (channels-last) input, and two intermediate results at most (one axis' input and
    output), bounded by twice the largest.

    >>> plan = resize_plan((4, 4), size=(8, 2), mode="linear")
    >>> _working_parts(np.zeros((1, 1, 4, 4)).transpose(0, 1, 3, 2), plan, [1, 0])
    [('a contiguous copy of the input', 128), ('the intermediate results', 128)]
    """
    shape = list(first.shape)
    largest = 0
    for k in order[:-1]:
        shape[2 + k] = plan.axes[k].output
        largest = max(largest, int(np.prod(shape, dtype=np.int64)))
    parts = []
    if not first.flags.c_contiguous:
        parts.append(("a contiguous copy of the input", first.nbytes))
    if largest:
        parts.append(("the intermediate results", 2 * largest * first.itemsize))
    return parts
