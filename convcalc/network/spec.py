"""The layer-stack language of ``convcalc chain`` (pure, standard library only).

A spec is a list of layers separated by commas or newlines (``#`` starts a comment). Each
layer is an op word followed by tokens::

    conv k7 s2 p3 c64 nobias bn @conv1      kernel, stride, pad, channels, no bias, BatchNorm
    pool max k3 s2 p1                       max/avg pool (stride defaults to the kernel)
    deconv k4 s2 same c32                   transposed conv (op1 = output_padding, o14 = size)
    res[conv k3 p1 c64, conv k3 p1 c64]     residual block; `| …` after the body: shortcut
    conv k3 c64 x2                          x2 repeats a layer (or a block)
    cat e1 crop / add e1                    concatenate / add the tensor labelled @e1
    gap, adaptive avg o7, flatten, fc 1000, upsample f2, bn, relu, dropout
    upsample f2 linear align, upsample f1.5 cubic opencv, upsample o8x6 area

Tokens: ``k3``/``k3x5`` kernel, ``s2`` stride, ``d2`` dilation, ``p1``/``p1x2``/``p1:2`` pads
or a mode (``same``, ``valid``, ``same-lower``, ``full``, ``causal``), ``c64`` output
channels, ``g4`` groups, ``dw`` depthwise, ``ceil``, ``op1``, ``o14``, ``f2``, ``@name``;
``upsample`` also takes ``f1.5``, a mode, ``align`` and a convention such as ``opencv``
(:mod:`convcalc.network.spec_resize`).

>>> [s.op for s in parse_spec("conv k3 c8 x2, pool max k2")]
['conv', 'conv', 'pool']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from convcalc.errors import SpecError
from convcalc.network.spec_resize import RESIZE_FLAGS, SCALES, check_resize_words, scale_token
from convcalc.shape import Padding
from convcalc.shape.axes import MAX_SIZE, check_size, parse_int

__all__ = ["MAX_LAYERS", "MAX_SPEC_CHARS", "LayerSpec", "parse_spec", "split_items"]

PadToken = Padding | tuple[int | tuple[int, int], ...]

OPS = {
    **dict.fromkeys(("conv", "conv1d", "conv2d", "conv3d"), "conv"),
    **dict.fromkeys(("deconv", "convt", "tconv", "upconv", "conv_transpose"), "deconv"),
    **dict.fromkeys(("pool", "maxpool", "avgpool"), "pool"),
    **dict.fromkeys(("gap", "gmp", "global"), "gap"),
    **{op: op for op in ("adaptive", "flatten", "upsample", "add")},
    **dict.fromkeys(("fc", "linear", "dense"), "fc"),
    **dict.fromkeys(("bn", "batchnorm"), "bn"),
    **dict.fromkeys(("cat", "concat"), "cat"),
}
ACTIVATIONS = {
    "relu",
    "relu6",
    "gelu",
    "silu",
    "swish",
    "sigmoid",
    "tanh",
    "softmax",
    "dropout",
    "identity",
    "act",
    "leakyrelu",
    "elu",
    "hardswish",
}


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """One parsed layer. ``index`` (1-based, in reading order) and ``text`` name it in
    every message; ``body``/``shortcut`` hold a residual block's branches."""

    index: int
    text: str
    op: str
    kernel: tuple[int, ...] | None = None
    stride: tuple[int, ...] | None = None
    dilation: tuple[int, ...] = (1,)
    padding: PadToken | None = None
    channels: int | None = None
    groups: int = 1
    depthwise: bool = False
    bias: bool = True
    bn: bool = False
    pool: str = "max"
    ceil: bool = False
    output_padding: tuple[int, ...] | None = None
    output_size: tuple[int, ...] | None = None
    factor: tuple[int, ...] | None = None
    scale: tuple[float, ...] | None = None
    resize: str | None = None
    align: bool = False
    convention: str | None = None
    ref: str | None = None
    crop: bool = False
    label: str | None = None
    body: tuple[LayerSpec, ...] = field(default=())
    shortcut: tuple[LayerSpec, ...] = field(default=())

    def fail(self, message: str) -> SpecError:
        """A :class:`SpecError` that names this layer."""
        return SpecError(f"layer {self.index} '{self.text}': {message}")


def split_items(text: str, sep: str = ",") -> list[str]:
    """Split at *sep* outside brackets (newlines and ``;`` count as commas).

    >>> split_items("res[conv k3, conv k3], pool max k2")
    ['res[conv k3, conv k3]', 'pool max k2']
    """
    if sep == ",":
        text = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
        text = text.replace("\n", ",").replace(";", ",")
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth < 0:
                raise SpecError(f"unbalanced ']' in {text.strip()!r}")
        if ch == sep and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth:
        raise SpecError(f"unclosed '[' in {text.strip()!r}")
    items.append("".join(current))
    return [" ".join(item.split()) for item in items if item.strip()]


