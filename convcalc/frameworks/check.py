"""``convcalc port --check``: run a port recipe in the real frameworks and compare.

The source framework runs the layer as spelled in that framework
(:func:`convcalc.frameworks.port.port_layer` with the source framework); the target runs the ported
recipe; both get the same random input and weights (laid out for each framework). Needs
NumPy plus PyTorch and/or TensorFlow (Keras 3 on the TF backend); ONNX is not run.
Nothing here is imported unless ``--check`` is given.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from convcalc.frameworks.layer import NAMES, Layer
from convcalc.frameworks.port import port_layer
from convcalc.frameworks.recipe import Recipe

__all__ = ["available", "check_port", "execute"]

RUNNERS = {"torch": "torch", "tf": "tensorflow", "keras": "keras"}
C_IN, C_OUT, BATCH = 2, 3, 2


def available(framework: str) -> str | None:
    """``None`` when *framework* can run here, else the reason it cannot."""
    module = RUNNERS.get(framework)
    if module is None:
        return f"{NAMES.get(framework, framework)} is not run by --check (no runtime here)"
    if importlib.util.find_spec(module) is None:
        return f"{module} is not installed"
    if framework == "keras" and importlib.util.find_spec("tensorflow") is None:
        return "keras needs the tensorflow backend here"
    return None


def _data(layer: Layer, seed: int) -> tuple[Any, Any, Any]:
    rng = np.random.default_rng(seed)
    channels = C_IN
    x = rng.standard_normal((BATCH, channels, *layer.input)).astype(np.float32)
    if layer.op == "conv":
        w = rng.standard_normal((C_OUT, C_IN, *layer.kernel)).astype(np.float32)
    elif layer.op == "deconv":
        w = rng.standard_normal((C_IN, C_OUT, *layer.kernel)).astype(np.float32)
    else:
        w = None
    b = rng.standard_normal(C_OUT).astype(np.float32) if w is not None else None
    return x, w, b


def check_port(layer: Layer, source: str, target: str, seed: int = 0) -> dict[str, Any]:
    """Run source and target on the same data: ``{"ran", "max_abs_diff", "reason", ...}``."""
    for fw in (source, target):
        reason = available(fw)
        if reason is not None:
            return {"ran": False, "reason": reason, "max_abs_diff": None}
    src = port_layer(layer, source)
    dst = port_layer(layer, target)
    if not dst.exact:
        return {"ran": False, "reason": "no exact recipe to run", "max_abs_diff": None}
    x, w, b = _data(layer, seed)
    try:
        a = execute(src, layer, x, w, b)
        c = execute(dst, layer, x, w, b)
    except Exception as exc:  # a framework refusing the layer is the answer here
        return {
            "ran": False,
            "reason": f"{type(exc).__name__}: {str(exc).splitlines()[0]}",
            "max_abs_diff": None,
        }
    if a.shape != c.shape:
        return {
            "ran": True,
            "reason": f"shapes differ: {a.shape} vs {c.shape}",
            "max_abs_diff": None,
            "source_shape": list(a.shape),
            "target_shape": list(c.shape),
        }
    return {
        "ran": True,
        "reason": "",
        "max_abs_diff": float(np.max(np.abs(a - c))) if a.size else 0.0,
        "source_shape": list(a.shape),
        "target_shape": list(c.shape),
    }


def execute(recipe: Recipe, layer: Layer, x: Any, w: Any, b: Any) -> Any:
    """Run *recipe* on NC… data ``x`` with torch-layout weights; returns NC… NumPy."""
    if recipe.framework == "torch":
        return _torch(recipe, layer, x, w, b)
    if recipe.framework == "tf":
        return _tf(recipe, layer, x, w, b)
    if recipe.framework == "keras":
        return _keras(recipe, layer, x, w, b)
    raise ValueError(f"cannot run {recipe.framework}")


# --------------------------------------------------------------------------- torch


def _torch(r: Recipe, layer: Layer, x: Any, w: Any, b: Any) -> Any:
    import torch
    import torch.nn.functional as F

    nd = layer.ndim
    t = torch.from_numpy(x)
    stride = list(layer.stride)
    dil = list(layer.dilation)
    pads = [a for a, _ in r.padding] if isinstance(r.padding, tuple) else r.padding
    mask = _torch_mask(r, t) if r.divide_by_count else None
    if r.pre_pad is not None:
        t = _torch_pad(t, r.pre_pad, float("-inf") if r.pad_value == "-inf" else 0.0)
    if layer.op == "conv":
        conv = getattr(F, f"conv{nd}d")
        y = conv(t, torch.from_numpy(w), torch.from_numpy(b), stride, pads, dil)
    elif layer.op == "deconv":
        convt = getattr(F, f"conv_transpose{nd}d")
        ops = list(r.output_padding or (0,) * nd)
        y = convt(t, torch.from_numpy(w), torch.from_numpy(b), stride, pads, ops, 1, dil)
    elif layer.pool == "max":
        y = getattr(F, f"max_pool{nd}d")(
            t, list(layer.kernel), stride, pads, dil, ceil_mode=r.ceil_mode
        )
    else:
        avg = getattr(F, f"avg_pool{nd}d")
        if r.divide_by_count:
            y = avg(t, list(layer.kernel), stride) / avg(mask, list(layer.kernel), stride)
        else:
            count = bool(r.count_pad) if r.count_pad is not None else True
            y = avg(
                t, list(layer.kernel), stride, pads, ceil_mode=r.ceil_mode, count_include_pad=count
            )
    y = _crop(y, r)
    return y.detach().numpy()


def _torch_pad(v: Any, pairs: Any, value: float = 0.0) -> Any:
    import torch.nn.functional as F

    flat = [p for pair in reversed(pairs) for p in pair]
    return F.pad(v, flat, value=value)


def _torch_mask(r: Recipe, t: Any) -> Any:
    """1 on the cells the source framework divides by, 0 on the other pad cells."""
    import torch

    mask = torch.ones_like(t[:, :1])
    if r.mask_pads:
        mask = _torch_pad(mask, r.mask_pads, 1.0)
        assert r.pre_pad is not None
        rest = [(a - m[0], b_ - m[1]) for (a, b_), m in zip(r.pre_pad, r.mask_pads, strict=True)]
        mask = _torch_pad(mask, rest)
    elif r.pre_pad:
        mask = _torch_pad(mask, r.pre_pad)
    return mask


def _crop(y: Any, r: Recipe) -> Any:
    if r.crop is None:
        return y
    index = [slice(None), slice(None)] + [
        slice(a, y.shape[2 + i] - b) for i, (a, b) in enumerate(r.crop)
    ]
    return y[tuple(index)]


# --------------------------------------------------------------------------- tensorflow


def _channels_last(pads: Sequence[Sequence[int]]) -> list[list[int]]:
    """Pad widths of a channels-last tensor: *pads* on the spatial axes, none on the batch
    and channel axes."""
    return [[0, 0], *[list(p) for p in pads], [0, 0]]


def _count_mask(r: Recipe, ones: Any, pad: Callable[..., Any]) -> Any:
    """What an average pool's window sums are divided by, before pooling: *ones* (one
    channel, channels-last) padded by ``pre_pad`` with 1 on the pad cells that count
    (``mask_pads``) and 0 on the others. *pad* is the framework's (``tf.pad``, ``ops.pad``)."""
    assert r.pre_pad is not None
    if not r.mask_pads:
        return pad(ones, _channels_last(r.pre_pad))
    ones = pad(ones, _channels_last(r.mask_pads), constant_values=1.0)
    rest = [(a - m[0], b - m[1]) for (a, b), m in zip(r.pre_pad, r.mask_pads, strict=True)]
    return pad(ones, _channels_last(rest))


