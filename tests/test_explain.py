"""The formula lines agree with the plans they explain: evaluate the substituted arithmetic."""

from __future__ import annotations

import itertools
import math
import re

from hypothesis import given
from hypothesis import strategies as st

from convcalc import EmptyOutputError, Padding, conv_axis, deconv_axis, pool_axis
from convcalc.shape.explain import explain_deconv, explain_window


def evaluate(expression: str) -> int:
    """Evaluate `ceil((13 − 6 + 1) / 5)`-style text with Python arithmetic."""
    python = expression.replace("−", "-").replace("·", "*")
    value = eval(python, {"ceil": math.ceil, "floor": math.floor, "max": max})
    return int(value)


ARITHMETIC = re.compile(r"(?:ceil|floor|max|[\d\s()+−·/,])+")


def check_equations(lines: list[str]) -> None:
    """In every `text = arithmetic = result` chain, the arithmetic evaluates to the result."""
    for line in lines:
        parts = [p.strip() for p in line.split(" = ")]
        for expression, result in itertools.pairwise(parts[1:]):
            if ARITHMETIC.fullmatch(expression) and result.isdigit():
                assert evaluate(expression) == int(result), line


@given(
    st.integers(1, 30),
    st.integers(1, 6),
    st.integers(1, 4),
    st.integers(1, 3),
    st.sampled_from([*Padding, (0, 0), (1, 2), (2, 2)]),
    st.booleans(),
)
def test_window_lines(n: int, k: int, s: int, d: int, padding: object, ceil: bool) -> None:
    try:
        plan = conv_axis(n, k, stride=s, dilation=d, padding=padding, ceil_mode=ceil)  # type: ignore[arg-type]
    except EmptyOutputError:
        return
    lines = explain_window(plan)
    check_equations(lines)
    out_line = next(line for line in reversed(lines) if line.startswith("out = "))
    final = int(out_line.rsplit("= ", 1)[1])
    dropped = any("dropped, out =" in line for line in lines)
    assert final == plan.output or (dropped and final == plan.output + 1)


@given(
    st.integers(1, 12),
    st.integers(1, 6),
    st.integers(1, 4),
    st.sampled_from([Padding.SAME, Padding.VALID, (1, 1), (0, 2)]),
)
def test_deconv_lines(n: int, k: int, s: int, padding: object) -> None:
    try:
        plan = deconv_axis(n, k, stride=s, padding=padding)  # type: ignore[arg-type]
    except EmptyOutputError:
        return
    lines = explain_deconv(plan)
    check_equations(lines)
    out_line = next(line for line in lines if line.startswith("out = "))
    assert int(out_line.rsplit("= ", 1)[1]) == plan.output


def test_primer_examples() -> None:
    assert explain_window(conv_axis(13, 6, stride=5, padding=Padding.SAME)) == [
        "out = ceil(in / s) = ceil(13 / 5) = 3",
        "pad total = max((out − 1)·s + k − in, 0) = max((3 − 1)·5 + 6 − 13, 0) = 3",
        "before = total // 2 = 1, after = total − before = 2 → odd zero at the end",
    ]
    lines = explain_window(pool_axis(5, 2, padding=(1, 1), ceil_mode=True))
    assert lines[-1] == (
        "window 3 would start at padded cell 6 ≥ in + before = 6, inside the right padding: "
        "dropped, out = 3"
    )
