"""Benchmark ``convcalc run resize``'s executor against ``torch.nn.functional.interpolate``.

Run from the repository root (PyTorch optional; without it only convcalc's times print)::

    python benchmarks/bench_resize.py

Workloads (float32, issue 16): 8×64×112×112 bilinear ×2, and a 2048² bicubic ×0.5 with
antialias. Medians of ``--repeat`` runs; the results are also checked to agree.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2, help="PyTorch threads")
    args = parser.parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        torch = None
    if torch is not None:
        torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    for name, shape, ours, theirs in WORKLOADS:
        x = rng.standard_normal(shape).astype(np.float32)
        mine = median_time(functools.partial(resize, x, **ours), args.repeat)
        line = f"{name:<32} convcalc {mine * 1000:8.1f} ms"
        if torch is not None:
            tx = torch.from_numpy(x)
            ref = median_time(functools.partial(F.interpolate, tx, **theirs), args.repeat)
            gap = float(np.max(np.abs(resize(x, **ours) - F.interpolate(tx, **theirs).numpy())))
            line += f"   torch {ref * 1000:8.1f} ms   ratio {mine / ref:5.2f}   max |Δ| {gap:.2g}"
        print(line)


if __name__ == "__main__":
    main()
