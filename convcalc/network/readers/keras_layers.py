"""Keras layers as shape steps on a :class:`~convcalc.network.graph.GraphRun` (pure).

Each function takes the layer's ``config`` and its input tensors and returns the output
tensors plus what the row shows (pads, parameters as ``model.count_params()`` counts them,
MACs). ``padding="same"`` is TensorFlow's split, the odd zero at the end
(:data:`convcalc.shape.Padding.SAME`); ``data_format`` picks the channel axis.

>>> from convcalc.network.graph import GraphRun
>>> run = GraphRun(2)
>>> x = run.input("in", (None, 224, 224, 3), (1, 2))
>>> cfg = {"filters": 32, "kernel_size": [3, 3], "strides": [2, 2], "padding": "same",
...        "use_bias": False}
>>> out = LAYERS["Conv2D"](run, cfg, [x])
>>> out.values[0].shape, out.done.pads
((None, 112, 112, 32), ((0, 1), (0, 1)))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from convcalc.errors import SpecError
from convcalc.network.field import IDENTITY, Affine
from convcalc.network.graph import GraphRun, Out, Value
from convcalc.network.readers.reshape import concat, flatten, permute, reshape
from convcalc.network.readers.resizing import keras_resize
from convcalc.network.spec import LayerSpec
from convcalc.shape import Padding

__all__ = ["LAYERS"]

Config = dict[str, Any]


def _ints(value: Any, ndim: int, name: str) -> tuple[int, ...]:
    """An int or a list of ints → one per axis."""
    values = [value] * ndim if isinstance(value, int) else list(value or ())
    if len(values) == 1:
        values = values * ndim
    if len(values) != ndim or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise SpecError(f"{name} {value!r} is not {ndim} integers")
    return tuple(values)


def _channel_axis(cfg: Config) -> int:
    fmt = cfg.get("data_format") or "channels_last"
    if fmt not in ("channels_last", "channels_first"):
        raise SpecError(f"data_format {fmt!r} is neither channels_last nor channels_first")
    return 1 if fmt == "channels_first" else -1


def _padding(cfg: Config) -> Padding:
    mode = str(cfg.get("padding", "valid")).lower()
    if mode not in ("valid", "same", "causal", "full"):
        raise SpecError(f"padding {mode!r} is not valid, same or causal")
    return Padding(mode)


def _geometry(cfg: Config, x: Value, kernel_key: str) -> tuple[int, int, dict[str, Any]]:
    axis = _channel_axis(cfg)
    ndim = len(x.shape) - 2
    if ndim < 1:
        raise SpecError(f"needs batch, spatial and channel axes, got {list(x.shape)}")
    k = _ints(cfg.get(kernel_key), ndim, kernel_key)
    strides = cfg.get("strides")
    geo = {
        "kernel": k,
        "stride": k
        if strides is None and kernel_key == "pool_size"
        else _ints(strides if strides is not None else 1, ndim, "strides"),
        "dilation": _ints(cfg.get("dilation_rate", 1), ndim, "dilation_rate"),
        "padding": _padding(cfg),
    }
    return axis, ndim, geo


def _conv(run: GraphRun, cfg: Config, ins: Sequence[Value]) -> Out:
    axis, _, geo = _geometry(cfg, ins[0], "kernel_size")
    spec = LayerSpec(
        0,
        "",
        "conv",
        channels=int(cfg["filters"]),
        groups=int(cfg.get("groups", 1)),
        bias=bool(cfg.get("use_bias", True)),
        **geo,
    )
    y, done = run.window(ins[0], spec, axis)
    return Out([y], done, "conv")


def _deconv(run: GraphRun, cfg: Config, ins: Sequence[Value]) -> Out:
    axis, ndim, geo = _geometry(cfg, ins[0], "kernel_size")
    extra = cfg.get("output_padding")
    spec = LayerSpec(
        0,
        "",
        "deconv",
        channels=int(cfg["filters"]),
        bias=bool(cfg.get("use_bias", True)),
        output_padding=None if extra is None else _ints(extra, ndim, "output_padding"),
        **geo,
    )
    y, done = run.window(ins[0], spec, axis)
    return Out([y], done, "deconv")


def _depthwise(run: GraphRun, cfg: Config, ins: Sequence[Value], bias: bool | None = None) -> Out:
    axis, _, geo = _geometry(cfg, ins[0], "kernel_size")
    cin = ins[0].shape[axis]
    if cin is None:
        raise SpecError("the input channels are unknown")
    mult = int(cfg.get("depth_multiplier", 1))
    use_bias = bool(cfg.get("use_bias", True)) if bias is None else bias
    spec = LayerSpec(0, "", "conv", channels=cin * mult, groups=cin, bias=use_bias, **geo)
    y, done = run.window(ins[0], spec, axis)
    return Out([y], done, "conv")


def _separable(run: GraphRun, cfg: Config, ins: Sequence[Value]) -> Out:
    dw = _depthwise(run, cfg, ins, bias=False)
    axis = _channel_axis(cfg)
    y, done = dw.values[0], dw.done
    assert done is not None
    point = LayerSpec(
        0,
        "",
        "conv",
        kernel=(1,),
        channels=int(cfg["filters"]),
        bias=bool(cfg.get("use_bias", True)),
    )
    z, pw = run.window(y, point, axis)
    params = None if done.params is None or pw.params is None else done.params + pw.params
    macs = None if done.macs is None or pw.macs is None else (done.macs + pw.macs) * run.batch
    return Out([z], done, "conv", params, macs)


def _pool(run: GraphRun, cfg: Config, ins: Sequence[Value], kind: str) -> Out:
    axis, _, geo = _geometry(cfg, ins[0], "pool_size")
    spec = LayerSpec(0, "", "pool", pool=kind, **geo)
    y, done = run.window(ins[0], spec, axis)
    return Out([y], done, "pool")


def _global(run: GraphRun, cfg: Config, ins: Sequence[Value]) -> Out:
    x = ins[0]
    axis = _channel_axis(cfg)
    rank = len(x.shape)
    axes = tuple(range(2, rank)) if axis == 1 else tuple(range(1, rank - 1))
    if cfg.get("keepdims"):
        shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
        return Out([run.derive(shape, axes, [(x, IDENTITY)])], kind="gap")
    return Out([run.derive((x.shape[0], x.shape[axis]), None, [(x, IDENTITY)])], kind="gap")


def _pad_pairs(value: Any, ndim: int, name: str) -> tuple[tuple[int, int], ...]:
    """Keras ``padding``/``cropping``: int, one int per axis, or (before, after) pairs."""
    if isinstance(value, int):
        return ((value, value),) * ndim
    items = list(value)
    if ndim == 1 and len(items) == 2 and all(isinstance(v, int) for v in items):
        return ((items[0], items[1]),)
    if len(items) != ndim:
        raise SpecError(f"{name} {value!r} has not {ndim} entries")
    return tuple((v, v) if isinstance(v, int) else tuple(_ints(v, 2, name)) for v in items)  # type: ignore[misc]


def _shift(run: GraphRun, cfg: Config, ins: Sequence[Value], sign: int) -> Out:
    x = ins[0]
    axis = _channel_axis(cfg)
    rank = len(x.shape)
    axes = tuple(range(2, rank)) if axis == 1 else tuple(range(1, rank - 1))
    key = "padding" if sign > 0 else "cropping"
    pairs = _pad_pairs(cfg.get(key, 1), len(axes), key)
    shape = list(x.shape)
    for a, (lo, hi) in zip(axes, pairs, strict=True):
        if min(lo, hi) < 0:
            raise SpecError(f"{key} {lo}, {hi} is negative")
        shape[a] = int(x.shape[a] or 0) + sign * (lo + hi)
        if (shape[a] or 0) < 1:
            raise SpecError(f"cropping {lo} + {hi} leaves nothing of size {x.shape[a]}")
    offsets = tuple(-sign * lo for lo, _ in pairs)
    mapper = Affine((1,) * len(axes), offsets, offsets)
    return Out([run.derive(shape, axes, [(x, mapper)])])


def _upsample(run: GraphRun, cfg: Config, ins: Sequence[Value]) -> Out:
    """UpSampling1D/2D/3D: ``in·size`` per axis (any ``interpolation``), via the resize core."""
    x = ins[0]
    factors = _ints(cfg.get("size", 2), len(x.shape) - 2, "size")
    return Out([keras_resize(run, x, _channel_axis(cfg), scale=factors)])


def _resizing(run: GraphRun, cfg: Config, ins: Sequence[Value]) -> Out:
    """Resizing: to ``height`` × ``width`` (any ``interpolation``); with
    ``crop_to_aspect_ratio``/``pad_to_aspect_ratio`` every output may see the whole input."""
    x = ins[0]
    if len(x.shape) != 4:
        raise SpecError(f"Resizing needs a batch, 2 spatial axes and channels, got {list(x.shape)}")
    size = _ints([cfg.get("height"), cfg.get("width")], 2, "height, width")
    whole = bool(cfg.get("crop_to_aspect_ratio") or cfg.get("pad_to_aspect_ratio"))
    return Out([keras_resize(run, x, _channel_axis(cfg), size=size, whole=whole)])


def _axis_dims(x: Value, axis: Any) -> list[int | None]:
    axes = axis if isinstance(axis, list) else [axis]
    return [x.shape[int(a)] for a in axes]


def _norm(run: GraphRun, cfg: Config, ins: Sequence[Value], per: int, extra: int = 0) -> Out:
    """BatchNormalization (gamma, beta, moving mean and variance per channel; no gamma
    with ``scale=False``, no beta with ``center=False``), LayerNormalization (gamma and
    beta), Normalization (mean, variance, count)."""
    x = ins[0]
    dims = _axis_dims(x, cfg.get("axis", -1))
    size = None if any(d is None for d in dims) else math.prod(d or 0 for d in dims)
    affine = int(bool(cfg.get("center", True))) + int(bool(cfg.get("scale", True)))
    per = affine if per == 2 else affine + 2 if per == 4 else per  # BN: + moving mean, var
    return Out([run.same(x)], params=None if size is None else per * size + extra)


def _dense(run: GraphRun, cfg: Config, ins: Sequence[Value]) -> Out:
    x = ins[0]
    units, cin = int(cfg["units"]), x.shape[-1]
    if cin is None:
        raise SpecError("the input's last axis is unknown")
    shape = (*x.shape[:-1], units)
    keep = x.axes is not None and len(x.shape) - 1 not in x.axes
    y = run.derive(shape, x.axes if keep else None, [(x, IDENTITY)])
    inner = math.prod(d or 1 for d in x.shape[:-1])  # the batch (unbound: 1) and the rest
    params = cin * units + (units if cfg.get("use_bias", True) else 0)
    return Out([y], params=params, macs=inner * cin * units, kind="fc")


def _same(run: GraphRun, cfg: Config, ins: Sequence[Value]) -> Out:
    return Out([run.same(ins[0])])


def _prelu(run: GraphRun, cfg: Config, ins: Sequence[Value]) -> Out:
    x = ins[0]
    shared = {int(a) for a in cfg.get("shared_axes") or ()}
    size = math.prod(d or 1 for i, d in enumerate(x.shape) if i and i not in shared)
    return Out([run.same(x)], params=size)


def _merge(run: GraphRun, cfg: Config, ins: Sequence[Value]) -> Out:
    return Out([run.elementwise(ins)])


def _one(fn: Callable[[GraphRun, Value, Any], Value], key: str) -> Layer:
    return lambda run, cfg, ins: Out([fn(run, ins[0], cfg.get(key))])


Layer = Callable[[GraphRun, Config, Sequence[Value]], Out]

LAYERS: dict[str, Layer] = {
    **dict.fromkeys(("Conv1D", "Conv2D", "Conv3D", "Convolution2D"), _conv),
    **dict.fromkeys(("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"), _deconv),
    **dict.fromkeys(("DepthwiseConv1D", "DepthwiseConv2D"), _depthwise),
    **dict.fromkeys(("SeparableConv1D", "SeparableConv2D"), _separable),
    **{f"MaxPooling{n}D": lambda r, c, i: _pool(r, c, i, "max") for n in (1, 2, 3)},
    **{f"AveragePooling{n}D": lambda r, c, i: _pool(r, c, i, "avg") for n in (1, 2, 3)},
    **{f"Global{k}Pooling{n}D": _global for k in ("Max", "Average") for n in (1, 2, 3)},
    **{f"ZeroPadding{n}D": lambda r, c, i: _shift(r, c, i, 1) for n in (1, 2, 3)},
    **{f"Cropping{n}D": lambda r, c, i: _shift(r, c, i, -1) for n in (1, 2, 3)},
    **{f"UpSampling{n}D": _upsample for n in (1, 2, 3)},
    "Resizing": _resizing,
    "BatchNormalization": lambda r, c, i: _norm(r, c, i, 4),
    "LayerNormalization": lambda r, c, i: _norm(r, c, i, 2),
    "Normalization": lambda r, c, i: (
        Out([r.same(i[0])], params=0) if c.get("mean") is not None else _norm(r, c, i, 2, 1)
    ),
    "Dense": _dense,
    "LayerScale": lambda r, c, i: Out([r.same(i[0])], params=int(c["projection_dim"])),
    "StochasticDepth": _same,
    "PReLU": _prelu,
    "Flatten": lambda run, cfg, ins: Out([flatten(run, ins[0], 1)]),
    "Reshape": _one(
        lambda run, x, t: reshape(run, x, [x.shape[0], *t], keras=True), "target_shape"
    ),
    "Permute": _one(lambda run, x, dims: permute(run, x, [0, *dims]), "dims"),
    "Concatenate": lambda run, cfg, ins: Out([concat(run, ins, int(cfg.get("axis", -1)))]),
    **dict.fromkeys(("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"), _merge),
    **dict.fromkeys(
        (
            "Activation",
            "ReLU",
            "LeakyReLU",
            "ELU",
            "Softmax",
            "ThresholdedReLU",
            "Dropout",
            "SpatialDropout1D",
            "SpatialDropout2D",
            "SpatialDropout3D",
            "GaussianNoise",
            "GaussianDropout",
            "AlphaDropout",
            "Rescaling",
            "ActivityRegularization",
            "Identity",
            "Masking",
        ),
        _same,
    ),
}
"""Keras class name → its shape step."""
