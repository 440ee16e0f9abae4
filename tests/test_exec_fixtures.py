"""Golden fixtures: convcalc's executor against PyTorch and TensorFlow.

The fixtures were produced by ``tools/gen_exec_fixtures.py`` (run with torch and TF installed);
neither framework is needed here. Max pool and unpool pick values, so they must match
exactly; sums are compared with ``floatcheck``'s tolerance (the dtype's epsilon × reduction
length × the largest magnitude a sum can reach), whichever BLAS kernel or algorithm ran.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from floatcheck import assert_float_close

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


def _reduction(
    op: str, kwargs: dict[str, Any], arrays: dict[str, Any]
) -> tuple[int, tuple[Any, ...]]:
    """Products summed per output cell, and the arrays they multiply.

    A convolution's or transposed convolution's weights hold ``out`` filters of ``in/groups
    · prod(kernel)`` taps (either way round), so ``w.size // out`` is the reduction length;
    the bias adds one term. An average pool sums ``prod(window)`` cells of ``x``.
    """
    x, y = arrays["x"], arrays["y"]
    if op == "avg_pool":
        return int(np.prod(kwargs["window"])), (x,)
    layout = str(kwargs.get("layout", ""))
    out = y.shape[1] if layout.startswith("nc") else y.shape[-1] if layout.endswith("c") else 1
    w = arrays["w"]
    return w.size // out + ("b" in arrays), (x, w)


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
    if op in ("max_pool", "max_unpool"):  # picks values: exact
        np.testing.assert_array_equal(result, expected, err_msg=case["source"])
    else:
        terms, operands = _reduction(op, kwargs, arrays)
        assert_float_close(result, expected, dtype=x.dtype, terms=terms, operands=operands,
                           err_msg=case["source"])  # fmt: skip
    if indices is not None and "indices" in arrays:
        np.testing.assert_array_equal(indices, arrays["indices"], err_msg=case["source"])
