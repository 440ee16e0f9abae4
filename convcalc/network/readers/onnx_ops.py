"""ONNX ops as shape steps on a :class:`~convcalc.network.graph.GraphRun` (pure: the
``onnx`` package is only needed to read the file, :mod:`convcalc.network.readers.onnx`).

Windows (Conv, ConvTranspose, pools) go through :func:`convcalc.network.layers.step`, so
their pads and sizes come from the shape engine: ``auto_pad`` ``SAME_UPPER`` is
:data:`~convcalc.shape.Padding.SAME`, ``SAME_LOWER`` puts the odd zero first, ``pads`` are
``[x1_begin, x2_begin, …, x1_end, x2_end, …]``. Layout and shape arithmetic ops live in
:mod:`convcalc.network.readers.onnx_shape`, resizing and reductions in
:mod:`convcalc.network.readers.onnx_resize`.

>>> from convcalc.network.graph import GraphRun
>>> run = GraphRun(2)
>>> x = run.input("x", (1, 3, 224, 225), (2, 3))
>>> w = Value((32, 3, 7, 7))
>>> attrs = {"strides": [2, 2], "auto_pad": "SAME_UPPER"}
>>> out = OPS["Conv"](run, Node("c", "Conv", 17, attrs), [x, w])
>>> out.values[0].shape, out.done.pads
((1, 32, 112, 113), ((2, 3), (3, 3)))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from convcalc.errors import SpecError
from convcalc.network.field import Whole
from convcalc.network.graph import GraphRun, Out, Value
from convcalc.network.readers.onnx_resize import RESIZE_OPS
from convcalc.network.readers.onnx_shape import SHAPE_OPS, Node
from convcalc.network.spec import LayerSpec, PadToken
from convcalc.shape import Padding

__all__ = ["OPS", "WEIGHTED", "Node"]


Op = Callable[[GraphRun, Node, Sequence[Value | None]], Out]

WEIGHTED = {
    "Conv",
    "ConvTranspose",
    "Gemm",
    "MatMul",
    "BatchNormalization",
    "InstanceNormalization",
    "LayerNormalization",
    "GroupNormalization",
    "PRelu",
    "Add",
    "Sub",
    "Mul",
    "Div",
}
"""Ops whose constant inputs count as parameters (when the output depends on the data)."""


def _x(ins: Sequence[Value | None], i: int = 0) -> Value:
    v = ins[i] if i < len(ins) else None
    if v is None:
        raise SpecError(f"input {i} is missing")
    return v


def _geometry(node: Node, x: Value, kernel: Sequence[int]) -> dict[str, Any]:
    """kernel, stride, dilation and padding of a window node on *x* (N×C×spatial)."""
    ndim = len(x.shape) - 2
    if ndim < 1:
        raise SpecError(f"needs N×C×spatial input, got {list(x.shape)}")
    a = node.attrs
    k = tuple(int(v) for v in (a.get("kernel_shape") or kernel))
    stride = tuple(int(v) for v in (a.get("strides") or [1] * ndim))
    dilation = tuple(int(v) for v in (a.get("dilations") or [1] * ndim))
    if not (len(k) == len(stride) == len(dilation) == ndim):
        raise SpecError(f"kernel {list(k)}, strides or dilations do not have {ndim} entries")
    return {"kernel": k, "stride": stride, "dilation": dilation, "padding": _padding(a, ndim)}


def _padding(attrs: dict[str, Any], ndim: int) -> PadToken:
    auto = attrs.get("auto_pad") or "NOTSET"
    modes = {"SAME_UPPER": Padding.SAME, "SAME_LOWER": Padding.SAME_LOWER, "VALID": Padding.VALID}
    if auto in modes:
        return modes[auto]
    if auto != "NOTSET":
        raise SpecError(f"auto_pad {auto!r} is not NOTSET, SAME_UPPER, SAME_LOWER or VALID")
    pads = [int(p) for p in attrs.get("pads") or [0] * (2 * ndim)]
    if len(pads) != 2 * ndim or min(pads) < 0:
        raise SpecError(f"pads {pads} is not {2 * ndim} values ≥ 0")
    return tuple((pads[i], pads[i + ndim]) for i in range(ndim))


def _conv(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x, w = _x(ins), _x(ins, 1)
    groups = int(node.attrs.get("group", 1))
    cin = x.shape[1]
    if len(w.shape) != len(x.shape) or w.shape[0] is None or w.shape[1] is None:
        raise SpecError(f"weights {list(w.shape)} do not fit input {list(x.shape)}")
    if cin is not None and w.shape[1] * groups != cin:
        raise SpecError(
            f"weights {list(w.shape)} with group {groups} need {w.shape[1] * groups} "
            f"input channels, got {cin}"
        )
    bias = len(ins) > 2 and ins[2] is not None
    geo = _geometry(node, x, [int(d or 1) for d in w.shape[2:]])
    spec = LayerSpec(0, "", "conv", channels=w.shape[0], groups=groups, bias=bias, **geo)
    y, done = run.window(x, spec, 1)
    return Out([y], done, "conv")


def _deconv(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x, w = _x(ins), _x(ins, 1)
    groups = int(node.attrs.get("group", 1))
    if len(w.shape) != len(x.shape) or None in w.shape[:2]:
        raise SpecError(f"weights {list(w.shape)} do not fit input {list(x.shape)}")
    if x.shape[1] is not None and w.shape[0] != x.shape[1]:
        raise SpecError(
            f"weights {list(w.shape)} need {w.shape[0]} input channels, got {x.shape[1]}"
        )
    geo = _geometry(node, x, [int(d or 1) for d in w.shape[2:]])
    ndim = len(geo["kernel"])
    extra = tuple(int(v) for v in node.attrs.get("output_padding") or [0] * ndim)
    target = node.attrs.get("output_shape")
    if target or (isinstance(geo["padding"], Padding) and geo["padding"] is not Padding.VALID):
        geo["padding"], extra = _deconv_pads(node, x, geo, extra, target)
    spec = LayerSpec(
        0,
        "",
        "deconv",
        channels=int(w.shape[1] or 0) * groups,
        groups=groups,
        bias=len(ins) > 2 and ins[2] is not None,
        output_padding=extra,
        **geo,
    )
    y, done = run.window(x, spec, 1)
    return Out([y], done, "deconv")


def _deconv_pads(
    node: Node, x: Value, geo: dict[str, Any], extra: Sequence[int], target: Any
) -> tuple[PadToken, tuple[int, ...]]:
    """ONNX ConvTranspose (pads, output_padding) for ``output_shape`` or ``auto_pad`` SAME:
    ``total = s·(i − 1) + output_padding + k_eff − out``; SAME_UPPER puts ``total // 2``
    first, otherwise the larger half goes first; a negative total (onnxruntime accepts it)
    grows the output at the end, as output_padding."""
    spatial = [int(d or 0) for d in x.shape[2:]]
    upper = node.attrs.get("auto_pad") == "SAME_UPPER"
    outs = (
        [int(v) for v in target][-len(spatial) :]
        if target
        else [n * s for n, s in zip(spatial, geo["stride"], strict=True)]
    )
    pairs, grown = [], []
    for n, k, s, d, op, o in zip(
        spatial, geo["kernel"], geo["stride"], geo["dilation"], extra, outs, strict=True
    ):
        total = s * (n - 1) + op + d * (k - 1) + 1 - o
        grown.append(op - min(total, 0))
        total = max(total, 0)
        pairs.append(
            (total // 2, total - total // 2) if upper else (total - total // 2, total // 2)
        )
    return tuple(pairs), tuple(grown)


def _pool(kind: str) -> Op:
    def run_pool(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
        x = _x(ins)
        if "kernel_shape" not in node.attrs:
            raise SpecError("has no kernel_shape")
        geo = _geometry(node, x, ())
        spec = LayerSpec(0, "", "pool", pool=kind, ceil=bool(node.attrs.get("ceil_mode")), **geo)
        y, done = run.window(x, spec, 1)
        count = bool(node.attrs.get("count_include_pad")) and kind == "avg"
        return Out([y] * node.outputs, done, "pool", count_pad=count)

    return run_pool


def _global(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = _x(ins)
    if len(x.shape) < 3:
        raise SpecError(f"needs N×C×spatial input, got {list(x.shape)}")
    shape = (*x.shape[:2], *([1] * (len(x.shape) - 2)))
    axes = tuple(range(2, len(x.shape)))
    return Out([run.derive(shape, axes, [(x, Whole(x.spatial))])], kind="gap")


def _same(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = _x(ins)
    return Out([run.same(x)] * node.outputs)


def _norm(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = _x(ins)
    y = run.same(x)
    if node.op == "LayerNormalization" and node.outputs > 1:
        axis = int(node.attrs.get("axis", -1)) % len(x.shape)
        stat = Value((*x.shape[:axis], *([1] * (len(x.shape) - axis))))
        return Out([y, stat, stat][: node.outputs])
    stats = [Value((x.shape[1],))] * (node.outputs - 1) if len(x.shape) > 1 else []
    return Out([y, *stats])


def _elementwise(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    present = [v for v in ins if v is not None]
    y = run.elementwise(present)
    return Out([_folded(node.op, present, y)])


def _folded(op: str, ins: Sequence[Value], y: Value) -> Value:
    """*y* with its values when every input is a small folded constant (shape arithmetic)."""
    if y.node is not None or any(v.const is None or len(v.shape) > 1 for v in ins):
        return y
    n = math.prod(d or 0 for d in y.shape)
    rows = [[(v.const or ())[i if len(v.const or ()) > 1 else 0] for v in ins] for i in range(n)]
    fn = _FOLD.get(op)
    if fn is None or any(None in r for r in rows):
        return y
    try:
        values = tuple(fn(r) for r in rows)
    except (ZeroDivisionError, OverflowError, TypeError):
        return y
    return Value(y.shape, None, None, values)


def _div(r: list[Any]) -> Any:
    a, b = r[0], r[1]
    return int(a / b) if isinstance(a, int) and isinstance(b, int) else a / b


_FOLD: dict[str, Callable[[list[Any]], Any]] = {
    "Add": lambda r: r[0] + r[1],
    "Sub": lambda r: r[0] - r[1],
    "Mul": lambda r: r[0] * r[1],
    "Div": _div,
    "Max": max,
    "Min": min,
    "Sum": sum,
}


def _gemm(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    a, b = _x(ins), _x(ins, 1)
    if len(a.shape) != 2 or len(b.shape) != 2:
        raise SpecError(f"needs 2-D A and B, got {list(a.shape)} and {list(b.shape)}")
    m, k = a.shape[::-1] if node.attrs.get("transA") else a.shape
    k2, n = b.shape[::-1] if node.attrs.get("transB") else b.shape
    if None not in (k, k2) and k != k2:
        raise SpecError(f"A {list(a.shape)} and B {list(b.shape)} do not fit (K {k} vs {k2})")
    y = run.derive((m, n), None, [(a, Whole(a.spatial)), (b, Whole(b.spatial))])
    return Out([y], kind="fc", macs=(m or 1) * (k or 0) * (n or 0))


def _matmul(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    from convcalc.network.graph import broadcast

    a, b = _x(ins), _x(ins, 1)
    sa = (1, *a.shape) if len(a.shape) == 1 else a.shape
    sb = (*b.shape, 1) if len(b.shape) == 1 else b.shape
    if sa[-1] is not None and sb[-2] is not None and sa[-1] != sb[-2]:
        raise SpecError(f"{list(a.shape)} and {list(b.shape)} do not fit (K {sa[-1]} vs {sb[-2]})")
    lead = broadcast(sa[:-2], sb[:-2])
    shape = (*lead, sa[-2], sb[-1])
    if len(a.shape) == 1:
        shape = (*lead, sb[-1])
    if len(b.shape) == 1:
        shape = shape[:-1]
    y = run.derive(shape, None, [(a, Whole(a.spatial)), (b, Whole(b.spatial))])
    macs = math.prod(d or 1 for d in shape) * (sa[-1] or 0)
    return Out([y], kind="fc", macs=macs)


def _space(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    """DepthToSpace (blocks of channels become space) and SpaceToDepth."""
    x = _x(ins)
    b = int(node.attrs["blocksize"])
    if len(x.shape) != 4 or x.shape[1] is None or b < 1:
        raise SpecError(f"needs N×C×H×W and blocksize ≥ 1, got {list(x.shape)}")
    c, h, w = x.shape[1], int(x.shape[2] or 0), int(x.shape[3] or 0)
    if node.op == "DepthToSpace":
        if c % (b * b):
            raise SpecError(f"channels {c} are not a multiple of blocksize² {b * b}")
        spec = LayerSpec(0, "", "upsample", factor=(b, b))
        shape = (x.shape[0], c // (b * b), h * b, w * b)
    else:
        if h % b or w % b:
            raise SpecError(f"H×W {h}×{w} is not a multiple of blocksize {b}")
        spec = LayerSpec(0, "", "pool", kernel=(b, b))
        shape = (x.shape[0], c * b * b, h // b, w // b)
    y, _ = run.window(x, spec, 1)
    return Out([Value(shape, y.axes, y.node, None)])


# fmt: off
UNARY = (
    "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Selu", "Celu", "Exp", "Log", "Sqrt", "Abs",
    "Neg", "Reciprocal", "Floor", "Ceil", "Round", "Erf", "Softplus", "Softsign",
    "HardSigmoid", "HardSwish", "Gelu", "Mish", "Not", "Sign", "Sin", "Cos", "Tan", "Asin",
    "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "IsNaN", "IsInf", "Shrink",
    "ThresholdedRelu", "Dropout", "Softmax", "LogSoftmax", "Hardmax", "LRN", "Clip", "CumSum",
    "Trilu", "Swish", "QuantizeLinear", "DequantizeLinear", "Bernoulli",
)
# fmt: on
# fmt: off
BINARY = (
    "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Mean", "Sum", "Equal", "Less", "Greater",
    "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Where", "Mod", "BitwiseAnd",
    "BitwiseOr", "BitwiseXor", "BitShift",
)
# fmt: on

OPS: dict[str, Op] = {
    "Conv": _conv,
    "ConvTranspose": _deconv,
    "MaxPool": _pool("max"),
    "AveragePool": _pool("avg"),
    "LpPool": _pool("lp"),
    **dict.fromkeys(("GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"), _global),
    **dict.fromkeys(
        (
            "BatchNormalization",
            "InstanceNormalization",
            "LayerNormalization",
            "GroupNormalization",
            "MeanVarianceNormalization",
        ),
        _norm,
    ),
    **dict.fromkeys(UNARY, _same),
    **dict.fromkeys(BINARY, _elementwise),
    "PRelu": _same,  # the slope broadcasts to X (opset < 7: along the channels)
    "Gemm": _gemm,
    "MatMul": _matmul,
    "DepthToSpace": _space,
    "SpaceToDepth": _space,
    **SHAPE_OPS,
    **RESIZE_OPS,
}
"""ONNX op type → its shape step."""
