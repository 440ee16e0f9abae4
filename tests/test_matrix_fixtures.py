"""``convcalc``'s matrices equal PyTorch's: each case of ``tests/fixtures/matrix.json``
(recorded by ``tools/gen_matrix_fixtures.py`` with torch 2.13) holds the Jacobian ``∂y/∂x``
of one convolution, transposed convolution or average pool, which is that layer's ``C``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from floatcheck import assert_float_close

from convcalc.execute.matrix import dense_matrix, pool_matrix, tap_matrix
from convcalc.shape import conv_plan, deconv_plan, pool_plan
from convcalc.shape.matrix import conv_matrix_map, deconv_matrix_map

FIXTURES = Path(__file__).parent / "fixtures" / "matrix.json"
CASES: list[dict[str, Any]] = json.loads(FIXTURES.read_text())["cases"]


def test_fixture_covers_every_op_in_1d_and_2d() -> None:
    kinds = {(c["op"], len(c["input"])) for c in CASES}
    assert kinds == {(op, n) for op in ("conv", "deconv", "avg_pool") for n in (1, 2)}
    assert len(CASES) == 90


def _ours(case: dict[str, Any]) -> np.ndarray[Any, np.dtype[np.float64]]:
    geometry = {
        "stride": case["stride"],
        "dilation": case["dilation"],
        "padding": tuple(tuple(p) for p in case["padding"]),
    }
    if case["op"] == "conv":
        plan = conv_plan(case["input"], case["kernel_size"], **geometry)
        return dense_matrix(tap_matrix(conv_matrix_map(plan)), case["weights"])
    if case["op"] == "deconv":
        deconv = deconv_plan(
            case["input"], case["kernel_size"], output_padding=case["output_padding"], **geometry
        )
        return dense_matrix(tap_matrix(deconv_matrix_map(deconv)), case["weights"])
    pool = pool_plan(case["input"], case["kernel_size"], ceil_mode=case["ceil_mode"], **geometry)
    return pool_matrix(conv_matrix_map(pool), pool, case["count_include_pad"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['op']}-{c['input']}-{c['kernel_size']}")
def test_matrix_equals_torch_jacobian(case: dict[str, Any]) -> None:
    expected = np.array(case["matrix"], dtype=np.float64)
    ours = _ours(case)
    assert ours.shape == expected.shape
    if case["op"] != "avg_pool":  # integer weights, one product per entry: exact
        assert np.array_equal(ours, expected)
    operands = (np.array(case.get("weights", 1.0)),)
    terms = math.prod(case["kernel_size"])
    assert_float_close(ours, expected, dtype=np.float64, terms=terms, operands=operands)
