"""Turn a port recipe into code lines for PyTorch, TensorFlow, Keras or ONNX (pure).

Channels are written ``C_in``/``C_out``; data is NCHW for PyTorch and ONNX, NHWC for
TensorFlow and Keras.

>>> from convcalc.frameworks.port import port_layer
>>> from convcalc.frameworks.source import source_layer
>>> layer = source_layer("tf", "conv", (224,), 7, stride=2, padding="same")
>>> render(port_layer(layer, "torch"), layer)[0]
'x = F.pad(x, (2, 3))  # last axis first'
"""

from __future__ import annotations

from collections.abc import Callable

from convcalc.frameworks.layer import Layer, one_value, pads_text
from convcalc.frameworks.recipe import Pads, Recipe

__all__ = ["render"]


def _torch_pad_arg(pads: Pads) -> str:
    flat = [v for pair in reversed(pads) for v in pair]
    return "(" + ", ".join(str(v) for v in flat) + ")"


def _tf_pad_arg(pads: Pads) -> str:
    inner = ", ".join(f"[{a}, {b}]" for a, b in pads)
    return f"[[0, 0], {inner}, [0, 0]]"


def render(recipe: Recipe, layer: Layer) -> list[str]:
    """Code lines for *recipe* (channels written ``C_in``/``C_out``; data NCHW for PyTorch and
    ONNX, NHWC for TensorFlow and Keras); no lines when the recipe is not exact."""
    if not recipe.exact:
        return []
    return RENDERERS[recipe.framework](recipe, layer)


def _common(layer: Layer) -> tuple[str, str, str]:
    k = one_value(layer.kernel)
    s = one_value(layer.stride)
    d = one_value(layer.dilation)
    return k, s, d


def _render_torch(r: Recipe, layer: Layer) -> list[str]:
    nd = layer.ndim
    k, s, d = _common(layer)
    lines = []
    pads = r.padding if isinstance(r.padding, tuple) else ()
    sym = one_value([a for a, _ in pads]) if pads else "0"
    if isinstance(r.padding, str):
        sym = f"'{r.padding}'"
    dil = f", dilation={d}" if d != "1" else ""
    if r.pre_pad is not None:
        value = ", value=float('-inf')" if r.pad_value == "-inf" else ""
        order = "(left, right, top, bottom)" if nd == 2 else "last axis first"
        lines.append(f"x = F.pad(x, {_torch_pad_arg(r.pre_pad)}{value})  # {order}")
    if r.op == "conv":
        lines.append(f"conv = nn.Conv{nd}d(C_in, C_out, {k}, stride={s}, padding={sym}{dil})")
        lines.append("y = conv(x)")
    elif r.op == "deconv":
        op = (
            f", output_padding={one_value(r.output_padding)}"
            if r.output_padding and any(r.output_padding)
            else ""
        )
        lines.append(
            f"deconv = nn.ConvTranspose{nd}d(C_in, C_out, {k}, stride={s}, padding={sym}{op}{dil})"
        )
        lines.append("y = deconv(x)")
    elif r.divide_by_count:
        assert r.pre_pad is not None
        ones = "torch.ones_like(x[:, :1])"
        counted = r.mask_pads if r.mask_pads and any(v for p in r.mask_pads for v in p) else None
        if counted is None:
            lines.insert(0, f"ones = F.pad({ones}, {_torch_pad_arg(r.pre_pad)})  # 1 = counted")
        else:
            rest = tuple((a - m[0], b - m[1]) for (a, b), m in zip(r.pre_pad, counted, strict=True))
            lines.insert(0, f"ones = F.pad({ones}, {_torch_pad_arg(counted)}, value=1.0)")
            lines.insert(1, f"ones = F.pad(ones, {_torch_pad_arg(rest)})  # 1 = counted")
        lines.append(f"y = F.avg_pool{nd}d(x, {k}, {s}) / F.avg_pool{nd}d(ones, {k}, {s})")
    else:
        kind = "Max" if layer.pool == "max" else "Avg"
        extra = ", ceil_mode=True" if r.ceil_mode else ""
        if layer.pool == "avg" and r.count_pad is False:
            extra += ", count_include_pad=False"
        lines.append(f"pool = nn.{kind}Pool{nd}d({k}, stride={s}, padding={sym}{extra}{dil})")
        lines.append("y = pool(x)")
    if r.crop is not None:
        sl = ", ".join(f"{a}:{f'-{b}' if b else ''}" for a, b in r.crop)
        lines.append(f"y = y[..., {sl}]  # crop {pads_text(r.crop)}")
    return lines


