"""Shared plumbing of the executor: dtypes, memory budget, chunking, the worker threads and
the one index rule every tap loop uses.

Nothing here computes a size or a pad: those come from the shape engine's plans.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeAlias, TypeVar, cast

import numpy as np
import numpy.typing as npt

from convcalc.errors import ArrayFormatError
from convcalc.execute._blas import one_thread_blas
from convcalc.execute.memory import check_memory
from convcalc.execute.progress import counted

__all__ = [
    "BLOCK_BYTES",
    "CHUNK_BUDGET",
    "Chunk",
    "FloatArray",
    "IndexArray",
    "as_compute",
    "call_engine",
    "clear_workspace",
    "compute_dtype",
    "plain_ints",
    "plan_chunks",
    "run_chunks",
    "run_gemm_chunks",
    "split",
    "tap_span",
    "workspace",
]

T = TypeVar("T")

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]
IndexArray: TypeAlias = npt.NDArray[np.int64]

CHUNK_BUDGET = 64 * 2**20
"""Hard cap, in bytes, on the temporaries of one chunk (im2col columns, col2im columns,
padded input slabs); each worker thread holds one chunk at a time. A layer whose full
column matrix would need gigabytes runs in pieces of at most this size (one output row of
one image is the smallest piece)."""

BLOCK_BYTES = 4 * 2**20
"""Preferred size of one chunk's column matrix: large enough for BLAS to run at full speed,
small enough to stay in cache. Never above :data:`CHUNK_BUDGET`."""

ELEMENTWISE_BYTES = 512 * 2**10
"""Preferred working set of one elementwise chunk (shift-and-add, pooling): about L2."""

PARALLEL_MIN_ELEMENTS = 1 << 18
"""Elementwise work smaller than this runs on the calling thread only."""

Chunk: TypeAlias = tuple[int, int, int, int]
"""``(n0, n1, r0, r1)``: images ``n0:n1`` and rows ``r0:r1`` of the first spatial axis."""

_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


_local = threading.local()


class _Buffers:
    """One thread's scratch buffers by name (an object, so a weak set can hold it)."""

    __slots__ = ("__weakref__", "arrays")

    def __init__(self) -> None:
        self.arrays: dict[str, npt.NDArray[np.uint8]] = {}


_caches: weakref.WeakSet[_Buffers] = weakref.WeakSet()  # live threads', for clear_workspace


def workspace(name: str, size: int, dtype: np.dtype[Any]) -> npt.NDArray[Any]:
    """A flat scratch array of *size* elements, reused by later calls on this thread (each
    worker thread keeps its own).

    Fresh multi-megabyte allocations are served by ``mmap`` and page-fault on first touch,
    which costs as much as the arithmetic for a mid-sized layer; reusing the chunk buffers
    avoids that. At most :data:`CHUNK_BUDGET` bytes per name are kept;
    :func:`clear_workspace` frees them.
    """
    mine: _Buffers | None = getattr(_local, "buffers", None)
    if mine is None:
        mine = _local.buffers = _Buffers()
        with _pool_lock:
            _caches.add(mine)
    cache = mine.arrays
    nbytes = size * dtype.itemsize
    held = cache.get(name)
    if held is None or held.nbytes < nbytes:
        check_memory([(f"a chunk's {name} workspace", nbytes)])
        held = np.empty(max(nbytes, 16), dtype=np.uint8)
        if nbytes <= CHUNK_BUDGET:
            cache[name] = held
    return held[:nbytes].view(dtype)


def clear_workspace() -> None:
    """Free the cached scratch buffers of every thread (a chunk running now keeps its own)."""
    with _pool_lock:
        for cache in list(_caches):
            cache.arrays.clear()


def threads() -> int:
    """Worker threads for elementwise chunks: ``CONVCALC_NUM_THREADS`` or the CPU count."""
    env = os.environ.get("CONVCALC_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return os.cpu_count() or 1


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=max(threads() - 1, 1), thread_name_prefix="convcalc"
            )
        return _pool


def run_chunks(job: Callable[[T], None], chunks: Sequence[T], elements: int) -> None:
    """Run *job* on every chunk; on worker threads when the work is large (NumPy releases
    the GIL inside ufunc loops and copies, so elementwise chunks run in parallel)."""
    job = counted(job, chunks, elements)
    if _worth_threads(chunks, elements):
        _parallel(job, chunks)
    else:
        for chunk in chunks:
            job(chunk)


def run_gemm_chunks(job: Callable[[T], None], chunks: Sequence[T], elements: int) -> None:
    """Run *job* (copies plus a GEMM) on every chunk: side by side on the worker threads,
    with OpenBLAS held to one thread, when the work is large and OpenBLAS can be held;
    else in order on this thread, the BLAS using its own threads."""
    job = counted(job, chunks, elements)
    if _worth_threads(chunks, elements):
        with one_thread_blas() as limited:
            if limited:
                _parallel(job, chunks)
                return
    for chunk in chunks:
        job(chunk)


def _worth_threads(chunks: Sequence[Any], elements: int) -> bool:
    """Whether work of *elements* in *chunks* is worth handing to the worker threads."""
    return len(chunks) >= 2 and elements >= PARALLEL_MIN_ELEMENTS and threads() >= 2


