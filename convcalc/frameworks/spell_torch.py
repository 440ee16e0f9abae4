"""PyTorch's spellings of a layer (pure): ``padding='same'`` (stride 1), the usual symmetric
pad, ``F.pad`` for asymmetric pads, ``ConvTranspose`` with ``output_padding``.

>>> from convcalc.frameworks.layer import make_layer
>>> [s.text for s in torch_spellings(make_layer("conv", (6,), 3, stride=2, padding="same"))]
["padding='same'", 'padding=1', 'F.pad (0, 1) + padding=0']
"""

from __future__ import annotations

from convcalc.errors import ConvcalcError
from convcalc.frameworks.layer import NAMES, Layer, one_value, pads_text, plan_with
from convcalc.frameworks.spelling import (
    Spelling,
    named,
    pairs,
    ref_pads,
    symmetric,
    usual_symmetric,
)
from convcalc.shape import DeconvPlan, Padding

__all__ = ["torch_spellings"]


def torch_spellings(layer: Layer) -> list[Spelling]:
    name = NAMES["torch"]
    mode = named(layer)
    if layer.op == "deconv":
        return _torch_deconv(layer)
    spellings = []
    strided = any(s > 1 for s in layer.stride)
    if layer.op == "conv" and mode is Padding.SAME:
        text = "padding='same'"
        if strided:
            spellings.append(
                Spelling(
                    name,
                    text,
                    error="padding='same' is not supported for strided convolutions",
                )
            )
        else:
            spellings.append(Spelling(name, text, padding=Padding.SAME))
    if layer.op == "conv" and mode is Padding.VALID:
        return [Spelling(name, "padding='valid'", padding=Padding.VALID)]
    pads = ref_pads(layer)
    usual = pairs(usual_symmetric(layer)) if mode in (Padding.SAME, Padding.SAME_LOWER) else pads
    if symmetric(usual) and not (layer.op == "conv" and mode is Padding.SAME and not strided):
        sym = tuple(a for a, _ in usual)
        text = f"padding={one_value(sym)}"
        error = None
        if layer.op == "pool":
            too_big = [p for p, k in zip(sym, layer.kernel, strict=True) if p > k // 2]
            if too_big:
                error = f"pool padding must be at most half the kernel, got {too_big[0]}"
            if layer.ceil_mode:
                text += ", ceil_mode=True"
            if layer.pool == "avg" and not layer.count_pad:
                text += ", count_include_pad=False"
        spellings.append(
            Spelling(
                name,
                text,
                padding=usual,
                ceil_mode=layer.ceil_mode,
                count_pad=layer.count_pad if layer.pool == "avg" else True,
                error=error,
            )
        )
    if not symmetric(pads):
        value = ", value=-inf" if layer.op == "pool" and layer.pool == "max" else ""
        spellings.append(
            Spelling(
                name,
                f"F.pad {pads_text(pads)}{value} + padding=0",
                padding=pads,
                ceil_mode=layer.ceil_mode,
                count_pad=True,
            )
        )
    return spellings


def _torch_deconv(layer: Layer) -> list[Spelling]:
    name = NAMES["torch"]
    ref = layer.plan()
    assert isinstance(ref, DeconvPlan)
    crops = [(a.pad_low, a.pad_high - a.output_padding) for a in ref.axes]
    sym = tuple(max(lo, hi, 0) for lo, hi in crops)
    base = plan_with(layer, pairs(sym), output_padding=(0,) * layer.ndim, use_layer_output=False)
    ops = tuple(o - b for o, b in zip(ref.output, base.output, strict=True))
    text = f"padding={one_value(sym)}, output_padding={one_value(ops)}"
    try:
        plan_with(layer, pairs(sym), output_padding=ops, use_layer_output=False)
    except ConvcalcError as exc:
        return [Spelling(name, text, error=str(exc))]
    return [Spelling(name, text, padding=pairs(sym), output_padding=ops)]
