"""Port recipes for a convolution or a pool (pure): the target's native padding when it reads
the same windows (and, for an average pool, divides by the same counts), else an explicit
pad op before the layer, or the sum/count construction for an average pool's divisor.

>>> from convcalc.frameworks.source import source_layer
>>> recipe = window_recipe(source_layer("tf", "conv", (224,), 7, stride=2, padding="same"), "torch")
>>> recipe.pre_pad, recipe.padding
(((2, 3),), ((0, 0),))
"""

from __future__ import annotations

from dataclasses import replace

from convcalc.errors import ConvcalcError
from convcalc.frameworks.layer import (
    NAMES,
    Layer,
    divisors,
    pads_text,
    plan_with,
    shape_text,
    window_signature,
)
from convcalc.frameworks.recipe import Pads, Recipe
from convcalc.shape import Padding, WindowPlan

__all__ = ["window_recipe"]


def window_recipe(layer: Layer, fw: str) -> Recipe:
    """The exact spelling of a conv or pool *layer* in *fw* (``exact=False`` with the reason
    in ``notes`` when there is none)."""
    ref = layer.plan()
    assert isinstance(ref, WindowPlan)
    pads = ref.pads
    notes = list(_size_note(layer))
    is_avg = layer.op == "pool" and layer.pool == "avg"
    dilated = any(d > 1 for d in layer.dilation)
    if fw in ("tf", "keras") and dilated and any(s > 1 for s in layer.stride):
        return Recipe(
            fw,
            layer.op,
            False,
            pads,
            notes=(
                f"{NAMES[fw]} rejects stride > 1 with dilation > 1: no exact equivalent "
                "(run a stride-1 dilated layer and subsample with [::s])",
            ),
        )
    if fw in ("tf", "keras") and is_avg and dilated:
        notes.append("TensorFlow's SAME pooling with dilation > 1 is not implemented")
    if fw == "onnx":
        return Recipe(
            fw,
            layer.op,
            True,
            pads,
            ceil_mode=layer.ceil_mode,
            count_pad=layer.count_pad if is_avg else None,
            notes=tuple(notes + _onnx_notes(layer)),
        )
    native = _torch_native(layer, notes) if fw == "torch" else _tf_native(layer, fw, notes)
    return native if native is not None else _pre_pad_recipe(layer, fw, ref, notes)


def _torch_native(layer: Layer, notes: list[str]) -> Recipe | None:
    """PyTorch's own ``padding=`` (symmetric, at most half the kernel for a pool) or
    ``'same'`` (stride 1), when it reads the same windows."""
    pads = layer.plan().pads
    is_avg = layer.op == "pool" and layer.pool == "avg"
    sym = all(a == b for a, b in pads)
    limit_ok = layer.op != "pool" or all(
        a <= k // 2 for (a, _), k in zip(pads, layer.kernel, strict=True)
    )
    same_ok = (
        layer.op == "conv" and all(s == 1 for s in layer.stride) and _same_as(layer, Padding.SAME)
    )
    if same_ok and not sym:
        # PyTorch's 'same' (stride 1) puts the odd zero at the end, as TF does.
        return Recipe("torch", layer.op, True, "same", notes=tuple(notes))
    if sym and limit_ok and _divisors_match(layer, pads, layer.count_pad, layer.ceil_mode):
        if same_ok:
            notes.append("padding='same' is exact too (stride 1)")
        return Recipe(
            "torch",
            layer.op,
            True,
            pads,
            ceil_mode=layer.ceil_mode,
            count_pad=layer.count_pad if is_avg else None,
            notes=tuple(notes),
        )
    return None


def _tf_native(layer: Layer, fw: str, notes: list[str]) -> Recipe | None:
    """TensorFlow's or Keras' VALID/SAME (or Keras' causal, or TF's explicit conv2d pads)
    when it reads the same windows."""
    is_avg = layer.op == "pool" and layer.pool == "avg"
    for mode in (Padding.VALID, Padding.SAME):
        if _divisors_match(layer, mode, False, False):
            return Recipe(
                fw,
                layer.op,
                True,
                mode.value,
                count_pad=False if is_avg else None,
                notes=tuple(notes + _keras_avg_note(layer, fw, mode)),
            )
    if fw == "keras" and layer.op == "conv" and layer.ndim == 1 and _same_as(layer, Padding.CAUSAL):
        return Recipe(fw, layer.op, True, "causal", notes=tuple(notes))
    if fw == "tf" and layer.ndim == 2 and layer.op == "conv":
        return Recipe(fw, layer.op, True, layer.plan().pads, notes=tuple(notes))
    return None