MAX_LAYERS = 1_000
"""Most layers a spec may expand to (repeats and blocks counted out): ``x1000000`` ends in a
one-line :class:`SpecError` naming this limit, not in minutes of work."""

MAX_SPEC_CHARS = 200_000
"""Longest spec text convcalc reads (a layer per line, that is thousands of layers)."""


class _Counter:
    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        if self.value > MAX_LAYERS:
            raise SpecError(
                f"the spec expands to more than {MAX_LAYERS} layers (convcalc's limit); "
                "lower the repeat counts"
            )
        return self.value


def parse_spec(text: str) -> list[LayerSpec]:
    """Parse a whole spec into layers (repeats expanded, blocks nested). Numbers are ASCII
    digits up to 2**40; at most :data:`MAX_LAYERS` layers and :data:`MAX_SPEC_CHARS`
    characters.

    Raises:
        SpecError: naming the layer number, its text and the offending token.
    """
    if len(text) > MAX_SPEC_CHARS:
        raise SpecError(
            f"the spec has {len(text)} characters, more than convcalc reads "
            f"(limit {MAX_SPEC_CHARS})"
        )
    layers = _parse_items(split_items(text), _Counter())
    if not layers:
        raise SpecError("the network spec has no layers")
    return layers


def _parse_items(items: list[str], counter: _Counter) -> list[LayerSpec]:
    out: list[LayerSpec] = []
    for item in items:
        out.extend(_parse_item(item, counter))
    return out


_BLOCK = re.compile(r"^(res|residual)\s*\[(.*)\]([^\]]*)$", re.IGNORECASE)


def _parse_item(item: str, counter: _Counter) -> list[LayerSpec]:
    block = _BLOCK.match(item)
    if block:
        inner, tail = block.group(2), block.group(3).split()
        repeat, label, rest = _tail_tokens(tail)
        index_hint = counter.value + 1
        if rest:
            raise SpecError(f"layer {index_hint} '{item}': unknown token {rest[0]!r} after ']'")
        branches = split_items(inner, "|")
        if len(branches) > 2:
            raise SpecError(
                f"layer {index_hint} '{item}': a block has a body and at most one '| shortcut'"
            )
        specs = []
        for _ in range(repeat):
            body = _parse_items(split_items(branches[0]) if branches else [], counter)
            if not body:
                raise SpecError(f"layer {index_hint} '{item}': empty block body")
            shortcut = _parse_items(split_items(branches[1]), counter) if len(branches) > 1 else []
            text = "add ← " + ("shortcut" if shortcut else "identity")
            text += f" @{label}" if label else ""
            specs.append(
                LayerSpec(
                    counter.next(),
                    text,
                    "res",
                    label=label,
                    body=tuple(body),
                    shortcut=tuple(shortcut),
                )
            )
        return specs
    tokens = item.split()
    repeat, label, tokens = _tail_tokens(tokens)
    specs = []
    for _ in range(repeat):
        specs.append(_parse_layer(counter.next(), item, tokens, label))
    return specs


def _tail_tokens(tokens: list[str]) -> tuple[int, str | None, list[str]]:
    """Pull ``xN`` and ``@label`` out of a token list."""
    repeat = 1
    label = None
    rest = []
    for tok in tokens:
        if re.fullmatch(r"x[0-9]+", tok.lower()):
            try:
                repeat = parse_int(tok[1:])
            except SpecError:  # 31+ digits: certainly over the layer limit
                repeat = MAX_LAYERS + 1
        elif tok.startswith("@") and len(tok) > 1:
            label = tok[1:]
        else:
            rest.append(tok)
    return repeat, label, rest


_SIZES = re.compile(r"[0-9]+(x[0-9]+)*")
_DIGITS = re.compile(r"[0-9]+")


_NAMES = {
    "k": "kernel",
    "s": "stride",
    "d": "dilation",
    "c": "channels",
    "g": "groups",
    "o": "output size",
    "f": "scale factor",
    "op": "output_padding",
    "to": "output size",
    "": "outputs",
}


def _sizes(spec_text: str, index: int, tok: str, body: str, minimum: int = 1) -> tuple[int, ...]:
    prefix = tok[: len(tok) - len(body)].lower()
    name = _NAMES.get(prefix, prefix)
    if not _SIZES.fullmatch(body):
        raise SpecError(
            f"layer {index} '{spec_text}': {name} {tok!r} needs a number such as "
            f"{prefix}3 or {prefix}3x5"
        )
    try:
        return tuple(check_size(name, parse_int(v), minimum) for v in body.split("x"))
    except SpecError as exc:
        raise SpecError(f"layer {index} '{spec_text}': {exc}") from None


