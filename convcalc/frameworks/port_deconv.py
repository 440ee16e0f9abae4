"""Port recipes for a transposed convolution (pure): which cells of the full
``(n − 1)·s + k_eff`` result each target keeps, as its native pads, ``output_padding`` or
``output_shape``, else the whole result (plus zero cells) and a slice after it.

>>> from convcalc.frameworks.source import source_layer
>>> layer = source_layer("tf", "deconv", (7,), 3, stride=2, padding="same", output_size=[14])
>>> recipe = deconv_recipe(layer, "torch")
>>> recipe.padding, recipe.crop
(((0, 0),), ((0, 1),))
"""

from __future__ import annotations

from convcalc.errors import ConvcalcError
from convcalc.frameworks.layer import Layer, pads_text, plan_with, window_signature
from convcalc.frameworks.recipe import Pads, Recipe
from convcalc.shape import DeconvPlan, Padding
from convcalc.shape.axes import Shape

__all__ = ["deconv_recipe"]


def deconv_recipe(layer: Layer, fw: str) -> Recipe:
    """The exact spelling of a transposed conv *layer* in *fw* (``exact=False`` with the
    reason in ``notes`` when there is none)."""
    ref = layer.plan()
    assert isinstance(ref, DeconvPlan)
    crops = _crops(ref)
    extend = tuple(max(-hi, 0) for _, hi in crops)
    nd = layer.ndim
    if fw == "torch":
        return _torch_recipe(layer, ref, extend)
    if fw == "onnx":
        pads = tuple((lo, max(hi, 0)) for lo, hi in crops)
        note = (
            "explicit pads avoid auto_pad: onnxruntime swapped SAME_UPPER/SAME_LOWER for "
            "ConvTranspose for years, and output_shape without auto_pad puts the odd crop "
            "at the start"
        )
        return Recipe(fw, "deconv", True, pads, output_padding=extend, notes=(note,))
    refusal = _tf_refusal(layer, fw)
    if refusal is not None:
        return Recipe(fw, "deconv", False, ((0, 0),) * nd, notes=(refusal,))
    native = _tf_mode_recipe(layer, fw, ref)
    if native is not None:
        return native
    if fw == "tf" and nd == 2:
        pads = tuple((lo, max(hi, 0)) for lo, hi in crops)
        return Recipe(fw, "deconv", True, pads, output_size=ref.output)
    # VALID keeps the whole scatter (plus `extend` zero cells); slice the crop off after.
    if fw == "tf":
        valid_size = tuple(a.full + e for a, e in zip(ref.axes, extend, strict=True))
        return Recipe(
            fw, "deconv", True, "valid", output_size=valid_size, crop=_slice_after(ref, extend)
        )
    return Recipe(
        fw, "deconv", True, "valid", output_padding=extend, crop=_slice_after(ref, extend)
    )


def _crops(ref: DeconvPlan) -> Pads:
    """``(before, after)`` cut from the full result per axis (negative after: cells added)."""
    return tuple((a.pad_low, a.pad_high - a.output_padding) for a in ref.axes)


def _slice_after(ref: DeconvPlan, extend: Shape) -> Pads:
    """The slice that keeps *ref*'s cells of the full result grown by *extend* zero cells."""
    return tuple(
        (a.pad_low, a.full + e - a.pad_low - a.output)
        for a, e in zip(ref.axes, extend, strict=True)
    )


def _torch_recipe(layer: Layer, ref: DeconvPlan, extend: Shape) -> Recipe:
    """PyTorch crops ``padding`` from both ends and appends ``output_padding``: native when
    the crop fits that shape, else padding 0 and a slice."""
    crops = _crops(ref)
    limit = [max(s, d) for s, d in zip(layer.stride, layer.dilation, strict=True)]
    ops = tuple(lo - hi for lo, hi in crops)
    if all(0 <= op < lim for op, lim in zip(ops, limit, strict=True)):
        sym = tuple((lo, lo) for lo, _ in crops)
        return Recipe("torch", "deconv", True, sym, output_padding=ops)
    note = (
        "PyTorch crops padding from both ends and appends output_padding at the end, so "
        f"a crop of {pads_text(crops)} needs padding=0 and a slice"
    )
    return Recipe(
        "torch",
        "deconv",
        True,
        ((0, 0),) * layer.ndim,
        output_padding=extend,
        crop=_slice_after(ref, extend),
        notes=(note,),
    )


def _tf_refusal(layer: Layer, fw: str) -> str | None:
    """Why TensorFlow or Keras cannot run this transposed conv at all (``None``: it can)."""
    dilated = any(d > 1 for d in layer.dilation)
    if fw == "tf" and dilated:
        return "TensorFlow's CPU conv2d_transpose does not support dilation > 1"
    if fw == "keras" and dilated and any(s > 1 for s in layer.stride):
        return "Keras Conv*Transpose rejects strides > 1 with dilation_rate > 1"
    return None


def _tf_mode_recipe(layer: Layer, fw: str, ref: DeconvPlan) -> Recipe | None:
    """SAME or VALID with ``output_shape`` (TF) or Keras' ``output_padding``, when that
    keeps the same cells."""
    out = ref.output
    for mode in (Padding.SAME, Padding.VALID):
        try:
            plan = plan_with(layer, mode, output_size=out, use_layer_output=False)
        except ConvcalcError:
            continue
        if window_signature(plan) != window_signature(ref):
            continue
        if fw == "tf":
            return Recipe(fw, "deconv", True, mode.value, output_size=out)
        assert isinstance(plan, DeconvPlan)
        keras = [a.keras_output_padding for a in plan.axes]
        default = plan_with(layer, mode, use_layer_output=False)
        if default.output == out:
            return Recipe(fw, "deconv", True, mode.value)
        if all(k is not None for k in keras):
            ops = tuple(int(k) for k in keras if k is not None)
            return Recipe(fw, "deconv", True, mode.value, output_padding=ops)
    return None