def _tf_padding(r: Recipe) -> Any:
    if isinstance(r.padding, str):
        return r.padding.upper()
    if r.pre_pad is None and any(v for p in r.padding for v in p):
        return [[0, 0], *[list(p) for p in r.padding], [0, 0]]
    return "VALID"


def _tf(r: Recipe, layer: Layer, x: Any, w: Any, b: Any) -> Any:
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import tensorflow as tf

    nd = layer.ndim
    t = tf.constant(np.moveaxis(x, 1, -1))
    pad_spec = _tf_padding(r)
    mask = None
    if r.divide_by_count:
        mask = _count_mask(r, tf.ones_like(t[..., :1]), tf.pad)
    if r.pre_pad is not None:
        value = float("-inf") if r.pad_value == "-inf" else 0.0
        t = tf.pad(t, _channels_last(r.pre_pad), constant_values=value)
    strides = list(layer.stride)
    if layer.op == "conv":
        kernel = tf.constant(np.transpose(w, (*range(2, 2 + nd), 1, 0)))
        if isinstance(pad_spec, list):
            y = tf.nn.conv2d(t, kernel, strides, pad_spec, dilations=list(layer.dilation))
        else:
            y = tf.nn.convolution(t, kernel, strides, pad_spec, dilations=list(layer.dilation))
        y = y + b
    elif layer.op == "deconv":
        kernel = tf.constant(np.transpose(w, (*range(2, 2 + nd), 1, 0)))
        assert r.output_size is not None
        shape = [x.shape[0], *r.output_size, w.shape[1]]
        fn = {1: tf.nn.conv1d_transpose, 2: tf.nn.conv2d_transpose, 3: tf.nn.conv3d_transpose}[nd]
        y = fn(t, kernel, shape, strides, pad_spec) + b
    elif layer.pool == "max":
        y = tf.nn.max_pool(t, list(layer.kernel), strides, pad_spec)
    elif r.divide_by_count:
        y = tf.nn.avg_pool(t, list(layer.kernel), strides, "VALID") / tf.nn.avg_pool(
            mask, list(layer.kernel), strides, "VALID"
        )
    else:
        y = tf.nn.avg_pool(t, list(layer.kernel), strides, pad_spec)
    out = np.moveaxis(np.asarray(y), -1, 1)
    return _crop(out, r)