def _pad_token(spec_text: str, index: int, tok: str) -> PadToken:
    body = tok[1:].lstrip("=")
    if body[:1].isalpha():
        return Padding.parse(body)
    try:
        parts: list[int | tuple[int, int]] = []
        for part in body.split("x"):
            values = [parse_int(v) for v in part.split(":")]
            if len(values) > 2 or min(values) < 0 or max(values) > MAX_SIZE:
                raise ValueError(part)
            parts.append(values[0] if len(values) == 1 else (values[0], values[1]))
    except ValueError:
        raise SpecError(
            f"layer {index} '{spec_text}': bad padding {tok!r}; use p1, p1x2, "
            "p1:2 (0 to 2**40) or a mode such as same"
        ) from None
    return tuple(parts)


_MODES = {m.value for m in Padding} | {"same_lower", "same-upper", "same_upper"}


def _parse_layer(index: int, text: str, tokens: list[str], label: str | None) -> LayerSpec:
    if not tokens:
        raise SpecError(f"layer {index}: empty layer")
    word = tokens[0].lower()
    rest = tokens[1:]
    if word in ACTIVATIONS:
        if rest:
            raise SpecError(f"layer {index} '{text}': {word} takes no arguments, got {rest[0]!r}")
        return LayerSpec(index, text, "act", label=label)
    if word not in OPS:
        raise SpecError(
            f"layer {index} '{text}': unknown layer type {tokens[0]!r}; expected one of "
            "conv, deconv, pool, maxpool, avgpool, gap, adaptive, flatten, fc, bn, upsample, "
            "add, cat, res[...] or an activation"
        )
    op = OPS[word]
    fields: dict[str, object] = {}
    if op == "gap" or word in ("avgpool", "gmp"):
        fields["pool"] = "max" if word == "gmp" else "avg"
    if op in ("add", "cat"):
        if not rest or rest[0][:1] in "@":
            raise SpecError(
                f"layer {index} '{text}': {op} needs the label of an earlier layer, "
                f"e.g. '{op} e1' (mark it with @e1)"
            )
        fields["ref"] = rest[0]
        rest = rest[1:]
    for tok in rest:
        fields.update(_token(text, index, tok, op))
    spec = replace(LayerSpec(index, text, op, label=label), **fields)  # type: ignore[arg-type]
    return _check(spec)


_FLAGS: dict[str, tuple[str, object]] = {
    "max": ("pool", "max"),
    "avg": ("pool", "avg"),
    "mean": ("pool", "avg"),
    "nobias": ("bias", False),
    "bias": ("bias", True),
    "bn": ("bn", True),
    "ceil": ("ceil", True),
    "dw": ("depthwise", True),
    "crop": ("crop", True),
    **RESIZE_FLAGS,
}
# (prefix, field, minimum, a single value?) in the order they are tried; a digit must follow.
_NUMBERED = [
    ("op", "output_padding", 0, False),
    ("to", "output_size", 1, False),
    ("s", "stride", 1, False),
    ("d", "dilation", 1, False),
    ("c", "channels", 1, True),
    ("g", "groups", 1, True),
    ("o", "output_size", 1, False),
    ("f", "factor", 1, False),
]


def _token(text: str, index: int, tok: str, op: str) -> dict[str, object]:
    """The field(s) one token of a layer sets."""
    low = tok.lower()
    if low in _FLAGS:
        name, value = _FLAGS[low]
        return {name: value}
    if low in _MODES:
        return {"padding": Padding.parse(low)}
    if low[:1] == "k":
        return {"kernel": _sizes(text, index, tok, low[1:])}
    if low[:1] == "f" and "." in low and SCALES.fullmatch(low[1:]):
        return {"scale": scale_token(text, index, tok, low[1:])}
    for prefix, name, minimum, single in _NUMBERED:
        if low.startswith(prefix) and low[len(prefix) : len(prefix) + 1].isdigit():
            values = _sizes(text, index, tok, low[len(prefix) :], minimum)
            return {name: values[0] if single else values}
    if low[:1] == "p":
        return {"padding": _pad_token(text, index, low)}
    if _DIGITS.fullmatch(low) and op == "fc":
        return {"channels": _sizes(text, index, tok, low, minimum=0)[0]}
    raise SpecError(f"layer {index} '{text}': unknown token {tok!r}")


def _check(spec: LayerSpec) -> LayerSpec:
    needs_kernel = spec.op in ("conv", "deconv", "pool")
    if needs_kernel and spec.kernel is None:
        raise spec.fail("needs a kernel size, e.g. k3")
    if spec.op == "fc" and spec.channels is None:
        raise spec.fail("needs the number of outputs, e.g. fc 1000")
    if spec.op == "adaptive" and spec.output_size is None:
        raise spec.fail("needs the output size, e.g. adaptive avg o7")
    check_resize_words(spec)
    if spec.output_padding is not None and spec.op != "deconv":
        raise spec.fail("op (output_padding) applies to deconv only")
    if spec.ceil and spec.op != "pool":
        raise spec.fail("ceil applies to pool only")
    if spec.groups < 1:
        raise spec.fail(f"groups must be ≥ 1, got {spec.groups}")
    return spec
