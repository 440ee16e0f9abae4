"""Benchmark ``convcalc run resize``'s executor against ``torch.nn.functional.interpolate``.

Run from the repository root (PyTorch optional; without it only convcalc's times print)::

    python benchmarks/bench_resize.py

Workloads (float32, issue 16): 8×64×112×112 bilinear ×2, and a 2048² bicubic ×0.5 with
antialias. Per workload, ``--rounds`` interleaved rounds of ``--repeat`` runs of each library; the
ratio is the median of the rounds' ratios (range in brackets), and the results are
checked to agree. The first line names the machine and the BLAS kernel that ran.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
from bench_exec import blas_kernel, machine

from convcalc.execute.resize import resize

WORKLOADS: list[tuple[str, tuple[int, ...], dict[str, Any], dict[str, Any]]] = [
    ("8×64×112×112 bilinear ×2", (8, 64, 112, 112),
     {"scale": (2.0, 2.0), "mode": "linear", "layout": "nchw"},
     {"scale_factor": 2.0, "mode": "bilinear"}),
    ("2048² bicubic ×0.5 antialias", (1, 1, 2048, 2048),
     {"scale": (0.5, 0.5), "mode": "cubic", "layout": "nchw", "antialias": True},
     {"scale_factor": 0.5, "mode": "bicubic", "antialias": True}),
]  # fmt: skip


def median_time(run: Callable[[], Any], repeat: int) -> float:
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare(
    ours: Callable[[], Any], theirs: Callable[[], Any] | None, rounds: int, repeat: int
) -> tuple[list[float], list[float]]:
    """Per round, the median of *repeat* runs of each, the two interleaved round by round
    so that a burst of load elsewhere on the machine hits both libraries alike."""
    mine: list[float] = []
    ref: list[float] = []
    for _ in range(rounds):
        mine.append(median_time(ours, repeat))
        if theirs is not None:
            ref.append(median_time(theirs, repeat))
    return mine, ref


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch threads")
    args = parser.parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(args.threads)
    blas, warning = blas_kernel()
    print(f"{date.today()}; {machine(args.threads, torch)}\n{blas}")
    if warning:
        print(warning.replace("bench_exec.py", "bench_resize.py"))
    rng = np.random.default_rng(0)
    for name, shape, ours, theirs in WORKLOADS:
        x = rng.standard_normal(shape).astype(np.float32)
        run_ours = functools.partial(resize, x, **ours)
        run_theirs = None
        if torch is not None:
            run_theirs = functools.partial(F.interpolate, torch.from_numpy(x), **theirs)
        mine, ref = compare(run_ours, run_theirs, args.rounds, args.repeat)
        line = f"{name:<30} convcalc {statistics.median(mine) * 1000:7.1f} ms"
        if run_theirs is not None:
            ratios = sorted(m / r for m, r in zip(mine, ref, strict=True))
            gap = float(np.max(np.abs(run_ours() - run_theirs().numpy())))
            line += (
                f"   torch {statistics.median(ref) * 1000:7.1f} ms"
                f"   ratio {statistics.median(ratios):.2f} ({ratios[0]:.2f}–{ratios[-1]:.2f})"
                f"   max |Δ| {gap:.2g}"
            )
        print(line)


if __name__ == "__main__":
    main()