# --------------------------------------------------------------------------- keras


def _pairs(pairs: Any) -> Any:
    return tuple(pairs[0]) if len(pairs) == 1 else tuple(tuple(p) for p in pairs)


def _keras(r: Recipe, layer: Layer, x: Any, w: Any, b: Any) -> Any:
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import keras  # type: ignore[import-not-found, unused-ignore]
    from keras import layers, ops  # type: ignore[import-not-found, unused-ignore]

    nd = layer.ndim
    t = ops.convert_to_tensor(np.moveaxis(x, 1, -1))
    mode = r.padding if isinstance(r.padding, str) else "valid"
    k = tuple(layer.kernel)
    s = tuple(layer.stride)
    d = tuple(layer.dilation)
    if r.pre_pad is not None and (r.pad_value == "-inf" or r.divide_by_count):
        value = float("-inf") if r.pad_value == "-inf" else 0.0
        mask = None
        if r.divide_by_count:
            mask = _count_mask(r, ops.ones_like(t[..., :1]), ops.pad)
        t = ops.pad(t, _channels_last(r.pre_pad), constant_values=value)
        if r.divide_by_count:
            y = ops.average_pool(t, k, s, "valid") / ops.average_pool(mask, k, s, "valid")
            return _crop(np.moveaxis(np.asarray(y), -1, 1), r)
    elif r.pre_pad is not None:
        t = getattr(layers, f"ZeroPadding{nd}D")(_pairs(r.pre_pad))(t)
    if layer.op == "conv":
        conv = getattr(layers, f"Conv{nd}D")(C_OUT, k, strides=s, padding=mode, dilation_rate=d)
        conv.build(t.shape)
        conv.set_weights([np.transpose(w, (*range(2, 2 + nd), 1, 0)), b])
        y = conv(t)
    elif layer.op == "deconv":
        op = tuple(r.output_padding) if r.output_padding is not None else None
        convt = getattr(layers, f"Conv{nd}DTranspose")(
            C_OUT, k, strides=s, padding=mode, output_padding=op, dilation_rate=d
        )
        convt.build(t.shape)
        convt.set_weights([np.transpose(w, (*range(2, 2 + nd), 1, 0)), b])
        y = convt(t)
    elif layer.pool == "max":
        y = getattr(layers, f"MaxPooling{nd}D")(k, strides=s, padding=mode)(t)
    else:
        y = getattr(layers, f"AveragePooling{nd}D")(k, strides=s, padding=mode)(t)
    if r.crop is not None:
        y = getattr(layers, f"Cropping{nd}D")(_pairs(r.crop))(y)
    del keras
    return np.moveaxis(np.asarray(y), -1, 1)
