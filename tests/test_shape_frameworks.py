"""The shape engine against what TensorFlow 2.21 and PyTorch 2.13 really did.

`tests/fixtures/shapes.json` was recorded by `tools/gen_shape_fixtures.py` (run it with a
Python that has torch==2.13.0 and tensorflow-cpu). Every case is checked: sizes and
measured pads must match, and every framework error is either a geometric error that
convcalc raises too, or a listed framework limit (an API restriction, not geometry).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from casegroups import check_each, group_by

from convcalc import ConvcalcError, EmptyOutputError, Padding
from convcalc.shape import conv_plan as conv_plan_
from convcalc.shape import deconv_plan, invert_axis, pool_plan

FIXTURE = Path(__file__).parent / "fixtures" / "shapes.json"
CASES: list[dict[str, Any]] = json.loads(FIXTURE.read_text())["cases"]

# Messages of errors that come from the layer's geometry: convcalc must raise as well.
GEOMETRIC = (
    "Computed output size would be negative",
    "Calculated padded input size",
    "Given input size",
    "Invalid computed output size",
    "cropped_shape",
    "output padding must be smaller",
    "doesn't match computed",
)
# Framework API limits that are not geometry: convcalc computes these layers anyway (they
# are what `convcalc compare` reports as "not expressible in this framework").
FRAMEWORK_LIMITS = (
    "only supports dilated rates",
    "do not yet support dilation rates",
    "does not yet support dilation rates",
    "Expected string for argument 'padding'",
    "`strides > 1` not supported in conjunction with `dilation_rate > 1`",
    "padding='same' is not supported for strided convolutions",
    "needs to be smaller than the window size",
    "pooling with 'SAME' padding is not implemented for `dilation_rate` > 1",
    "should be at most half of",
    "pad should be smaller than or equal to half of kernel size",
    "smaller than kernel size",  # torch avg_pool3d checks the unpadded input
)
THREE_D_NEGATIVE_PAD = ("tf.nn.conv3d", "tf.nn.convolution", "tf.nn.max_pool3d", "tf.nn.avg_pool3d")


def padding_of(case: dict[str, Any]) -> Any:
    pad = case["padding"]
    return Padding.parse(pad) if isinstance(pad, str) else [tuple(p) for p in pad]


def plan_for(case: dict[str, Any]) -> Any:
    geometry = {"stride": case["stride"], "dilation": case["dilation"], "padding": padding_of(case)}
    if case["op"] == "conv":
        return conv_plan_(case["input"], case["kernel"], **geometry)
    if case["op"] == "pool":
        return pool_plan(
            case["input"], case["kernel"], ceil_mode=case.get("ceil_mode", False), **geometry
        )
    return deconv_plan(
        case["input"], case["kernel"], output_padding=case["output_padding"], **geometry
    )


def case_id(case: dict[str, Any]) -> str:
    return (
        f"{case['fn'].rsplit('.', 1)[-1]}-i{case['input']}-k{case['kernel']}"
        f"-s{case['stride']}-d{case['dilation']}-p{case['padding']}"
    )


def group_key(case: dict[str, Any]) -> str:
    """Cases are checked in groups: one framework function at one rank."""
    return f"{case['fn']}-{len(case['input'])}d"


FORWARD = group_by((c for c in CASES if "output" in c), group_key)
ACCEPTED = group_by(
    (c for c in CASES if "accepted_output" in c or "accepted_output_size" in c), group_key
)
ERRORS = group_by((c for c in CASES if "error" in c), group_key)


def test_fixture_is_large_and_covers_both_frameworks() -> None:
    assert len(CASES) >= 3000
    kinds = {(c["op"], c["framework"], len(c["input"])) for c in CASES}
    for op in ("conv", "pool", "deconv"):
        for framework in ("tf", "torch"):
            assert {(op, framework, n) for n in (1, 2, 3)} <= kinds


@pytest.mark.parametrize("group", sorted(FORWARD))
def test_output_size(group: str) -> None:
    check_each(FORWARD[group], check_output_size, case_id)


def check_output_size(case: dict[str, Any]) -> None:
    if 0 in case["output"]:
        # TF returns an empty tensor where the window does not fit (conventions §9.1);
        # convcalc says so instead.
        assert case["framework"] == "tf"
        with pytest.raises(EmptyOutputError):
            plan_for(case)
        return
    plan = plan_for(case)
    assert list(plan.output) == case["output"]
    for axis, measured in zip(plan.axes, case.get("pads", []), strict=False):
        before, after = measured
        if before < 0:
            # TF's 3-D kernels start SAME windows before the input (conventions §9.3);
            # the documented rule, which conv1d/conv2d follow, clamps at 0.
            assert case["fn"] in THREE_D_NEGATIVE_PAD and axis.pad_low == 0
            continue
        assert axis.pad_low == before
        # `after` was derived as (out - 1)·s + k_eff - in - before: negative means dropped
        assert axis.span - axis.input - axis.pad_low == after
        assert axis.pad_high == max(after, 0)


@pytest.mark.parametrize("group", sorted(ACCEPTED))
def test_accepted_output_sizes(group: str) -> None:
    """TF `output_shape` and torch `output_size=` accept exactly the forward preimage."""
    check_each(ACCEPTED[group], check_accepted_output_sizes, case_id)


def check_accepted_output_sizes(case: dict[str, Any]) -> None:
    ranges = case.get("accepted_output") or case["accepted_output_size"]
    pad = padding_of(case)
    for axis, (lo, hi) in enumerate(ranges):
        n, k, s, d = (case[key][axis] for key in ("input", "kernel", "stride", "dilation"))
        axis_pad = pad if isinstance(pad, Padding) else pad[axis]
        if isinstance(axis_pad, Padding):
            plan = deconv_plan([n], [k], stride=s, dilation=d, padding=axis_pad)
            assert plan.output_range == ((lo, hi),)
        sizes = [c.output for c in invert_axis(n, k, stride=s, dilation=d, padding=axis_pad)]
        assert sizes == list(range(lo, hi + 1))


@pytest.mark.parametrize("group", sorted(ERRORS))
def test_framework_errors(group: str) -> None:
    check_each(ERRORS[group], check_framework_error, case_id)


def check_framework_error(case: dict[str, Any]) -> None:
    message = case["error"]
    if any(text in message for text in GEOMETRIC):
        with pytest.raises(ConvcalcError):
            plan_for(case)
        return
    assert any(text in message for text in FRAMEWORK_LIMITS), message