def _pre_pad_recipe(layer: Layer, fw: str, ref: WindowPlan, notes: list[str]) -> Recipe:
    """An explicit pad (zeros, −inf for a max pool) before an unpadded layer; an average
    pool whose divisor that would change divides its sums by a mask's sums instead."""
    pads = ref.pads
    tight = _tight(ref) if layer.ceil_mode else pads
    zeros: Pads = ((0, 0),) * layer.ndim
    recipe = Recipe(
        fw,
        layer.op,
        True,
        zeros,
        pre_pad=tight,
        pad_value="-inf" if layer.op == "pool" and layer.pool == "max" else "0",
        count_pad=None,
        notes=tuple(notes),
    )
    if layer.op == "pool" and layer.pool == "avg":
        # pool(pad(x)) divides by the whole window: right when pad cells count and nothing
        # hangs past the padded end; otherwise divide the sums by a mask's sums.
        plain = (
            layer.count_pad
            and tight == pads
            and all(divisors(a, True) == divisors(a, layer.count_pad) for a in ref.axes)
        )
        if not plain:
            mask = (
                tuple((min(a, c), min(b, d)) for (a, b), (c, d) in zip(pads, tight, strict=True))
                if layer.count_pad
                else zeros
            )
            return replace(recipe, divide_by_count=True, count_pad=layer.count_pad, mask_pads=mask)
    return recipe


def _tight(plan: WindowPlan) -> Pads:
    """Pads that end exactly where the last window ends (folds a ceil-mode overhang in)."""
    return tuple(
        (a.pad_low, max((a.output - 1) * a.stride + a.effective_kernel - a.input - a.pad_low, 0))
        for a in plan.axes
    )


def _same_as(layer: Layer, padding: Padding | Pads, *, ceil_mode: bool = False) -> bool:
    try:
        other = plan_with(layer, padding, ceil_mode=ceil_mode)
    except ConvcalcError:
        return False
    return window_signature(other) == window_signature(layer.plan())


def _divisors_match(layer: Layer, padding: Padding | Pads, count_pad: bool, ceil: bool) -> bool:
    ref = layer.plan()
    try:
        other = plan_with(layer, padding, ceil_mode=ceil)
    except ConvcalcError:
        return False
    if window_signature(other) != window_signature(ref):
        return False
    if layer.op != "pool" or layer.pool != "avg":
        return True
    return all(
        divisors(a, count_pad) == divisors(b, layer.count_pad)
        for a, b in zip(other.axes, ref.axes, strict=True)
    )


def _size_note(layer: Layer) -> tuple[str, ...]:
    """TF SAME with stride > 1: the pads hold for this input size only."""
    if layer.op == "deconv" or not any(s > 1 for s in layer.stride):
        return ()
    if layer.padding is not Padding.SAME:
        return ()
    bigger = tuple(n + 1 for n in layer.input)
    other = plan_with(layer.with_padding(Padding.SAME), Padding.SAME)
    try:
        moved = plan_with(
            Layer(
                layer.op,
                bigger,
                layer.kernel,
                layer.stride,
                layer.dilation,
                Padding.SAME,
                layer.pool,
            ),
            Padding.SAME,
        )
    except ConvcalcError:
        return ()
    if moved.pads == other.pads:
        return ()
    return (
        f"SAME pads depend on the input size when stride > 1: these are for "
        f"{shape_text(layer.input)}; at {shape_text(bigger)} they are {pads_text(moved.pads)}. For "
        "inputs of varying size compute them at run time (timm: pad_same / Conv2dSame).",
    )


def _keras_avg_note(layer: Layer, fw: str, mode: Padding) -> list[str]:
    if fw == "keras" and layer.op == "pool" and layer.pool == "avg" and mode is Padding.SAME:
        pads = layer.plan().pads
        if any(a != b for a, b in pads):
            return [
                "Keras 3 on the torch backend pads an asymmetric SAME average pool by "
                "replication, so its border values differ from TensorFlow's"
            ]
    return []


def _onnx_notes(layer: Layer) -> list[str]:
    notes = []
    if layer.op == "conv" and _same_as(layer, Padding.SAME):
        notes.append("auto_pad='SAME_UPPER' gives the same pads for this input size")
    if layer.op == "pool" and any(
        a > k // 2 or b > k // 2 for (a, b), k in zip(layer.plan().pads, layer.kernel, strict=True)
    ):
        notes.append("pads larger than kernel/2 are valid ONNX but PyTorch importers reject them")
    return notes
