"""The executor's memory limit: sizes are computed before arrays are allocated, and a layer
whose output (or padded input, or one chunk's workspace) would not fit is refused with a
:class:`~convcalc.errors.MemoryLimitError` naming the size, instead of a NumPy
``MemoryError`` or an allocation that drives the machine into swap.

The limit is :data:`DEFAULT_MAX_MEMORY` or :func:`available_memory` (what the OS reports
as available, within the process' address-space cap), whichever is less, unless set with
:func:`memory_limit` (the CLI's ``run --max-memory``). It applies to the whole process.

>>> with memory_limit(1024):  # doctest: +ELLIPSIS
...     check_memory([("the output", 8 * 256)])
Traceback (most recent call last):
...
convcalc.errors.MemoryLimitError: the output needs 2 KiB, more than the memory limit of 1 KiB ...
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator, Sequence

from convcalc.errors import MemoryLimitError

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "FALLBACK_MEMORY",
    "array_bytes",
    "available_memory",
    "check_memory",
    "current_limit",
    "format_bytes",
    "memory_limit",
    "output_parts",
    "per_output_cell",
    "reserve",
]

DEFAULT_MAX_MEMORY = 4 * 2**30
"""The default limit (4 GiB) when that much memory is available: enough for any array a
calculator reads from text, and a refusal within seconds rather than minutes of zero-filling
or swapping; ``run --max-memory`` raises it."""

FALLBACK_MEMORY = 4 * 2**30
"""Taken as available when the OS does not say (no ``/proc/meminfo``, no sysconf)."""

_explicit: int | None = None
_cached: tuple[float, int] = (-1.0, 0)
_lock = threading.Lock()
_reserved = 0  # bytes of the arrays held by layers running now (see reserve)
_per_cell: tuple[str, int] | None = None  # what the caller will make of each output cell


def available_memory() -> int:
    """Bytes this process can still allocate: ``MemAvailable`` from ``/proc/meminfo`` (else
    the available physical pages, else :data:`FALLBACK_MEMORY`), no more than the headroom
    under an address-space cap (``RLIMIT_AS``) when one is set."""
    avail = _meminfo_available()
    cap = _address_space_cap()
    if cap is not None:
        avail = min(avail, max(cap - _address_space(), 0))
    return avail


def _address_space_cap() -> int | None:
    """The soft ``RLIMIT_AS`` in bytes, or ``None`` when there is none."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        return None
    return None if soft == resource.RLIM_INFINITY or soft <= 0 else soft


def _meminfo_available() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return FALLBACK_MEMORY


def _address_space() -> int:
    """Bytes of address space this process uses now (``/proc/self/statm``), else 0."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def current_limit() -> int:
    """The limit in bytes: the one set by :func:`memory_limit`, else
    :data:`DEFAULT_MAX_MEMORY` or the available memory (re-read at most once a second),
    whichever is less."""
    global _cached
    if _explicit is not None:
        return _explicit
    now = time.monotonic()
    if now - _cached[0] > 1.0:
        _cached = (now, min(DEFAULT_MAX_MEMORY, available_memory()))
    return _cached[1]


@contextlib.contextmanager
def memory_limit(nbytes: int | None) -> Iterator[None]:
    """Set the limit in bytes (``None``: the default) for the calls inside the block."""
    global _explicit
    saved, _explicit = _explicit, nbytes
    try:
        yield
    finally:
        _explicit = saved


def check_memory(parts: Sequence[tuple[str, int]]) -> None:
    """Refuse when the arrays *parts* (``(what, bytes)``), with those of the layers running
    now, exceed the limit; the message names the largest part."""
    held = [("the arrays already held", _reserved)] if _reserved else []
    total = sum(size for _, size in [*parts, *held])
    limit = current_limit()
    if total <= limit:
        return
    what, size = max([*parts, *held], key=lambda part: part[1])
    needs = f"{what} needs {format_bytes(size)}"
    if format_bytes(size) != format_bytes(total):
        needs += f" ({format_bytes(total)} in all)"
    raise MemoryLimitError(
        f"{needs}, more than the memory limit of {format_bytes(limit)} (--max-memory)"
    )


@contextlib.contextmanager
def reserve(parts: Sequence[tuple[str, int]]) -> Iterator[None]:
    """Check *parts* (:func:`check_memory`), then count them as held inside the block, so
    that the workspaces allocated meanwhile are checked against what is left."""
    global _reserved
    total = sum(size for _, size in parts)
    with _lock:
        check_memory(parts)
        _reserved += total
    try:
        yield
    finally:
        with _lock:
            _reserved -= total


def array_bytes(what: str, shape: Sequence[int], itemsize: int) -> tuple[str, int]:
    """``(label, bytes)`` of an array about to be allocated, for :func:`check_memory`.

    >>> array_bytes("the output", (1, 1, 199999, 199999), 8)
    ('the output (1×1×199999×199999 cells)', 319996800008)
    """
    cells = 1
    for size in shape:
        cells *= size
    return f"{what} ({'×'.join(map(str, shape))} cells)", cells * itemsize


def output_parts(shape: Sequence[int], itemsize: int, copies: int = 1) -> list[tuple[str, int]]:
    """The output array of a layer (*copies* 2: channels-last, converted from the
    channels-first result), for :func:`reserve`.

    >>> output_parts((2, 3), 4, copies=2)
    [('the output (2×3 cells)', 24), ('its channels-last copy', 24)]
    """
    label, size = array_bytes("the output", shape, itemsize)
    parts = [(label, size)] + [("its channels-last copy", size)] * (copies - 1)
    if _per_cell is not None:
        cells = label[label.index("(") :]
        parts.append((f"{_per_cell[0]} {cells}", size // itemsize * _per_cell[1]))
    return parts


@contextlib.contextmanager
def per_output_cell(what: str, nbytes: int) -> Iterator[None]:
    """Inside the block, count *nbytes* more per output cell (*what*: e.g. the text the
    CLI will format), so that a result that could not be written is refused before it is
    computed."""
    global _per_cell
    saved, _per_cell = _per_cell, (what, nbytes)
    try:
        yield
    finally:
        _per_cell = saved


def format_bytes(nbytes: int) -> str:
    """A byte count in binary units, three significant digits.

    >>> format_bytes(512), format_bytes(3 * 2**29), format_bytes(298 * 2**30 + 2**28)
    ('512 B', '1.5 GiB', '298 GiB')
    """
    size = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if size < 1024 or unit == "PiB":
            break
        size /= 1024
    text = f"{size:.3g}" if size < 1000 else f"{size:.0f}"
    if "e" in text:
        text = f"{size:.0f}"
    return f"{text} {unit}"
