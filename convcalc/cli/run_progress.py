"""The progress bar of ``convcalc run`` on stderr: shown when a job has run for
:data:`DELAY` seconds and stderr is a terminal (chunks done, operations per second — the
multiply-adds of a convolution, the input cells of a pooling, the output cells of each
resize pass — and the time left), gone when it ends; silent otherwise. It follows the
executor's chunks through :func:`convcalc.execute.progress.progress_hook`. Rich is imported
when the bar appears.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

from convcalc.execute.progress import current_hook, progress_hook

__all__ = ["DELAY", "ProgressBar", "finish_progress", "progress_bar"]

DELAY = 1.0
"""Seconds a job runs before its bar appears (shorter jobs never show one)."""


class ProgressBar:
    """A :class:`~convcalc.execute.progress.ProgressHook` drawing a Rich progress bar on
    *console* (stderr by default) once the job has run *delay* seconds."""

    def __init__(self, console: Any = None, delay: float = DELAY) -> None:
        self.console = console
        self.delay = delay
        self.chunks = self.done = 0
        self.values = 0
        self._lock = threading.Lock()
        self._progress: Any = None
        self._task: Any = None
        self._timer: threading.Timer | None = None
        self._closed = False
        self._start = 0.0

    def add(self, chunks: int, elements: int) -> None:
        with self._lock:
            self.chunks += chunks
            if self._timer is None and self._progress is None and not self._closed:
                self._start = time.monotonic()
                self._timer = threading.Timer(self.delay, self._show)
                self._timer.daemon = True
                self._timer.start()
        self._update()

    def advance(self, chunks: int, elements: int) -> None:
        with self._lock:
            self.done += chunks
            self.values += elements
        self._update()

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        with self._lock:
            if self._closed:
                return
            console = self.console or Console(stderr=True)
            self._progress = Progress(
                TextColumn("running"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("chunks"),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self._task = self._progress.add_task("run", total=self.chunks, rate="")
            self._progress.start()
        self._update()

    def _update(self) -> None:
        progress = self._progress
        if progress is None:
            return
        elapsed = time.monotonic() - self._start
        rate = f"{rate_text(self.values / elapsed)} ops/s" if elapsed > 0 else ""
        progress.update(self._task, total=self.chunks, completed=self.done, rate=rate)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
        if self._progress is not None:
            self._progress.stop()


def rate_text(per_second: float) -> str:
    """A rate with an SI prefix.

    >>> rate_text(1234.0), rate_text(5.6e7), rate_text(12.0)
    ('1.23 k', '56 M', '12')
    """
    for prefix, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if per_second >= size:
            return f"{per_second / size:.3g} {prefix}"
    return f"{per_second:.3g}"


def finish_progress() -> None:
    """Take the current bar off the terminal (the result is about to be written)."""
    hook = current_hook()
    if isinstance(hook, ProgressBar):
        hook.close()


@contextlib.contextmanager
def progress_bar(stream: Any = None) -> Iterator[ProgressBar | None]:
    """A :class:`ProgressBar` following the executor inside the block when *stream*
    (stderr by default) is a terminal; nothing otherwise."""
    stream = sys.stderr if stream is None else stream
    try:
        terminal = bool(stream.isatty())
    except (AttributeError, ValueError):
        terminal = False
    if not terminal:
        yield None
        return
    bar = ProgressBar()
    try:
        with progress_hook(bar):
            yield bar
    finally:
        bar.close()