def _parallel(job: Callable[[T], None], chunks: Sequence[T]) -> None:
    """This thread and ``threads() − 1`` workers take chunks in turn until none are left.

    The calling thread works too, rather than sleeping while the workers run: woken by a
    thread about to sleep, both workers are often put on its core for the first
    milliseconds, which doubled the time of a short layer."""
    queue = iter(chunks)
    lock = threading.Lock()
    failed = False

    def drain() -> None:
        nonlocal failed
        while True:
            with lock:
                chunk = None if failed else next(queue, None)
            if chunk is None:
                return
            try:
                job(chunk)
            except BaseException:
                failed = True  # no new chunks start
                raise

    helpers = [_executor().submit(drain) for _ in range(min(threads(), len(chunks)) - 1)]
    try:
        drain()
    finally:
        for helper in helpers:
            helper.result()  # started chunks finish before this returns or raises


def split(count: int, parts: int) -> list[tuple[int, int]]:
    """``range(count)`` cut into at most *parts* contiguous ``(start, stop)`` pieces.

    >>> split(5, 2)
    [(0, 2), (2, 5)]
    """
    parts = max(1, min(parts, count))
    edges = [count * i // parts for i in range(parts + 1)]
    return [(edges[i], edges[i + 1]) for i in range(parts)]


def plan_chunks(images: int, rows: int, row_bytes: int, target: int) -> list[Chunk]:
    """Split ``images × rows`` into chunks whose temporaries take about *target* bytes.

    Whole images are grouped when one fits; otherwise each image is cut into row bands
    (at least one row each).

    >>> plan_chunks(4, 10, 100, 2000)
    [(0, 2, 0, 10), (2, 4, 0, 10)]
    >>> plan_chunks(1, 10, 100, 450)
    [(0, 1, 0, 4), (0, 1, 4, 8), (0, 1, 8, 10)]
    """
    image_bytes = rows * row_bytes
    if image_bytes <= target:
        per = max(1, target // max(image_bytes, 1))
        return [(n, min(n + per, images), 0, rows) for n in range(0, images, per)]
    band = max(1, target // max(row_bytes, 1))
    return [(n, n + 1, r, min(r + band, rows)) for n in range(images) for r in range(0, rows, band)]


def tap_span(count: int, limit: int, stride: int, offset: int) -> tuple[int, int]:
    """The indices ``j`` in ``[0, count)`` with ``0 ≤ j·stride + offset < limit``, as a
    half-open ``(first, stop)`` (empty: ``first ≥ stop``).

    Forward windows: ``j`` = output, ``offset = t·d − pad_low`` (input index of tap *t*).
    Transposed: ``j`` = input, the same offset gives the output index.

    >>> tap_span(5, 5, 1, -1)     # tap 0 of a 3-wide 'same' window: output 0 reads padding
    (1, 5)
    >>> tap_span(3, 5, 2, 2)      # outputs 0, 1 read inputs 2, 4; output 2 would read 6
    (0, 2)
    """
    first = max(0, ceil_div(-offset, stride))
    stop = min(count, (limit - 1 - offset) // stride + 1)
    return first, max(stop, first)


def compute_dtype(x: npt.NDArray[Any], what: str = "input") -> np.dtype[np.floating[Any]]:
    """float32/float64 as given; float16 computes in float32; integers and bool in float64.

    >>> compute_dtype(np.zeros(2, np.int32))
    dtype('float64')
    """
    kind = x.dtype.kind
    if kind == "f":
        if x.dtype.itemsize >= 8:
            return np.dtype(np.float64)
        return np.dtype(np.float32)
    if kind in "biu":
        return np.dtype(np.float64)
    raise ArrayFormatError(
        f"the {what} has dtype {x.dtype}; convcalc computes on real numbers "
        "(float32, float64, integers or bool)"
    )


def as_compute(x: npt.ArrayLike, dtype: np.dtype[Any] | None, what: str) -> FloatArray:
    """*x* as an ndarray of the compute dtype (no copy when it already is)."""
    try:
        array = np.asarray(x)
    except ValueError as exc:
        raise ArrayFormatError(f"the {what} is not a rectangular array: {exc}") from None
    if array.dtype == object:
        raise ArrayFormatError(f"the {what} is not a rectangular array of numbers")
    target = compute_dtype(array, what) if dtype is None else dtype
    if array.dtype.kind not in "biuf":
        compute_dtype(array, what)
    return array.astype(target, copy=False)


def plain_ints(value: Any) -> Any:
    """NumPy integers (also inside sequences) as Python ints, and NumPy bools as Python
    bools, for the shape engine.

    >>> plain_ints((np.int64(2), [np.int32(1), 3], np.True_))
    (2, [1, 3], True)
    """
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.ndarray):
        return plain_ints(value.tolist())
    if isinstance(value, tuple):
        return tuple(plain_ints(v) for v in value)
    if isinstance(value, list):
        return [plain_ints(v) for v in value]
    return value


_P = ParamSpec("_P")
_R = TypeVar("_R")


def call_engine(planner: Callable[_P, _R], *args: _P.args, **kwargs: _P.kwargs) -> _R:
    """Call the shape engine's *planner* (``conv_plan``, ``pool_plan``, ...) with every
    argument made :func:`plain_ints` first: NumPy integers from arrays and callers become
    Python ints where the sizes enter the engine.

    >>> from convcalc.shape import conv_plan
    >>> call_engine(conv_plan, (np.int64(5),), np.int32(3), stride=np.int64(2)).output
    (2,)
    """
    plain = {name: plain_ints(value) for name, value in kwargs.items()}
    return cast("Callable[..., _R]", planner)(*plain_ints(args), **plain)


def ceil_div(a: int, b: int) -> int:
    """``ceil(a / b)`` for ints, ``b > 0``."""
    return -(-a // b)


def prod(values: Iterable[int]) -> int:
    """Product of ints (1 for none)."""
    result = 1
    for v in values:
        result *= v
    return result
