"""One-thread BLAS for the duration of a layer, so the executor's own worker threads can run
whole chunks (copy + GEMM) side by side.

A chunk's im2col copy is single-threaded NumPy; its GEMM uses every BLAS thread. Run one
after the other, a core idles during each copy. With OpenBLAS limited to one thread, two
workers each copy and multiply their own chunks and both cores stay busy (the stride-2
ResNet layer of ``benchmarks/bench_exec.py`` went from about 7.3 to 6.4 ms on 2 cores).

OpenBLAS — what NumPy's wheels ship, and what most Linux NumPy builds link — is found among
the libraries the process has loaded, and its ``get/set_num_threads`` are called through
:mod:`ctypes` (as ``threadpoolctl`` does). Its thread count is process-wide: while a layer
runs, BLAS calls made by other threads run on one thread too; the count is restored when the
last running layer ends. With any other BLAS, or ``CONVCALC_NUM_THREADS=1``, chunks run one
after the other on the calling thread with the BLAS' own threads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np

__all__ = ["one_thread_blas"]

# (getter, setter) as exported by NumPy's scipy-openblas wheels, older 64-bit-index
# builds, and plain OpenBLAS.
_SYMBOLS = (
    ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
    ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
    ("openblas_get_num_threads", "openblas_set_num_threads"),
)

_lock = threading.Lock()
_active = 0
_saved = 0


@contextmanager
def one_thread_blas() -> Iterator[bool]:
    """Limit OpenBLAS to one thread inside the block; yield whether that was possible.

    Nested and concurrent uses are counted: the first saves the thread count, the last
    restores it.

    >>> with one_thread_blas() as limited:
    ...     isinstance(limited, bool)
    True
    """
    control = _openblas()
    if control is None:
        yield False
        return
    get, set_ = control
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = get()
            set_(1)
        _active += 1
    try:
        yield True
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                set_(_saved)


@cache
def _openblas() -> tuple[Callable[[], int], Callable[[int], None]] | None:
    """OpenBLAS' thread getter and setter, if NumPy's BLAS is an OpenBLAS this process has
    loaded."""
    import ctypes

    # RTLD_NOLOAD: only a library already loaded (the one NumPy uses), never a second copy.
    mode = getattr(os, "RTLD_NOLOAD", 0) | getattr(os, "RTLD_LAZY", 0)
    for path in _loaded_candidates():
        try:
            lib = ctypes.CDLL(str(path), mode=mode)
        except OSError:
            continue
        for get_name, set_name in _SYMBOLS:
            get = getattr(lib, get_name, None)
            set_ = getattr(lib, set_name, None)
            if get is not None and set_ is not None:
                get.restype, get.argtypes = ctypes.c_int, []
                set_.restype, set_.argtypes = None, [ctypes.c_int]
                if get() >= 1:
                    return get, set_
    return None


def _loaded_candidates() -> list[Path]:
    """Paths of OpenBLAS libraries: mapped into this process (Linux), or bundled with the
    NumPy wheel (``numpy.libs``, ``numpy/.dylibs``)."""
    found: list[Path] = []
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = Path(line.split()[-1])
                if path.is_absolute() and "openblas" in path.name.lower() and path not in found:
                    found.append(path)
    except OSError:
        pass
    root = Path(np.__file__).parent
    for folder in (root.parent / "numpy.libs", root / ".dylibs"):
        if folder.is_dir():
            found.extend(sorted(p for p in folder.iterdir() if "openblas" in p.name.lower()))
    return list(dict.fromkeys(found))
