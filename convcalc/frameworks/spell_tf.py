"""TensorFlow's and Keras' spellings of a layer (pure): SAME/VALID, explicit pads through a
pad op, and ``conv_transpose`` with ``output_shape`` or Keras' ``output_padding``.

>>> from convcalc.frameworks.layer import make_layer
>>> [s.text for s in tf_spellings(make_layer("conv", (6,), 3, stride=2, padding=1), "keras")]
['ZeroPadding (1, 1) + VALID']
"""

from __future__ import annotations

from convcalc.errors import ConvcalcError
from convcalc.frameworks.layer import NAMES, Layer, one_value, pads_text, plan_with
from convcalc.frameworks.spelling import Spelling, named, ref_pads
from convcalc.shape import DeconvAxis, DeconvPlan, Padding
from convcalc.shape.axes import Shape

__all__ = ["tf_spellings"]


def tf_spellings(layer: Layer, fw: str) -> list[Spelling]:
    """TensorFlow (``fw='tf'``) and Keras: SAME/VALID, explicit pads via a pad op."""
    name = NAMES[fw]
    mode = named(layer)
    strided_dilated = any(s > 1 for s in layer.stride) and any(d > 1 for d in layer.dilation)
    if strided_dilated and layer.op != "deconv":
        why = (
            "TensorFlow rejects stride > 1 together with dilation > 1"
            if fw == "tf"
            else "Keras raises ValueError for strides > 1 with dilation_rate > 1"
        )
        return [Spelling(name, "strides + dilation", error=why)]
    if layer.op == "deconv":
        return _tf_deconv(layer, fw)
    spellings = []
    if mode in (Padding.SAME, Padding.VALID):
        text = f"padding='{mode.value.upper()}'" if fw == "tf" else f"padding='{mode.value}'"
        spellings.append(Spelling(name, text, padding=mode, ceil_mode=False, count_pad=False))
    elif mode is Padding.CAUSAL and fw == "keras" and layer.ndim == 1 and layer.op == "conv":
        spellings.append(Spelling(name, "padding='causal'", padding=mode))
    else:
        pads = ref_pads(layer)
        pad_op = "tf.pad" if fw == "tf" else "ZeroPadding"
        if layer.op == "pool" and layer.pool == "max":
            pad_op = "tf.pad(-inf)" if fw == "tf" else "ops.pad(-inf)"
        explicit_ok = fw == "tf" and (
            (layer.op == "conv" and layer.ndim == 2)
            or (layer.op == "pool" and layer.pool == "max" and layer.ndim in (1, 2))
        )
        text = f"padding=[{pads_text(pads)}]" if explicit_ok else f"{pad_op} {pads_text(pads)}"
        spellings.append(
            Spelling(
                name,
                text + ("" if explicit_ok else " + VALID"),
                padding=pads,
                ceil_mode=False,
                count_pad=True,
                note="" if explicit_ok else "no explicit pads on this op",
            )
        )
    if layer.op == "pool" and mode is Padding.SAME and any(d > 1 for d in layer.dilation):
        return [
            Spelling(
                name, spellings[0].text, error="SAME pooling with dilation > 1 is not implemented"
            )
        ]
    return spellings


def _tf_deconv(layer: Layer, fw: str) -> list[Spelling]:
    name = NAMES[fw]
    ref = layer.plan()
    assert isinstance(ref, DeconvPlan)
    out = ref.output
    if fw == "tf" and any(d > 1 for d in layer.dilation):
        return [
            Spelling(
                name,
                "conv2d_transpose dilations",
                error="TF's CPU conv2d_transpose does not support dilation > 1",
            )
        ]
    spellings = []
    if fw == "tf":
        for mode in (Padding.SAME, Padding.VALID):
            spellings.append(
                Spelling(
                    name,
                    f"padding='{mode.value.upper()}', output_shape={one_value(out)}",
                    padding=mode,
                    output_size=out,
                )
            )
        if layer.ndim == 2:
            pads = tuple((a.pad_low, max(a.pad_high - a.output_padding, 0)) for a in ref.axes)
            spellings.append(
                Spelling(
                    name,
                    f"padding=[{pads_text(pads)}], output_shape={one_value(out)}",
                    padding=pads,
                    output_size=out,
                )
            )
        return spellings
    for mode in (Padding.SAME, Padding.VALID):
        spellings.append(
            Spelling(name, f"padding='{mode.value}' (output_padding=None)", padding=mode)
        )
        keras = [a.keras_output_padding for a in _try_deconv(layer, mode, out)]
        if keras and all(k is not None for k in keras):
            ops = tuple(int(k) for k in keras if k is not None)
            spellings.append(
                Spelling(
                    name,
                    f"padding='{mode.value}', output_padding={one_value(ops)}",
                    padding=mode,
                    output_padding=ops,
                )
            )
    return spellings


def _try_deconv(layer: Layer, mode: Padding, out: Shape) -> tuple[DeconvAxis, ...]:
    try:
        plan = plan_with(layer, mode, output_size=out, use_layer_output=False)
    except ConvcalcError:
        return ()
    assert isinstance(plan, DeconvPlan)
    return plan.axes
