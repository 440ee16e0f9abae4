"""Every framework's spelling of one layer, planned by the shape engine and judged (pure).

The spellers (:mod:`convcalc.frameworks.spell_tf`, ``spell_torch``, ``spell_others``) say
how TensorFlow, Keras, PyTorch, ONNX, JAX, SciPy and Caffe write a :class:`Layer`; here each
spelling is planned and given a :class:`Verdict` against the requested layer.

>>> from convcalc.frameworks.layer import make_layer
>>> layer = make_layer("conv", (6,), 3, stride=2, padding="same")
>>> rows = {row.framework + " " + row.spelling: row for row in compare_layer(layer)}
>>> rows["PyTorch padding=1"].pads, rows["PyTorch padding=1"].verdict.value
(((1, 1),), 'shifted')
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from convcalc.errors import ConvcalcError
from convcalc.frameworks.layer import (
    FRAMEWORKS,
    NAMES,
    Layer,
    Plan,
    divisors,
    pads_text,
    plan_with,
    shape_text,
)
from convcalc.frameworks.spell_others import (
    caffe_spellings,
    jax_spellings,
    onnx_spellings,
    scipy_spellings,
)
from convcalc.frameworks.spell_tf import tf_spellings
from convcalc.frameworks.spell_torch import torch_spellings
from convcalc.frameworks.spelling import Spelling
from convcalc.shape import AxisPlan, DeconvAxis, DeconvPlan, WindowPlan
from convcalc.shape.axes import Pair, Shape

__all__ = ["SPELLERS", "Row", "Verdict", "compare_layer", "evaluate"]


class Verdict(enum.Enum):
    """How one spelling compares with the requested layer."""

    EXACT = "exact"
    SHIFTED = "shifted"
    SIZE = "size"
    DIVISOR = "divisor"
    UNSUPPORTED = "unsupported"
    NA = "n/a"


@dataclass(frozen=True, slots=True)
class Row:
    """A spelling after planning: sizes, pads and the verdict against the request."""

    framework: str
    spelling: str
    output: Shape | None
    pads: tuple[Pair, ...] | None
    verdict: Verdict
    why: str
    output_padding: Shape | None = None
    divisor: str = ""
    ceil: str = ""


SPELLERS: dict[str, Callable[[Layer], list[Spelling]]] = {
    "tf": lambda layer: tf_spellings(layer, "tf"),
    "keras": lambda layer: tf_spellings(layer, "keras"),
    "torch": torch_spellings,
    "onnx": onnx_spellings,
    "jax": jax_spellings,
    "scipy": scipy_spellings,
    "caffe": caffe_spellings,
}


def compare_layer(layer: Layer, frameworks: Sequence[str] = FRAMEWORKS) -> list[Row]:
    """Every framework's spelling(s) of *layer*, planned and judged (see :func:`evaluate`)."""
    layer.plan()  # the request itself must be valid
    rows = []
    for fw in frameworks:
        try:
            spellings = SPELLERS[fw](layer)
        except ConvcalcError as exc:  # the framework's usual spelling cannot even be planned
            spellings = [Spelling(NAMES[fw], "—", error=str(exc))]
        for spelling in spellings:
            rows.append(evaluate(layer, spelling))
    return rows


def evaluate(layer: Layer, spelling: Spelling) -> Row:
    """Plan *spelling* with the engine and judge it against *layer* (the request)."""
    ref = layer.plan()
    if spelling.error is not None or spelling.padding is None:
        return Row(
            spelling.framework,
            spelling.text,
            None,
            None,
            Verdict.UNSUPPORTED if spelling.error else Verdict.NA,
            spelling.error or "",
        )
    try:
        plan = plan_with(
            layer,
            spelling.padding,
            ceil_mode=spelling.ceil_mode,
            output_padding=spelling.output_padding,
            output_size=spelling.output_size,
            use_layer_output=False,
        )
    except ConvcalcError as exc:
        return Row(spelling.framework, spelling.text, None, None, Verdict.UNSUPPORTED, str(exc))
    verdict, why = _judge(layer, ref, plan, spelling)
    if spelling.note and verdict is Verdict.EXACT:
        why = spelling.note
    elif spelling.note:
        why = f"{why}; {spelling.note}"
    ops = plan.output_padding if isinstance(plan, DeconvPlan) else None
    divisor, ceil = _pool_columns(layer, spelling)
    return Row(
        spelling.framework,
        spelling.text,
        plan.output,
        _crops(plan),
        verdict,
        why,
        ops,
        divisor,
        ceil,
    )


def _pool_columns(layer: Layer, spelling: Spelling) -> tuple[str, str]:
    """A pool's divisor and rounding columns (empty for other layers)."""
    if layer.op != "pool":
        return "", ""
    ceil_mode = spelling.ceil_mode if spelling.ceil_mode is not None else layer.ceil_mode
    ceil = "ceil" if ceil_mode or spelling.framework == "Caffe" else "floor"
    divisor = ""
    if layer.pool == "avg":
        count = layer.count_pad if spelling.count_pad is None else spelling.count_pad
        divisor = "pad cells count" if count else "real cells only"
    return divisor, ceil


def _crops(plan: Plan) -> tuple[Pair, ...]:
    if isinstance(plan, DeconvPlan):
        return tuple((a.pad_low, a.pad_high - a.output_padding) for a in plan.axes)
    return plan.pads


def _lows(plan: Plan) -> list[int]:
    axes: Sequence[AxisPlan | DeconvAxis] = plan.axes
    return [a.pad_low for a in axes]


def _judge(layer: Layer, ref: Plan, plan: Plan, spelling: Spelling) -> tuple[Verdict, str]:
    if plan.output != ref.output:
        return Verdict.SIZE, f"output {shape_text(plan.output)} instead of {shape_text(ref.output)}"
    shifts = [a - b for a, b in zip(_lows(plan), _lows(ref), strict=True)]
    if any(shifts):
        word = "crop" if layer.op == "deconv" else "pad split"
        mine = pads_text(_crops(plan))
        theirs = pads_text(_crops(ref))
        step = max(shifts, key=abs)
        cells = f"{abs(step)} cell{'s' * (abs(step) > 1)}"
        if layer.op == "deconv":
            return (
                Verdict.SHIFTED,
                f"same size, output shifted by {cells}: {word} {mine} vs {theirs}",
            )
        return (
            Verdict.SHIFTED,
            f"same size, windows shifted by {cells} ({'earlier' if step > 0 else 'later'}): "
            f"{word} {mine} vs {theirs}",
        )
    if layer.op == "pool" and layer.pool == "avg":
        count = layer.count_pad if spelling.count_pad is None else spelling.count_pad
        assert isinstance(plan, WindowPlan) and isinstance(ref, WindowPlan)
        for a, b in zip(plan.axes, ref.axes, strict=True):
            if divisors(a, count) != divisors(b, layer.count_pad):
                return (
                    Verdict.DIVISOR,
                    f"same windows, border averages divide by {list(divisors(a, count))} "
                    f"instead of {list(divisors(b, layer.count_pad))}",
                )
    return Verdict.EXACT, "same windows"
