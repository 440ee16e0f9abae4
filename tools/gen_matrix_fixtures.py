"""Generate golden matrix fixtures: ``C`` as PyTorch computes it, the Jacobian ``∂y/∂x``.

Run from the repository root with a virtualenv that has ``torch==2.13.0`` (CPU) installed::

    /path/to/venv-with-torch/bin/python tools/gen_matrix_fixtures.py

It writes ``tests/fixtures/matrix.json`` (override with ``--out PATH``), deterministic for a
given PyTorch version (fixed seed, no timestamps). Each case is one layer on a batch-1,
1-channel input, in float64, with small integer weights (so every entry is exact):

* ``op``: ``conv`` (``F.conv{n}d`` after ``F.pad`` with the explicit ``padding`` pairs),
  ``deconv`` (``F.conv_transpose{n}d`` with symmetric ``padding`` and ``output_padding``) or
  ``avg_pool`` (``F.avg_pool{n}d`` with symmetric ``padding``, ``ceil_mode`` and
  ``count_include_pad``);
* ``input``, ``kernel_size``, ``stride``, ``dilation``, ``padding`` (``[before, after]`` per
  axis), and ``weights`` (the kernel, nested lists) for conv and deconv;
* ``matrix``: ``torch.autograd.functional.jacobian`` of the layer at a random input,
  flattened to (output cells) × (input cells), row-major: the layer's ``C``.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

SEED = 20261205
REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "tests" / "fixtures" / "matrix.json"
CASES_PER_OP = 30


def _axes(rng: random.Random, ndim: int, low: int, high: int) -> list[int]:
    return [rng.randint(low, high) for _ in range(ndim)]


def _jacobian(fn: Any, shape: list[int]) -> list[list[float]]:
    x = torch.rand([1, 1, *shape], dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(fn, x)
    rows = math.prod(jac.shape[: jac.dim() // 2])
    return jac.reshape(rows, math.prod(shape)).tolist()  # type: ignore[no-any-return]


def conv_case(rng: random.Random, ndim: int) -> dict[str, Any] | None:
    shape, kernel = _axes(rng, ndim, 1, 7), _axes(rng, ndim, 1, 4)
    stride, dilation = _axes(rng, ndim, 1, 3), _axes(rng, ndim, 1, 2)
    pads = [[rng.randint(0, 2), rng.randint(0, 2)] for _ in range(ndim)]
    weights = torch.tensor(
        [rng.randint(-4, 4) for _ in range(math.prod(kernel))], dtype=torch.float64
    ).reshape(1, 1, *kernel)
    conv = [F.conv1d, F.conv2d][ndim - 1]
    flat = [p for pair in reversed(pads) for p in pair]  # F.pad: last axis first

    def fn(x: torch.Tensor) -> torch.Tensor:
        return conv(F.pad(x, flat), weights, stride=stride, dilation=dilation)

    try:
        matrix = _jacobian(fn, shape)
    except RuntimeError:
        return None  # no window fits
    common = {"input": shape, "kernel_size": kernel, "stride": stride, "dilation": dilation}
    return {"op": "conv", **common, "padding": pads, "weights": weights[0, 0].tolist(),
            "matrix": matrix}  # fmt: skip


def deconv_case(rng: random.Random, ndim: int) -> dict[str, Any] | None:
    shape, kernel = _axes(rng, ndim, 1, 5), _axes(rng, ndim, 1, 4)
    stride, dilation = _axes(rng, ndim, 1, 3), _axes(rng, ndim, 1, 2)
    pads = _axes(rng, ndim, 0, 2)
    extra = [rng.randint(0, max(s, d) - 1) for s, d in zip(stride, dilation, strict=True)]
    weights = torch.tensor(
        [rng.randint(-4, 4) for _ in range(math.prod(kernel))], dtype=torch.float64
    ).reshape(1, 1, *kernel)
    deconv = [F.conv_transpose1d, F.conv_transpose2d][ndim - 1]

    def fn(x: torch.Tensor) -> torch.Tensor:
        return deconv(
            x, weights, stride=stride, padding=pads, output_padding=extra, dilation=dilation
        )

    try:
        matrix = _jacobian(fn, shape)
    except RuntimeError:
        return None  # empty output
    return {
        "op": "deconv",
        "input": shape,
        "kernel_size": kernel,
        "stride": stride,
        "dilation": dilation,
        "padding": [[p, p] for p in pads],
        "output_padding": extra,
        "weights": weights[0, 0].tolist(),
        "matrix": matrix,
    }


def pool_case(rng: random.Random, ndim: int) -> dict[str, Any] | None:
    shape, kernel = _axes(rng, ndim, 1, 7), _axes(rng, ndim, 1, 4)
    stride = _axes(rng, ndim, 1, 3)
    pads = [rng.randint(0, k // 2) for k in kernel]
    ceil_mode, include = rng.random() < 0.5, rng.random() < 0.5
    pool = [F.avg_pool1d, F.avg_pool2d][ndim - 1]

    def fn(x: torch.Tensor) -> torch.Tensor:
        return pool(
            x, kernel, stride=stride, padding=pads, ceil_mode=ceil_mode, count_include_pad=include
        )

    try:
        matrix = _jacobian(fn, shape)
    except RuntimeError:
        return None
    return {
        "op": "avg_pool",
        "input": shape,
        "kernel_size": kernel,
        "stride": stride,
        "dilation": [1] * ndim,
        "padding": [[p, p] for p in pads],
        "ceil_mode": ceil_mode,
        "count_include_pad": include,
        "matrix": matrix,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    cases: list[dict[str, Any]] = []
    for make in (conv_case, deconv_case, pool_case):
        for ndim in (1, 2):
            made = 0
            while made < CASES_PER_OP // 2:
                case = make(rng, ndim)
                if case is not None:
                    cases.append(case)
                    made += 1
    meta = {
        "generator": "tools/gen_matrix_fixtures.py",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "seed": SEED,
    }
    lines = ",\n".join(json.dumps(case, separators=(",", ":")) for case in cases)
    args.out.write_text(f'{{"meta": {json.dumps(meta)},\n"cases": [\n{lines}\n]}}\n')
    print(f"wrote {len(cases)} cases to {args.out}")


if __name__ == "__main__":
    main()
