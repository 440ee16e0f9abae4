"""The progress hook of the executor and ``run``'s progress bar (issue 20): every planned
chunk is reported done; the bar appears on a terminal after its delay and is silent
elsewhere; without a hook the chunk loops run the job itself."""

from __future__ import annotations

import io
import time
from typing import Any

import numpy as np
import pytest
from rich.console import Console

from convcalc import execute
from convcalc.cli.run_progress import ProgressBar, progress_bar
from convcalc.execute.progress import counted, current_hook, progress_hook
from convcalc.execute.resize import resize


class Recorder:
    def __init__(self) -> None:
        self.planned = self.done = self.planned_ops = self.done_ops = 0

    def add(self, chunks: int, elements: int) -> None:
        self.planned += chunks
        self.planned_ops += elements

    def advance(self, chunks: int, elements: int) -> None:
        self.done += chunks
        self.done_ops += elements


X = np.random.default_rng(0).random((2, 3, 300, 200))


@pytest.mark.parametrize(
    "layer",
    [
        lambda: execute.conv(X, np.ones((4, 3, 3, 3)), padding="same", layout="nchw"),
        lambda: execute.conv(X[0, 0], np.ones((5, 5)), padding="same"),
        lambda: execute.conv_transpose(X, np.ones((3, 2, 3, 3)), stride=2, layout="nchw"),
        lambda: execute.max_pool(X, (3, 3), stride=2, layout="nchw"),
        lambda: execute.avg_pool(X, (2, 2), layout="nchw"),
        lambda: resize(X, scale=(2.0, 2.0), mode="linear", layout="nchw"),
    ],
    ids=["conv", "conv-plain", "deconv", "maxpool", "avgpool", "resize"],
)
def test_every_planned_chunk_is_reported_done(layer: Any) -> None:
    with progress_hook(Recorder()) as seen:
        layer()
    assert seen.planned >= 1
    assert seen.done == seen.planned
    assert 0 < seen.done_ops <= seen.planned_ops
    assert current_hook() is None


def test_without_a_hook_the_job_runs_itself() -> None:
    def job(chunk: int) -> None:
        pass

    assert counted(job, [1, 2], 10) is job


def test_the_bar_appears_after_its_delay_on_a_terminal() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=100, color_system=None)
    bar = ProgressBar(console, delay=0.1)

    def slow(chunk: int) -> None:
        time.sleep(0.05)

    with progress_hook(bar):
        step = counted(slow, list(range(10)), 10_000)
        for chunk in range(10):
            step(chunk)
    bar.close()
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "/10 chunks" in text and "ops/s" in text


def test_a_quick_job_shows_nothing() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    bar = ProgressBar(console, delay=1.0)
    with progress_hook(bar):
        execute.conv(X[0, 0], np.ones((3, 3)))
    bar.close()
    assert console.file.getvalue() == ""  # type: ignore[attr-defined]


def test_no_bar_when_stderr_is_not_a_terminal() -> None:
    with progress_bar(io.StringIO()) as bar:
        assert bar is None and current_hook() is None


def test_the_bar_is_gone_before_the_result_is_written() -> None:
    from convcalc.cli.run_progress import finish_progress

    bar = ProgressBar(Console(file=io.StringIO(), force_terminal=True), delay=0.0)
    with progress_hook(bar):
        bar.add(2, 10)
        time.sleep(0.05)
        assert bar._progress is not None and bar._progress.live.is_started
        finish_progress()
        assert not bar._progress.live.is_started
        bar.add(1, 5)  # no new bar once closed
        time.sleep(0.05)
        assert bar._timer is not None and not bar._progress.live.is_started
