"""Golden fixtures: convcalc's executor against PyTorch and TensorFlow.

The fixtures were produced by ``tools/gen_exec_fixtures.py`` (run with torch and TF installed);
neither framework is needed here. Tolerance: 1e-5 relative for float32, 1e-10 for float64
(relative to the largest output magnitude, so near-zero outputs do not need exact rounding).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from convcalc import execute
from convcalc.errors import EmptyOutputError

FIXTURES = Path(__file__).parent / "fixtures" / "exec"


def _cases() -> Iterator[Any]:
    for path in sorted(FIXTURES.glob("*.npz")):
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["__meta__"]))
            grouped: dict[str, dict[str, np.ndarray[Any, Any]]] = {}
            for key in data.files:
                if key != "__meta__":
                    name, _, part = key.partition(".")
                    grouped.setdefault(name, {})[part] = data[key]
        for case in meta["cases"]:
            yield pytest.param(
                case, grouped[case["name"]], id=f"{path.stem}-{case['name']}-{case['op']}"
            )


CASES = list(_cases())


def test_fixture_coverage() -> None:
    """Every framework and op is represented, in 1-D, 2-D and 3-D."""
    seen = {(p.id.split("-")[0], p.values[0]["op"]) for p in CASES}
    assert {
        ("torch_conv", "conv"),
        ("torch_deconv", "conv_transpose"),
        ("torch_pool", "max_pool"),
        ("torch_pool", "avg_pool"),
        ("torch_unpool", "max_unpool"),
        ("tf_conv", "conv"),
        ("tf_deconv", "conv_transpose"),
        ("tf_pool", "max_pool"),
        ("tf_pool", "avg_pool"),
    } <= seen
    layouts = {p.values[0]["kwargs"].get("layout") for p in CASES}
    assert {"ncw", "nchw", "ncdhw", "nwc", "nhwc", "ndhwc"} <= layouts
    assert len(CASES) > 600


def _run(op: str, x: Any, arrays: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    kwargs = dict(kwargs)
    if op == "max_pool":
        return execute.max_pool(x, kwargs.pop("window"), **kwargs)
    if op == "avg_pool":
        return execute.avg_pool(x, kwargs.pop("window"), **kwargs)
    if op == "max_unpool":
        return execute.max_unpool(x, arrays["indices"], kwargs.pop("window"), **kwargs)
    fn = execute.conv if op == "conv" else execute.conv_transpose
    return fn(x, arrays["w"], bias=arrays.get("b"), **kwargs)


@pytest.mark.parametrize(("case", "arrays"), CASES)
def test_matches_framework(case: dict[str, Any], arrays: dict[str, Any]) -> None:
    kwargs = dict(case["kwargs"])
    x, expected = arrays["x"], arrays["y"]
    op = case["op"]
    indices = None
    if expected.size == 0:
        # TensorFlow returns an empty tensor when no window fits (conventions §9.1);
        # convcalc, like PyTorch and Keras, says so instead.
        with pytest.raises(EmptyOutputError):
            _run(op, x, arrays, kwargs)
        return
    if op == "max_pool":
        result, indices = execute.max_pool(x, kwargs.pop("window"), return_indices=True, **kwargs)
    else:
        result = _run(op, x, arrays, kwargs)
    assert result.shape == expected.shape, case["source"]
    assert result.dtype == x.dtype
    tol = 1e-5 if x.dtype == np.float32 else 1e-10
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    np.testing.assert_allclose(result, expected, rtol=tol, atol=tol * scale, err_msg=case["source"])
    if indices is not None and "indices" in arrays:
        np.testing.assert_array_equal(indices, arrays["indices"], err_msg=case["source"])
