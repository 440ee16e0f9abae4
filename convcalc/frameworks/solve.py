"""Which kernel, stride, padding, dilation (and output_padding) take size N to size M (pure).

Candidates are enumerated over small ranges (or the values the user fixes) and each one is
planned by the shape engine; those that reach the wanted size are kept, ranked simplest
first, and spelled in PyTorch, TensorFlow/Keras and ONNX by :mod:`convcalc.frameworks.port`.

>>> [s.label for s in solve_axis("deconv", 7, 14, kernels=[3], strides=[2])]
['same', 'padding 1, output_padding 1']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from convcalc.errors import ConvcalcError, SpecError
from convcalc.frameworks.layer import Layer, make_layer
from convcalc.frameworks.port import port_layer
from convcalc.frameworks.recipe import Recipe
from convcalc.shape import DeconvPlan, Padding, conv_plan, deconv_plan, effective_kernel
from convcalc.shape.axes import Pair

__all__ = ["Solution", "solve_axis"]


@dataclass(frozen=True, slots=True)
class Solution:
    """One parameter set that reaches the wanted size, with its spellings."""

    kernel: int
    stride: int
    dilation: int
    padding: str | Pair
    pads: Pair
    output: int
    output_padding: int | None
    label: str
    torch: str
    tf: str
    onnx: str
    note: str = ""


def solve_axis(
    op: str,
    size: int,
    target: int,
    *,
    kernels: Sequence[int] = range(1, 8),
    strides: Sequence[int] = range(1, 5),
    dilations: Sequence[int] = (1,),
    paddings: Sequence[Padding | Pair] | None = None,
    ceil_mode: bool = False,
) -> list[Solution]:
    """Every parameter set over the given ranges that maps *size* to *target* on one axis.

    Ranked: no dilation first, then no output_padding, symmetric before asymmetric pads,
    smaller kernels, smaller strides, fewer pads.
    """
    if op not in ("conv", "pool", "deconv"):
        raise SpecError(f"unknown layer type {op!r}; expected conv, pool or deconv")
    found: dict[tuple[int, int, int, int, int, int], tuple[tuple[object, ...], Solution]] = {}
    for d in dilations:
        for k in kernels:
            k_eff = effective_kernel(k, d)
            for s in strides:
                pads = paddings if paddings is not None else _paddings(op, k_eff)
                for padding in pads:
                    for sol, key in _try(op, size, target, k, s, d, padding, ceil_mode):
                        ident = (k, s, d, sol.pads[0], sol.pads[1], sol.output_padding or 0)
                        if ident not in found or key < found[ident][0]:
                            found[ident] = (key, sol)
    return [sol for _, sol in sorted(found.values(), key=lambda item: item[0])]


def _paddings(op: str, k_eff: int) -> list[Padding | Pair]:
    modes: list[Padding | Pair] = [Padding.SAME, Padding.VALID]
    sym: list[Padding | Pair] = [(p, p) for p in range(k_eff)]
    if op == "deconv":
        return modes + sym
    return modes + sym + [(p, p + 1) for p in range(k_eff - 1)]


def _try(
    op: str,
    size: int,
    target: int,
    k: int,
    s: int,
    d: int,
    padding: Padding | Pair,
    ceil_mode: bool,
) -> list[tuple[Solution, tuple[object, ...]]]:
    try:
        if op == "deconv":
            return _try_deconv(size, target, k, s, d, padding)
        plan = conv_plan(
            (size,),
            k,
            stride=s,
            dilation=d,
            padding=[padding] if not isinstance(padding, Padding) else padding,
            ceil_mode=ceil_mode,
        )
    except ConvcalcError:
        return []
    if plan.output != (target,):
        return []
    axis = plan.axes[0]
    named = isinstance(padding, Padding)
    label = (
        f"{padding.value} {axis.pads}"
        if isinstance(padding, Padding)
        else (f"padding {axis.pad_low}" if axis.pad_low == axis.pad_high else f"pads {axis.pads}")
    )
    layer = make_layer(
        op,
        (size,),
        k,
        stride=s,
        dilation=d,
        padding=padding if named else [axis.pads],
        ceil_mode=ceil_mode,
    )
    sol = Solution(
        k,
        s,
        d,
        padding.value if isinstance(padding, Padding) else axis.pads,
        axis.pads,
        target,
        None,
        label,
        *_spell(layer),
    )
    asym = axis.pad_low != axis.pad_high
    key = (d, asym, k, s, sum(axis.pads), named)
    return [(sol, key)]


def _try_deconv(
    size: int, target: int, k: int, s: int, d: int, padding: Padding | Pair
) -> list[tuple[Solution, tuple[object, ...]]]:
    named = isinstance(padding, Padding)
    plan = deconv_plan(
        (size,),
        k,
        stride=s,
        dilation=d,
        padding=padding if isinstance(padding, Padding) else [padding],
        output_size=(target,),
    )
    assert isinstance(plan, DeconvPlan)
    a = plan.axes[0]
    if named:
        assert isinstance(padding, Padding)
        keras = a.keras_output_padding
        keras_text = (
            "output_padding=None"
            if a.default_output == target
            else (f"output_padding={keras}" if keras is not None else "no Keras spelling")
        )
        label = padding.value
        layer = make_layer(
            "deconv", (size,), k, stride=s, dilation=d, padding=padding, output_size=(target,)
        )
        torch, tf, onnx = _spell(layer)
        tf = f"padding='{padding.value.upper()}', output_shape={target}; Keras {keras_text}"
        sol = Solution(
            k,
            s,
            d,
            padding.value,
            a.pads,
            target,
            a.output_padding,
            label,
            torch,
            tf,
            onnx,
            note=f"crop {(a.pad_low, a.pad_high - a.output_padding)}",
        )
        key: tuple[object, ...] = (d, 0, 1, k, s, sum(a.pads))
        return [(sol, key)]
    layer = make_layer(
        "deconv",
        (size,),
        k,
        stride=s,
        dilation=d,
        padding=[a.pads],
        output_padding=a.output_padding,
    )
    torch, tf, onnx = _spell(layer)
    label = f"padding {a.pad_low}, output_padding {a.output_padding}"
    crop = (a.pad_low, a.pad_high - a.output_padding)
    sol = Solution(
        k,
        s,
        d,
        a.pads,
        a.pads,
        target,
        a.output_padding,
        label,
        torch,
        tf,
        onnx,
        note=f"crop {crop}",
    )
    key = (d, int(a.output_padding > 0), 0, k, s, sum(a.pads))
    return [(sol, key)]


def _spell(layer: object) -> tuple[str, str, str]:
    """Short PyTorch, TensorFlow and ONNX spellings of a 1-axis layer."""
    assert isinstance(layer, Layer)
    out = []
    for fw in ("torch", "tf", "onnx"):
        r = port_layer(layer, fw)
        out.append(_short(r, layer.op))
    return out[0], out[1], out[2]


def _short(r: object, op: str) -> str:
    assert isinstance(r, Recipe)
    parts = []
    if not r.exact:
        return "no exact equivalent"
    if r.pre_pad is not None:
        fn = "F.pad" if r.framework == "torch" else "tf.pad"
        value = " −inf" if r.pad_value == "-inf" else ""
        parts.append(f"{fn}{r.pre_pad[0]}{value} +")
    if isinstance(r.padding, str):
        parts.append(f"padding='{r.padding.upper() if r.framework == 'tf' else r.padding}'")
    elif r.framework == "onnx":
        parts.append(f"pads=[{r.padding[0][0]}, {r.padding[0][1]}]")
    elif r.framework == "tf" and r.pre_pad is None and any(r.padding[0]):
        parts.append(f"padding=[{list(r.padding[0])}]")
    elif r.framework == "tf":
        parts.append("padding='VALID'")
    else:
        parts.append(f"padding={r.padding[0][0]}")
    if r.output_padding and any(r.output_padding):
        parts.append(f"output_padding={r.output_padding[0]}")
    if r.output_size is not None:
        parts.append(f"output_shape={r.output_size[0]}")
    if r.divide_by_count:
        parts.append("(sum / count)")
    if r.crop is not None:
        parts.append(f"then crop {r.crop[0]}")
    return " ".join(parts) if op else ""
