"""Start-up cost of a shape query against a bare ``python -c "import click"``.

Run: ``python benchmarks/startup.py [--runs 30]``. Each command is started as a fresh process
``runs`` times (after one warm-up) and the median wall time is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMANDS = {
    'python -c "import click"': [sys.executable, "-c", "import click"],
    "convcalc shape conv ... --json": [
        sys.executable,
        "-m",
        "convcalc",
        "shape",
        "conv",
        "-i",
        "224x224",
        "-k",
        "7",
        "-s",
        "2",
        "-p",
        "same",
        "--json",
    ],
    "convcalc shape conv ... (table)": [
        sys.executable,
        "-m",
        "convcalc",
        "shape",
        "conv",
        "-i",
        "224x224",
        "-k",
        "7",
        "-s",
        "2",
        "-p",
        "same",
    ],
    'python -c "import numpy"': [sys.executable, "-c", "import numpy"],
}


def median_seconds(argv: list[str], runs: int) -> float:
    # Byte-code caches on, as after `pip install`; the warm-up run writes them.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(argv, check=True, capture_output=True, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    base = None
    print(f"{'command':34} {'median ms':>10} {'× import click':>15}")
    for name, argv in COMMANDS.items():
        seconds = median_seconds(argv, runs)
        base = base or seconds
        print(f"{name:34} {seconds * 1000:10.1f} {seconds / base:15.2f}")


if __name__ == "__main__":
    main()
