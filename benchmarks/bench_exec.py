"""Benchmark the NumPy executor against PyTorch on fixed workloads (float32).

Run from the repository root (PyTorch optional; without it only convcalc's times print)::

    python benchmarks/bench_exec.py              # aligned table
    python benchmarks/bench_exec.py --markdown   # the README table

Both run in this process with the same number of threads (``--threads``, default 2: PyTorch
``set_num_threads``, OpenBLAS and convcalc's worker threads), on the same arrays, alternating
runs; the table shows medians. It also checks that the results agree, and measures the peak
memory of the ResNet layer with ``tracemalloc`` (NumPy reports its buffers to it).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THREADS_DEFAULT = 2
PAUSE = 0.3  # seconds between blocks: lets the other library's spinning threads go to sleep
WARMUP = 0.1  # seconds of untimed runs starting each block: idle cores take a while to wake


def _set_threads(n: int) -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    os.environ["CONVCALC_NUM_THREADS"] = str(n)


if __name__ == "__main__":  # thread counts must be set before NumPy loads BLAS
    _threads = THREADS_DEFAULT
    for _i, _arg in enumerate(sys.argv):
        if _arg == "--threads" and _i + 1 < len(sys.argv):
            _threads = int(sys.argv[_i + 1])
    _set_threads(_threads)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from convcalc.execute import (  # noqa: E402
    CHUNK_BUDGET,
    avg_pool,
    clear_workspace,
    conv,
    conv_transpose,
    max_pool,
)

Run = Callable[[], Any]


@dataclass
class Workload:
    name: str
    target: float
    flops: float
    ours: Run
    torch: Run | None


def _conv_flops(
    n: int, o: int, out: tuple[int, ...], per_group_in: int, k: tuple[int, ...]
) -> float:
    return 2.0 * n * o * float(np.prod(out)) * per_group_in * float(np.prod(k))


def workloads(torch: Any) -> list[Workload]:
    rng = np.random.default_rng(0)
    f32 = np.float32

    def arr(*shape: int) -> np.ndarray[Any, Any]:
        return rng.standard_normal(shape, dtype=f32)

    def t(a: np.ndarray[Any, Any]) -> Any:
        return None if torch is None else torch.from_numpy(a)

    F = None if torch is None else torch.nn.functional
    items: list[Workload] = []

    x, w = arr(8, 64, 56, 56), arr(64, 64, 3, 3)
    tx, tw = t(x), t(w)
    items.append(
        Workload(
            "conv 8×64×56×56, 64×3×3, s1, same (ResNet)",
            1.5,
            _conv_flops(8, 64, (56, 56), 64, (3, 3)),
            lambda: conv(x, w, padding="same", layout="nchw"),
            None if F is None else lambda: F.conv2d(tx, tw, padding=1),
        )
    )
    w2 = arr(128, 64, 3, 3)
    tw2 = t(w2)
    items.append(
        Workload(
            "conv 8×64×56×56 → 128×3×3, s2, pad 1",
            1.5,
            _conv_flops(8, 128, (28, 28), 64, (3, 3)),
            lambda: conv(x, w2, stride=2, padding=1, layout="nchw"),
            None if F is None else lambda: F.conv2d(tx, tw2, stride=2, padding=1),
        )
    )
    xd, wd = arr(8, 128, 56, 56), arr(128, 1, 3, 3)
    txd, twd = t(xd), t(wd)
    items.append(
        Workload(
            "depthwise 3×3 on 8×128×56×56, same",
            3.0,
            _conv_flops(8, 128, (56, 56), 1, (3, 3)),
            lambda: conv(xd, wd, padding="same", groups=128, layout="nchw"),
            None if F is None else lambda: F.conv2d(txd, twd, padding=1, groups=128),
        )
    )
    xt, wt = arr(8, 64, 28, 28), arr(64, 32, 4, 4)
    txt, twt = t(xt), t(wt)
    items.append(
        Workload(
            "conv_transpose 8×64×28×28 → 32×4×4, s2, p1",
            1.5,
            _conv_flops(8, 64, (28, 28), 32, (4, 4)),
            lambda: conv_transpose(xt, wt, stride=2, padding=1, layout="nchw"),
            None if F is None else lambda: F.conv_transpose2d(txt, twt, stride=2, padding=1),
        )
    )
    img, k5 = arr(2048, 2048), arr(5, 5)
    timg, tk5 = t(img.reshape(1, 1, 2048, 2048)), t(k5.reshape(1, 1, 5, 5))
    items.append(
        Workload(
            "image 2048×2048, 5×5, same",
            1.0,
            _conv_flops(1, 1, (2048, 2048), 1, (5, 5)),
            lambda: conv(img, k5, padding="same"),
            None if F is None else lambda: F.conv2d(timg, tk5, padding=2),
        )
    )
    sig, k101 = arr(10**6), arr(101)
    tsig, tk101 = t(sig.reshape(1, 1, -1)), t(k101.reshape(1, 1, -1))
    items.append(
        Workload(
            "signal 10⁶, kernel 101, valid",
            1.0,
            _conv_flops(1, 1, (10**6 - 100,), 1, (101,)),
            lambda: conv(sig, k101),
            None if F is None else lambda: F.conv1d(tsig, tk101),
        )
    )
    x3, w3 = arr(1, 16, 32, 32, 32), arr(16, 16, 3, 3, 3)
    tx3, tw3 = t(x3), t(w3)
    items.append(
        Workload(
            "conv3d 1×16×32³, 16×3×3×3, same",
            1.0,
            _conv_flops(1, 16, (32, 32, 32), 16, (3, 3, 3)),
            lambda: conv(x3, w3, padding="same", layout="ncdhw"),
            None if F is None else lambda: F.conv3d(tx3, tw3, padding=1),
        )
    )
    xp = arr(8, 64, 112, 112)
    txp = t(xp)
    items.append(
        Workload(
            "max pool 3×3/2, pad 1, 8×64×112×112",
            1.0,
            8 * 64 * 56 * 56 * 9.0,
            lambda: max_pool(xp, 3, stride=2, padding=1, layout="nchw"),
            None if F is None else lambda: F.max_pool2d(txp, 3, 2, 1),
        )
    )
    items.append(
        Workload(
            "avg pool 2×2/2, 8×64×112×112",
            1.0,
            8 * 64 * 56 * 56 * 4.0,
            lambda: avg_pool(xp, 2, layout="nchw"),
            None if F is None else lambda: F.avg_pool2d(txp, 2, 2),
        )
    )
    return items


def _time(fn: Run) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _block(fn: Run, count: int) -> list[float]:
    time.sleep(PAUSE)
    start = time.perf_counter()
    while time.perf_counter() - start < WARMUP:
        fn()
    return [_time(fn) for _ in range(count)]


def measure(item: Workload, repeats: int, torch: Any) -> tuple[float, float | None, float | None]:
    """(median ours, median torch, max relative difference)."""
    ours = item.ours()
    diff = None
    if item.torch is not None:
        with torch.no_grad():
            ref = item.torch().numpy()
        scale = float(np.max(np.abs(ref))) or 1.0
        diff = float(np.max(np.abs(np.asarray(ours).reshape(ref.shape) - ref))) / scale
    mine: list[float] = []
    theirs: list[float] = []
    # Blocks of runs, alternating between the two libraries, with a pause and 0.1 s of
    # untimed runs before each block: after a call, each library's worker threads keep
    # spinning for a while (OpenBLAS up to ~0.1 s, OpenMP too) and would slow the other
    # library down on a 2-core machine if single runs alternated; and on this VM a core idle
    # for the pause runs a few calls slowly before it is back at speed.
    block = max(1, repeats // 3)
    while len(mine) < repeats:
        mine.extend(_block(item.ours, block))
        if item.torch is not None:
            with torch.no_grad():
                theirs.extend(_block(item.torch, block))
    return (
        statistics.median(mine),
        statistics.median(theirs) if theirs else None,
        diff,
    )


def peak_memory() -> tuple[float, float]:
    """(peak MiB of the ResNet layer's conv, allowed MiB = 2·(in + out + w) + budget)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((8, 64, 56, 56), dtype=np.float32)
    w = rng.standard_normal((64, 64, 3, 3), dtype=np.float32)
    conv(x, w, padding="same", layout="nchw")
    clear_workspace()  # count the chunk buffers too
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    out = conv(x, w, padding="same", layout="nchw")
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    allowed = 2 * (x.nbytes + out.nbytes + w.nbytes) + CHUNK_BUDGET
    return peak / 2**20, allowed / 2**20


def machine(threads: int, torch: Any) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    parts = [
        f"{cpu}, {os.cpu_count()} cores, {threads} threads",
        f"Python {platform.python_version()}, NumPy {np.__version__}",
    ]
    if torch is not None:
        parts.append(f"PyTorch {torch.__version__}")
    return "; ".join(parts)


def blas_kernel() -> tuple[str, str | None]:
    """Which BLAS library and kernel NumPy runs (threadpoolctl), and a warning when the
    environment forces the kernel: ``OPENBLAS_CORETYPE=Haswell`` halves OpenBLAS' GEMM speed
    on AVX-512 machines, so published figures are taken with it unset in that one command
    (``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_exec.py``)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS: unknown (pip install threadpoolctl to name it)", None
    blas = [lib for lib in threadpool_info() if lib.get("user_api") == "blas"]
    names = [
        f"{lib.get('internal_api')} {lib.get('version')}, kernel {lib.get('architecture', '?')}"
        for lib in blas
    ]
    line = "BLAS: " + ("; ".join(names) or "none found")
    forced = {
        v: os.environ[v] for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if v in os.environ
    }
    warning = None
    if forced:
        settings = " ".join(f"{k}={v}" for k, v in forced.items())
        warning = (
            f"warning: {settings} forces the OpenBLAS kernel; these figures are not the "
            "machine's. Publish figures from: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "
            "python benchmarks/bench_exec.py"
        )
    return line, warning


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--threads", type=int, default=THREADS_DEFAULT)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--only", help="run only workloads whose name contains this text")
    args = parser.parse_args()
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None
    blas, warning = blas_kernel()
    print(blas if not args.markdown else f"{blas}.", flush=True)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    rows = []
    for item in workloads(torch):
        if args.only and args.only not in item.name:
            continue
        ours, theirs, diff = measure(item, args.repeats, torch)
        ratio = None if theirs is None else ours / theirs
        rows.append((item, ours, theirs, ratio, diff))
        if not args.markdown:
            _print_row(item, ours, theirs, ratio, diff)
    peak, allowed = peak_memory()
    if args.markdown:
        print("| workload | convcalc ms | GFLOP/s | torch ms | GFLOP/s | ratio | target |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for item, ours, theirs, ratio, _ in rows:
            t_ms = "—" if theirs is None else f"{theirs * 1e3:.1f}"
            t_gf = "—" if theirs is None else f"{item.flops / theirs / 1e9:.1f}"
            r = "—" if ratio is None else f"{ratio:.2f}"
            mark = "" if ratio is None else (" ✔" if ratio <= item.target else " ✘")
            print(
                f"| {item.name} | {ours * 1e3:.1f} | {item.flops / ours / 1e9:.1f} | {t_ms} | "
                f"{t_gf} | {r}{mark} | ≤ {item.target:g} |"
            )
        print()
        print(f"Peak memory of the ResNet layer: {peak:.1f} MiB (allowed {allowed:.1f} MiB).")
        print(f"Machine: {machine(args.threads, torch)}.")
    else:
        print(f"peak memory (ResNet layer): {peak:.1f} MiB, allowed {allowed:.1f} MiB")
        print(machine(args.threads, torch))


def _print_row(
    item: Workload, ours: float, theirs: float | None, ratio: float | None, diff: float | None
) -> None:
    gf = item.flops / ours / 1e9
    text = f"{item.name:46s} {ours * 1e3:8.2f} ms {gf:7.1f} GF/s"
    if theirs is not None and ratio is not None:
        verdict = "ok" if ratio <= item.target else "MISS"
        text += (
            f" | torch {theirs * 1e3:8.2f} ms {item.flops / theirs / 1e9:7.1f} GF/s"
            f" | ratio {ratio:5.2f} (≤ {item.target:g}) {verdict} | rel diff {diff:.1e}"
        )
    print(text, flush=True)


if __name__ == "__main__":
    main()
