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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convcalc.errors import ArrayFormatError
from convcalc.execute._base import as_compute, run_gemm_chunks, threads
from convcalc.execute.layout import get_layout
from convcalc.execute.memory import output_parts, reserve
from convcalc.execute.resize_band import Block, apply_blocks, band_blocks
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


@dataclass(frozen=True)
class _Step:
    """One axis' resize, prepared once per call: its tap tables and, unless every output
    copies one input (a gather), its band blocks."""

    index: npt.NDArray[np.intp]
    weight: npt.NDArray[np.float64]
    blocks: list[Block] | None

    @classmethod
    def of(cls, axis: ResizeAxis, dtype: Any) -> _Step:
        index, weight = _tables(axis)
        copies = index.shape[1] == 1 and bool(np.all(weight == 1.0))
        return cls(index, weight, None if copies else band_blocks(index, weight, dtype))

    def apply(
        self, y: npt.NDArray[Any], dim: int, out: npt.NDArray[Any] | None = None
    ) -> npt.NDArray[Any]:
        """Axis *dim* of *y* resized, into *out* when given."""
        if self.blocks is None:
            return np.take(y, self.index[:, 0], axis=dim, out=out)
        if bool(np.isfinite(y.sum())):
            return apply_blocks(y, dim, self.blocks, self.index.shape[0], out)
        result = _apply_gather(y, dim, self.index, self.weight)  # 0 · inf in a band is nan
        if out is None:
            return result
        out[...] = result
        return out


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

    The array stays in its own layout; its planes (N·C channels-first, N channels-last
    with the channels innermost) go through every axis in chunks that fit in cache, on
    the worker threads.

    >>> resize([1.0, 2.0, 3.0, 4.0], size=(2,), mode="area").tolist()
    [1.5, 3.5]
    """
    array = as_compute(x, None, "input")
    lay = get_layout(layout)
    plan = resize_array_plan(
        array, lay.name, convention, size=size, scale=scale, mode=mode, **knobs
    )
    planes = _as_planes(array, lay.channels, len(plan.axes))
    out_planes = (planes.shape[0], *plan.output, planes.shape[-1])
    order = sorted(range(len(plan.axes)), key=lambda k: _growth(plan.axes[k]))
    chunks = _plane_chunks(planes.shape, plan, order, array.itemsize)
    cells = sum(a.output * (a.max_taps() + 1) for a in plan.axes)
    parts = [
        *output_parts(_native_shape(array.shape, lay.channels, plan.output), array.itemsize),
        ("the tap tables", cells * TABLE_BYTES_PER_INDEX),
        *_working_parts(array, planes.shape, plan, order, chunks),
    ]
    with reserve(parts):
        steps = {k: _Step.of(plan.axes[k], array.dtype) for k in order}
        result = np.empty(out_planes, dtype=array.dtype)

        def job(chunk: tuple[int, int]) -> None:
            y = planes[chunk[0] : chunk[1]]
            for k in order:
                last = k == order[-1]
                y = steps[k].apply(y, 1 + k, result[chunk[0] : chunk[1]] if last else None)

        if order:
            run_gemm_chunks(job, chunks, result.size)
        else:
            result[...] = planes
        return result.reshape(_native_shape(array.shape, lay.channels, plan.output))


CHUNK_BYTES = 1 << 21
"""Largest intermediate result per chunk of planes (2 MiB): it stays in the cache between
the per-axis passes, and the chunks spread over the worker threads."""


def _as_planes(array: npt.NDArray[Any], channels: str, rank: int) -> npt.NDArray[Any]:
    """*array* as ``(planes, *spatial, inner)``, without moving data (C order).

    >>> _as_planes(np.zeros((2, 5, 6, 3)), "last", 2).shape
    (2, 5, 6, 3)
    >>> _as_planes(np.zeros((2, 3, 5, 6)), "first", 2).shape
    (6, 5, 6, 1)
    """
    x = np.ascontiguousarray(array)
    if channels == "first":
        return x.reshape(x.shape[0] * x.shape[1], *x.shape[2:], 1)
    if channels == "last":
        return x
    return x.reshape(1, *x.shape[-rank:], 1)


def _native_shape(shape: Sequence[int], channels: str, output: Sequence[int]) -> tuple[int, ...]:
    """The result's shape in the input's layout.

    >>> _native_shape((2, 5, 6, 3), "last", (10, 12))
    (2, 10, 12, 3)
    """
    if channels == "first":
        return (shape[0], shape[1], *output)
    if channels == "last":
        return (shape[0], *output, shape[-1])
    return tuple(output)


def _largest_plane(shape: Sequence[int], plan: ResizePlan, order: Sequence[int]) -> int:
    """Cells of one plane's largest intermediate result (0 with one axis).

    >>> _largest_plane((1, 4, 4, 1), resize_plan((4, 4), size=(8, 2)), [1, 0])
    8
    """
    dims = list(shape[1:])
    largest = 0
    for k in order[:-1]:
        dims[k] = plan.axes[k].output
        largest = max(largest, int(np.prod(dims, dtype=np.int64)))
    return largest


def _plane_chunks(
    shape: Sequence[int], plan: ResizePlan, order: Sequence[int], itemsize: int
) -> list[tuple[int, int]]:
    """Planes ``(start, stop)`` per chunk: intermediates of about :data:`CHUNK_BYTES`,
    and at least two chunks per thread when there are planes enough.

    >>> _plane_chunks((3, 1024, 1024, 1), resize_plan((1024, 1024), scale=(2, 2)), [0, 1], 4)
    [(0, 1), (1, 2), (2, 3)]
    """
    plane_bytes = max(1, _largest_plane(shape, plan, order) * itemsize)
    per = max(1, CHUNK_BYTES // plane_bytes)
    per = max(1, min(per, -(-shape[0] // (2 * threads()))))
    return [(p, min(p + per, shape[0])) for p in range(0, max(shape[0], 1), per)]


def _working_parts(
    array: npt.NDArray[Any],
    shape: Sequence[int],
    plan: ResizePlan,
    order: Sequence[int],
    chunks: Sequence[tuple[int, int]],
) -> list[tuple[str, int]]:
    """Arrays alive while the axes are applied, for :func:`reserve`: a contiguous copy of a
    strided input, and per thread at work two intermediate results of a chunk at most.

    >>> plan = resize_plan((4, 4), size=(8, 2), mode="linear")
    >>> _working_parts(np.zeros((1, 1, 4, 4)).T, (1, 4, 4, 1), plan, [1, 0], [(0, 1)])
    [('a contiguous copy of the input', 128), ('the intermediate results', 128)]
    """
    parts = []
    if not array.flags.c_contiguous:
        parts.append(("a contiguous copy of the input", array.nbytes))
    largest = _largest_plane(shape, plan, order) * array.itemsize
    if largest:
        per = max(stop - start for start, stop in chunks)
        workers = min(threads(), len(chunks))
        parts.append(("the intermediate results", 2 * largest * per * workers))
    return parts
