"""Progress of the executor's work, chunk by chunk, for a caller that wants to show it (the
CLI's progress bar on a terminal): a hook set with :func:`progress_hook` is told how many
chunks a layer's passes plan (:meth:`ProgressHook.add`) and each chunk done
(:meth:`ProgressHook.advance`, from whichever thread ran it). With no hook set (the
default) the chunk loops run unchanged.

>>> class Count:
...     def __init__(self): self.planned = self.done = 0
...     def add(self, chunks, elements): self.planned += chunks
...     def advance(self, chunks, elements): self.done += chunks
>>> from convcalc.execute import conv
>>> with progress_hook(Count()) as seen:
...     _ = conv([[1.0, 2.0, 3.0]] * 3, [[1.0]])
>>> seen.planned == seen.done >= 1
True
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar

__all__ = ["ProgressHook", "counted", "current_hook", "progress_hook"]

T = TypeVar("T")
H = TypeVar("H", bound="ProgressHook")


class ProgressHook(Protocol):
    def add(self, chunks: int, elements: int) -> None:
        """*chunks* more chunks are planned, of *elements* multiply-adds (or cells) in all."""

    def advance(self, chunks: int, elements: int) -> None:
        """*chunks* chunks of *elements* in all are done (called from worker threads)."""


_hook: ProgressHook | None = None


@contextlib.contextmanager
def progress_hook(hook: H) -> Iterator[H]:
    """Report the chunks run inside the block to *hook*."""
    global _hook
    saved, _hook = _hook, hook
    try:
        yield hook
    finally:
        _hook = saved


def current_hook() -> ProgressHook | None:
    return _hook


def counted(job: Callable[[T], None], chunks: Sequence[T], elements: int) -> Callable[[T], None]:
    """*job*, reporting each chunk to the current hook (*job* itself when there is none)."""
    hook = _hook
    if hook is None or not chunks:
        return job
    share = elements // len(chunks)
    hook.add(len(chunks), elements)

    def job_counted(chunk: T) -> None:
        job(chunk)
        hook.advance(1, share)

    return job_counted