def _render_tf(r: Recipe, layer: Layer) -> list[str]:
    nd = layer.ndim
    k, s, d = _common(layer)
    lines = []
    if isinstance(r.padding, str):
        pad = f"'{r.padding.upper()}'"
    elif r.pre_pad is None and any(v for p in r.padding for v in p):
        pad = _tf_pad_arg(r.padding)
    else:
        pad = "'VALID'"
    if r.pre_pad is not None:
        value = ", constant_values=float('-inf')" if r.pad_value == "-inf" else ""
        lines.append(f"x = tf.pad(x, {_tf_pad_arg(r.pre_pad)}{value})")
    dil = f", dilations={d}" if d != "1" else ""
    if r.op == "conv":
        fn = f"tf.nn.conv{nd}d" if nd in (1, 2, 3) else "tf.nn.convolution"
        lines.append(
            f"y = {fn}(x, kernel, strides={s}, padding={pad}{dil})  # kernel: "
            f"{'×'.join(['k'] * nd)}×C_in×C_out"
        )
    elif r.op == "deconv":
        assert r.output_size is not None
        shape = ", ".join(str(v) for v in r.output_size)
        lines.append(
            f"y = tf.nn.conv{nd}d_transpose(x, kernel, output_shape=[N, {shape}, C_out], "
            f"strides={s}, padding={pad}{dil})  # kernel: {'×'.join(['k'] * nd)}×C_out×C_in"
        )
    elif r.divide_by_count:
        assert r.pre_pad is not None
        lines.insert(0, "ones = tf.ones_like(x[..., :1])")
        lines.insert(1, _mask_tf(r))
        lines.append(
            f"y = tf.nn.avg_pool{nd}d(x, {k}, {s}, 'VALID') / "
            f"tf.nn.avg_pool{nd}d(ones, {k}, {s}, 'VALID')"
        )
    else:
        kind = "max" if layer.pool == "max" else "avg"
        lines.append(f"y = tf.nn.{kind}_pool{nd}d(x, {k}, {s}, padding={pad})")
    if r.crop is not None:
        sl = ", ".join(f"{a}:{f'-{b}' if b else ''}" for a, b in r.crop)
        lines.append(f"y = y[:, {sl}, :]  # crop {pads_text(r.crop)}")
    return lines


def _mask_tf(r: Recipe) -> str:
    assert r.pre_pad is not None
    if r.mask_pads and any(v for p in r.mask_pads for v in p):
        rest = tuple((a - m[0], b - m[1]) for (a, b), m in zip(r.pre_pad, r.mask_pads, strict=True))
        return (
            f"ones = tf.pad(tf.pad(ones, {_tf_pad_arg(r.mask_pads)}, constant_values=1.0), "
            f"{_tf_pad_arg(rest)})"
        )
    return f"ones = tf.pad(ones, {_tf_pad_arg(r.pre_pad)})"


def _keras_pairs(pairs: Pads) -> str:
    """ZeroPadding1D/Cropping1D take one ``(a, b)``; the 2-D/3-D layers one pair per axis."""
    if len(pairs) == 1:
        return f"({pairs[0][0]}, {pairs[0][1]})"
    return "(" + ", ".join(f"({a}, {b})" for a, b in pairs) + ")"


def _render_keras(r: Recipe, layer: Layer) -> list[str]:
    nd = layer.ndim
    k, s, d = _common(layer)
    lines = []
    mode = r.padding if isinstance(r.padding, str) else "valid"
    dil = f", dilation_rate={d}" if d != "1" else ""
    if r.pre_pad is not None and r.pad_value == "-inf":
        lines.append(f"x = ops.pad(x, {_tf_pad_arg(r.pre_pad)}, constant_values=float('-inf'))")
    elif r.pre_pad is not None and not r.divide_by_count:
        lines.append(f"x = layers.ZeroPadding{nd}D({_keras_pairs(r.pre_pad)})(x)")
    if r.op == "conv":
        lines.append(f"y = layers.Conv{nd}D(C_out, {k}, strides={s}, padding='{mode}'{dil})(x)")
    elif r.op == "deconv":
        op = (
            f", output_padding={one_value(r.output_padding)}"
            if r.output_padding is not None
            else ""
        )
        lines.append(
            f"y = layers.Conv{nd}DTranspose(C_out, {k}, strides={s}, padding='{mode}'{op}{dil})(x)"
        )
    elif r.divide_by_count:
        assert r.pre_pad is not None
        lines.append("ones = ops.ones_like(x[..., :1])")
        lines.append(_mask_tf(r).replace("tf.pad", "ops.pad").replace("tf.ones", "ops.ones"))
        lines.append(f"x = ops.pad(x, {_tf_pad_arg(r.pre_pad)})")
        lines.append(
            f"y = ops.average_pool(x, {k}, {s}, 'valid') / ops.average_pool(ones, {k}, {s}, "
            "'valid')"
        )
    else:
        kind = "Max" if layer.pool == "max" else "Average"
        lines.append(f"y = layers.{kind}Pooling{nd}D({k}, strides={s}, padding='{mode}')(x)")
    if r.crop is not None:
        lines.append(f"y = layers.Cropping{nd}D({_keras_pairs(r.crop)})(y)")
    return lines


def _render_onnx(r: Recipe, layer: Layer) -> list[str]:
    k = list(layer.kernel)
    s = list(layer.stride)
    d = list(layer.dilation)
    pads = r.padding if isinstance(r.padding, tuple) else ()
    flat = [a for a, _ in pads] + [b for _, b in pads]
    attrs = [f"kernel_shape={k}", f"strides={s}"]
    if r.op != "pool" or any(v > 1 for v in d):
        attrs.append(f"dilations={d}")
    attrs.append(f"pads={flat}")
    if r.op == "conv":
        node = "Conv"
    elif r.op == "deconv":
        node = "ConvTranspose"
        attrs.append(f"output_padding={list(r.output_padding or (0,) * layer.ndim)}")
    else:
        node = "MaxPool" if layer.pool == "max" else "AveragePool"
        if r.ceil_mode:
            attrs.append("ceil_mode=1")
        if layer.pool == "avg":
            attrs.append(f"count_include_pad={int(bool(r.count_pad))}")
    return [f"{node}({', '.join(attrs)})  # pads = [begin per axis..., end per axis...]"]


RENDERERS: dict[str, Callable[[Recipe, Layer], list[str]]] = {
    "torch": _render_torch,
    "tf": _render_tf,
    "keras": _render_keras,
    "onnx": _render_onnx,
}
"""One code writer per portable framework."""
