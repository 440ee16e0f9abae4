"""Which kernel, stride, padding, dilation (and output_padding) take size N to size M (pure).

Kernels, strides and dilations are taken over small ranges (or the values the user fixes);
for each, :mod:`convcalc.frameworks.solve_search` finds the paddings that reach the wanted
size by bisection on the shape engine. They are ranked simplest first, and the first few
are spelled in PyTorch, TensorFlow/Keras and ONNX by :mod:`convcalc.frameworks.port`.

>>> [s.label for s in solve_axis("deconv", 7, 14, kernels=[3], strides=[2])]
['same', 'padding 1, output_padding 1']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from convcalc.errors import NoInverseError, SpecError
from convcalc.frameworks.layer import Layer, make_layer
from convcalc.frameworks.port import port_layer
from convcalc.frameworks.recipe import Recipe
from convcalc.frameworks.solve_search import (
    MAX_SOLUTIONS,
    Candidate,
    Found,
    Setting,
    deconv_candidates,
    window_candidates,
)
from convcalc.shape import DeconvAxis, Padding
from convcalc.shape.axes import Pair, check_size

__all__ = ["MAX_SOLUTIONS", "SEARCH_BUDGET", "Solution", "solve_axis"]

SEARCH_BUDGET = 4096
"""Most (kernel, stride, dilation) combinations one solve tries (64 kernels × 64 strides);
each costs a few plans per padding family, found by bisection (O(log k) plans, whatever
the sizes). More is an error that names this limit."""


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
    limit: int | None = None,
) -> list[Solution]:
    """Every parameter set over the given ranges that maps *size* to *target* on one axis
    (the first *limit* of them).

    Ranked: no dilation first, then no output_padding, symmetric before asymmetric pads,
    smaller kernels, smaller strides, fewer pads.

    Raises:
        SpecError: a value above ``MAX_SIZE``, more than ``SEARCH_BUDGET`` combinations of
            kernel, stride and dilation, or more than ``MAX_SOLUTIONS`` solutions to list.
        NoInverseError: nothing reaches *target*; the message names the nearest sizes.
    """
    if op not in ("conv", "pool", "deconv"):
        raise SpecError(f"unknown layer type {op!r}; expected conv, pool or deconv")
    _check_search(size, target, kernels, strides, dilations, paddings, limit)
    found = Found()
    best: dict[tuple[int, ...], Candidate] = {}
    for d in dilations:
        for k in kernels:
            for s in strides:
                setting = Setting(size, target, k, s, d)
                if op == "deconv":
                    cands = deconv_candidates(setting, paddings, limit, found)
                else:
                    cands = window_candidates(op, setting, paddings, ceil_mode, limit, found)
                for c in cands:
                    if c.ident not in best or c.key < best[c.ident].key:
                        best[c.ident] = c
    if not best:
        raise NoInverseError(_nothing(op, size, target, found))
    ranked = sorted(best.values(), key=lambda c: c.key)[:limit]
    return [_solution(op, size, target, c, ceil_mode) for c in ranked]


def _check_search(
    size: int,
    target: int,
    kernels: Sequence[int],
    strides: Sequence[int],
    dilations: Sequence[int],
    paddings: Sequence[Padding | Pair] | None,
    limit: int | None,
) -> None:
    """Every value at most ``MAX_SIZE``; the search within ``SEARCH_BUDGET``."""
    combos = len(kernels) * len(strides) * len(dilations)
    if combos > SEARCH_BUDGET:
        raise SpecError(
            f"{len(kernels)} kernels × {len(strides)} strides × {len(dilations)} dilations "
            f"is {combos} combinations, more than SEARCH_BUDGET = {SEARCH_BUDGET}: fix some "
            "of them or search smaller ranges"
        )
    if limit is not None and not 1 <= limit <= MAX_SOLUTIONS:
        raise SpecError(f"limit must be 1 to {MAX_SOLUTIONS} (MAX_SOLUTIONS), got {limit}")
    pads = [v for p in paddings or () if not isinstance(p, Padding) for v in p]
    for name, values in (
        ("input size", [size]),
        ("output size", [target]),
        ("kernel", kernels),
        ("stride", strides),
        ("dilation", dilations),
        ("pad", pads),
    ):
        for value in values:
            check_size(name, value, 0 if name == "pad" else 1)


def _nothing(op: str, size: int, target: int, found: Found) -> str:
    """The one-line answer when no parameter set reaches *target*.

    >>> _nothing("conv", 10, 1000, Found(below=16))
    'no conv in the searched range takes 10 to 1000; nearest reachable sizes: 16 (below)'
    """
    near = [f"{v} ({side})" for v, side in ((found.below, "below"), (found.above, "above")) if v]
    return f"no {op} in the searched range takes {size} to {target}; " + (
        f"nearest reachable sizes: {', '.join(near)}" if near else "no size is reachable"
    )


def _solution(op: str, size: int, target: int, c: Candidate, ceil_mode: bool) -> Solution:
    """The :class:`Solution` of a ranked candidate, with its framework spellings."""
    if op == "deconv":
        assert isinstance(c.axis, DeconvAxis)
        return _deconv_solution(size, target, c)
    axis = c.axis
    padding = c.padding
    if isinstance(padding, Padding):
        label = f"{padding.value} {axis.pads}"
    else:
        label = f"padding {axis.pad_low}" if axis.pad_low == axis.pad_high else f"pads {axis.pads}"
    layer = make_layer(
        op,
        (size,),
        c.kernel,
        stride=c.stride,
        dilation=c.dilation,
        padding=padding if isinstance(padding, Padding) else [axis.pads],
        ceil_mode=ceil_mode,
    )
    return Solution(
        c.kernel,
        c.stride,
        c.dilation,
        padding.value if isinstance(padding, Padding) else axis.pads,
        axis.pads,
        target,
        None,
        label,
        *_spell(layer),
    )


def _deconv_solution(size: int, target: int, c: Candidate) -> Solution:
    a = c.axis
    assert isinstance(a, DeconvAxis)
    k, s, d = c.kernel, c.stride, c.dilation
    note = f"crop {(a.pad_low, a.pad_high - a.output_padding)}"
    if isinstance(c.padding, Padding):
        mode = c.padding
        keras = a.keras_output_padding
        keras_text = (
            "output_padding=None"
            if a.default_output == target
            else (f"output_padding={keras}" if keras is not None else "no Keras spelling")
        )
        layer = make_layer(
            "deconv", (size,), k, stride=s, dilation=d, padding=mode, output_size=(target,)
        )
        torch, _, onnx = _spell(layer)
        tf = f"padding='{mode.value.upper()}', output_shape={target}; Keras {keras_text}"
        return Solution(
            k, s, d, mode.value, a.pads, target, a.output_padding, mode.value, torch, tf, onnx, note
        )
    layer = make_layer(
        "deconv",
        (size,),
        k,
        stride=s,
        dilation=d,
        padding=[a.pads],
        output_padding=a.output_padding,
    )
    label = f"padding {a.pad_low}, output_padding {a.output_padding}"
    return Solution(k, s, d, a.pads, a.pads, target, a.output_padding, label, *_spell(layer), note)


def _spell(layer: Layer) -> tuple[str, str, str]:
    """Short PyTorch, TensorFlow and ONNX spellings of a 1-axis layer."""
    out = []
    for fw in ("torch", "tf", "onnx"):
        r = port_layer(layer, fw)
        out.append(_short(r, layer.op))
    return out[0], out[1], out[2]


def _short(r: Recipe, op: str) -> str:
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
