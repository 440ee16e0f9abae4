"""convcalc's resize against the libraries: tests/fixtures/resize.json, recorded by
tools/gen_resize_fixtures.py from PyTorch 2.13.0, TensorFlow (tf.image.resize and
tf.compat.v1), Keras 3 (Resizing, UpSampling1D/2D/3D) and onnxruntime.

Every case the library computes must match at float32 tolerance (tests/floatcheck.py: the
products summed per output are the taps of every axis, each weight bounded by
``WEIGHT_BOUND``); every case the library refuses must be refused by convcalc with a
:class:`ConvcalcError`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from floatcheck import float_tolerance, operand_scale

from convcalc.errors import ConvcalcError
from convcalc.execute.resize import resize, resize_array_plan

FIXTURES = json.loads((Path(__file__).parent / "fixtures" / "resize.json").read_text())
CASES: list[dict[str, Any]] = FIXTURES["cases"]

WEIGHT_BOUND = 1.25
"""Largest |weight| of any tap: cubic weights with a ∈ [−0.75, −0.5] stay within ±1.2, and
after exclude_outside renormalisation within 1.25; linear, nearest and area are ≤ 1."""


def _id(case: dict[str, Any]) -> str:
    target = (
        "size=" + "x".join(map(str, case["size"]))
        if "size" in case
        else ("scale=" + "x".join(map(str, case["scale"])))
    )
    opts = ",".join(f"{k}={v}" for k, v in case["options"].items())
    shape = "x".join(map(str, case["shape"]))
    return f"{case['convention']}-{case['mode']}-{shape}-{target}-{opts}"


def _run(case: dict[str, Any]) -> tuple[np.ndarray[Any, Any], int]:
    x = np.asarray(case["input"], dtype=np.float32)
    layout = {1: "ncw", 2: "nchw", 3: "ncdhw"}[x.ndim - 2]
    target = {"size": case.get("size"), "scale": case.get("scale")}
    options = {**case["options"], "mode": case["mode"], **target}
    channels_last = case["convention"] in ("tf", "tf1", "keras", "jax")
    if channels_last:
        x = np.moveaxis(x, 1, -1)
        layout = {1: "nwc", 2: "nhwc", 3: "ndhwc"}[x.ndim - 2]
    if case["convention"] in ("opencv", "pil"):  # a plain 2-D image
        x, layout = x[0, 0], "plain"
    plan = resize_array_plan(x, layout, case["convention"], **options)
    terms = 1
    for axis in plan.axes:
        terms *= max(len(axis.sample(i).taps) for i in range(axis.output))
    y = resize(x, convention=case["convention"], layout=layout, **options)
    if case["convention"] in ("opencv", "pil"):
        y = y[None, None]
    return (np.moveaxis(y, -1, 1) if channels_last else y), terms


GROUPS: dict[str, list[dict[str, Any]]] = {}
for _case in CASES:
    GROUPS.setdefault(f"{_case['convention']}-{_case['mode']}", []).append(_case)


def _mismatch(case: dict[str, Any]) -> str | None:
    """Why convcalc disagrees with the library on *case* (``None``: it agrees)."""
    if "error" in case:
        try:
            _run(case)
        except ConvcalcError:
            return None
        return f"{_id(case)}: the library refuses it, convcalc computed it"
    y, terms = _run(case)
    x = np.asarray(case["input"], dtype=np.float32)
    want = np.asarray(case["output"], dtype=np.float32)
    if y.dtype != np.float32 or y.shape != want.shape:
        return f"{_id(case)}: {y.dtype} {y.shape}, the library {want.shape}"
    tolerance = float_tolerance(np.float32, terms=terms, scale=operand_scale(x, [WEIGHT_BOUND]))
    tolerance += weight_tolerance(x, terms)
    gap = float(np.max(np.abs(y - want), initial=0.0))
    return None if gap <= tolerance else f"{_id(case)}: |Δ| {gap:.3g} > {tolerance:.3g}"


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_resize_matches_library(group: str) -> None:
    """Every case of one convention and mode (one test per group, every case checked and
    every mismatch listed)."""
    failures = [m for m in map(_mismatch, GROUPS[group]) if m is not None]
    assert not failures, "\n".join(failures)


def weight_tolerance(x: np.ndarray[Any, Any], terms: int) -> float:
    """What the libraries' own float32 weights may move an output: each weight is computed
    from coordinates up to the input size (TF's area spans, XLA's and onnxruntime's
    divisions), off by a few float32 steps of that size; ``terms`` of them multiply
    ``max|x|``. A wrong tap moves an output by a whole weight times a value, far more."""
    size = int(max(x.shape[2:]))
    return 4 * float(np.finfo(np.float32).eps) * size * terms * float(np.max(np.abs(x)))


def test_fixtures_cover_every_convention_and_mode() -> None:
    """The recorded cases span what the issue asks: each convention × mode it has, sizes and
    scales, up and down, and refusals."""
    computed = Counter((c["convention"], c["mode"]) for c in CASES if "output" in c)
    for convention, modes in {
        "torch": ["nearest", "nearest-exact", "linear", "cubic", "area"],
        "tf": ["nearest", "linear", "cubic", "area"],
        "tf1": ["nearest", "linear", "cubic", "area"],
        "keras": ["nearest", "linear", "cubic", "area"],
        "onnx": ["nearest", "linear", "cubic"],
        "opencv": ["nearest", "nearest-exact", "linear", "cubic", "area"],
        "pil": ["nearest", "linear", "cubic", "area"],
        "jax": ["nearest", "linear", "cubic"],
    }.items():
        for mode in modes:
            assert computed[convention, mode] >= 4, (convention, mode)
    assert FIXTURES["versions"]["torch"].startswith("2.13.0")
    assert sum("error" in c for c in CASES) > 100
