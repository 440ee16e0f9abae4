"""One layer of a stack, on its own: output size, channels, parameters, MACs and the edge
that maps its units back to its input (pure, standard library only).

Every spatial size and pad comes from :mod:`convcalc.shape`; parameters count the weights,
the bias and BatchNorm's 2 per channel, as torchvision does; MACs are per sample.

>>> from convcalc.network.spec import parse_spec
>>> s = step(parse_spec("conv k3 s2 p1 c8")[0], (32, 32), 3)
>>> s.spatial, s.channels, s.params, s.macs
((16, 16), 8, 224, 55296)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from convcalc.errors import SpecError
from convcalc.network.field import IDENTITY, Adaptive, Affine, Divide, Mapper, Whole
from convcalc.network.spec import LayerSpec
from convcalc.shape import Padding, conv_plan, deconv_plan
from convcalc.shape.axes import Pair, Shape
from convcalc.shape.resize import resize_plan

__all__ = ["Step", "per_axis", "resize_output", "shape_text", "step"]


@dataclass(frozen=True, slots=True)
class Step:
    """What one layer does. ``factors``: per axis, how much finer its output grid is than
    its input's (transposed-conv strides, upsampling factors), for the receptive field's
    period; ``None`` when it is not finer."""

    spatial: Shape
    channels: int | None
    mapper: Mapper
    params: int | None = 0
    macs: int | None = 0
    pads: tuple[Pair, ...] | None = None
    output_padding: Shape | None = None
    factors: Shape | None = None
    note: str = ""


def step(spec: LayerSpec, spatial: Shape, channels: int | None) -> Step:
    """Evaluate *spec* on an input of *spatial* × *channels* (not ``add``/``cat``/``res``:
    those join tensors, see :mod:`convcalc.network.stack`)."""
    if spec.op in _SPATIAL and not spatial:
        raise spec.fail("the input is already flattened (no spatial axes left)")
    return _STEPS.get(spec.op, _same)(spec, spatial, channels)


def _same(spec: LayerSpec, spatial: Shape, channels: int | None) -> Step:
    """Activations, dropout: nothing changes."""
    return Step(spatial, channels, IDENTITY)


def _bn(spec: LayerSpec, spatial: Shape, channels: int | None) -> Step:
    params = None if channels is None else 2 * channels
    return Step(spatial, channels, IDENTITY, params=params)


def _window(spec: LayerSpec, spatial: Shape, channels: int | None) -> Step:
    default_stride = spec.kernel if spec.op == "pool" else None
    plan = conv_plan(
        spatial,
        spec.kernel or (1,),
        stride=spec.stride or default_stride or 1,
        dilation=spec.dilation,
        padding=Padding.VALID if spec.padding is None else spec.padding,
        ceil_mode=spec.ceil,
    )
    mapper = Affine(
        tuple(a.stride for a in plan.axes),
        tuple(-a.pad_low for a in plan.axes),
        tuple(a.effective_kernel - 1 - a.pad_low for a in plan.axes),
    )
    note = ""
    cout: int | None
    params: int | None
    macs: int | None
    if spec.padding is Padding.SAME and any(a.stride > 1 for a in plan.axes):
        note = "same with stride > 1: pads depend on the input size"
    cout, params, macs = channels, 0, 0  # pooling has no weights
    if spec.op != "pool":
        cout, params, macs = _weights(spec, channels, plan.output, len(spatial))
    return Step(plan.output, cout, mapper, params, macs, plan.pads, note=note)


def _deconv(spec: LayerSpec, spatial: Shape, channels: int | None) -> Step:
    plan = deconv_plan(
        spatial,
        spec.kernel or (1,),
        stride=spec.stride or 1,
        dilation=spec.dilation,
        padding=0 if spec.padding is None else spec.padding,
        output_padding=spec.output_padding,
        output_size=spec.output_size,
    )
    strides = tuple(a.stride for a in plan.axes)
    mapper = Divide(
        strides,
        tuple(a.pad_low - a.effective_kernel + 1 for a in plan.axes),
        tuple(a.pad_low for a in plan.axes),
    )
    cout, params, macs = _weights(spec, channels, spatial, len(spatial))
    return Step(plan.output, cout, mapper, params, macs, plan.pads, plan.output_padding, strides)


def _weights(
    spec: LayerSpec, cin: int | None, grid: Shape, ndim: int
) -> tuple[int | None, int | None, int | None]:
    """(output channels, parameters, MACs) of a conv whose kernel visits every cell of
    *grid* once (the output for a conv, the input for a transposed conv)."""
    groups = spec.groups
    if spec.depthwise:
        if cin is None:
            raise spec.fail("dw (depthwise) needs the input channels; give -i …x<channels>")
        groups = cin
    cout = spec.channels if spec.channels is not None else cin
    if cin is None or cout is None:
        return cout, None, None
    for name, value in (("input", cin), ("output", cout)):
        if value % groups:
            raise spec.fail(f"groups {groups} must divide the {name} channels {value}")
    weights = cout * (cin // groups) * math.prod(per_axis(spec, spec.kernel or (1,), ndim))
    params = weights + (cout if spec.bias else 0) + (2 * cout if spec.bn else 0)
    return cout, params, math.prod(grid) * weights


def _gap(spec: LayerSpec, spatial: Shape, channels: int | None) -> Step:
    return Step((1,) * len(spatial), channels, Whole(spatial))


def _adaptive(spec: LayerSpec, spatial: Shape, channels: int | None) -> Step:
    out = per_axis(spec, spec.output_size or (1,), len(spatial))
    return Step(out, channels, Adaptive(spatial, out))


def _flatten(spec: LayerSpec, spatial: Shape, channels: int | None) -> Step:
    cout = None if channels is None else channels * math.prod(spatial)
    mapper = Whole(spatial) if spatial else IDENTITY
    return Step((), cout, mapper)


def _fc(spec: LayerSpec, spatial: Shape, channels: int | None) -> Step:
    if any(v != 1 for v in spatial):
        raise spec.fail(
            "needs a flattened input (add flatten or gap before it), got "
            f"{shape_text(spatial, channels)}"
        )
    cout = spec.channels
    assert cout is not None
    if channels is None:
        return Step(spatial, cout, IDENTITY, None, None)
    params = channels * cout + (cout if spec.bias else 0) + (2 * cout if spec.bn else 0)
    return Step(spatial, cout, IDENTITY, params, channels * cout)


def _upsample(spec: LayerSpec, spatial: Shape, channels: int | None) -> Step:
    """Output sizes from the resize core under the layer's convention (PyTorch's by default:
    ``⌊in·scale⌋``, or the sizes given); an integer factor maps each output back to the one
    input it repeats, any other resize to the adaptive bins (each output to the inputs it
    lies between)."""
    out = resize_output(spec, spatial)
    factors = tuple(o // n for o, n in zip(out, spatial, strict=True))
    if not all(f >= 1 and o == n * f for o, n, f in zip(out, spatial, factors, strict=True)):
        return Step(out, channels, Adaptive(spatial, out))
    mapper = Divide(factors, tuple(1 - f for f in factors), (0,) * len(factors))
    return Step(out, channels, mapper, factors=factors)


def resize_output(spec: LayerSpec, spatial: Shape) -> Shape:
    """The output sizes of an ``upsample`` layer, resolved by
    :func:`convcalc.shape.resize.resize_plan` under the layer's convention (``F.interpolate``
    unless the layer names another); what that library refuses is an error naming the layer.

    >>> from convcalc.network.spec import parse_spec
    >>> resize_output(parse_spec("upsample f1.5 linear align")[0], (5, 4))
    (7, 6)
    >>> resize_output(parse_spec("upsample f1.5 linear opencv")[0], (5, 4))
    (8, 6)
    """
    ndim = len(spatial)
    size = None if spec.output_size is None else per_axis(spec, spec.output_size, ndim)
    scale: Sequence[float] | None = spec.scale
    if size is None and scale is None:
        scale = per_axis(spec, spec.factor or (1,), ndim)
    if scale is not None and len(scale) not in (1, ndim):
        raise spec.fail(f"{len(scale)} values given but the input has {ndim} spatial axes")
    try:
        plan = resize_plan(
            spatial,
            size=size,
            scale=scale,
            mode=spec.resize or "nearest",
            convention=spec.convention or "torch",
            align_corners=spec.align or None,
        )
    except SpecError as exc:
        raise spec.fail(str(exc)) from None
    return plan.output


_SPATIAL = {"conv", "deconv", "pool", "gap", "adaptive", "upsample"}
_STEPS: dict[str, Callable[[LayerSpec, Shape, int | None], Step]] = {
    "conv": _window,
    "pool": _window,
    "deconv": _deconv,
    "gap": _gap,
    "adaptive": _adaptive,
    "flatten": _flatten,
    "fc": _fc,
    "bn": _bn,
    "upsample": _upsample,
}


def per_axis(spec: LayerSpec, values: Sequence[int], ndim: int) -> Shape:
    """One value for every axis, or exactly one per axis (else an error naming the layer)."""
    if len(values) == 1:
        return tuple(values) * ndim
    if len(values) != ndim:
        raise spec.fail(f"{len(values)} values given but the input has {ndim} spatial axes")
    return tuple(values)


def shape_text(spatial: Shape, channels: int | None) -> str:
    """``28×28×64`` (``?`` when nothing is known)."""
    parts = [str(v) for v in spatial]
    if channels is not None:
        parts.append(str(channels))
    return "×".join(parts) or "?"
