"""ONNX ops that resize, broadcast or reduce tensors (pure): Resize/Upsample (scales or
sizes, folded; sizes from the resize core, see :mod:`convcalc.network.readers.resizing`),
Expand, Tile and the reductions.

>>> from convcalc.network.graph import GraphRun
>>> run = GraphRun(2)
>>> x = run.input("x", (1, 8, 10, 7), (2, 3))
>>> scales = Value((4,), const=(1.0, 1.0, 2.0, 1.5))
>>> RESIZE_OPS["Resize"](run, Node("r", "Resize", 19), [x, None, scales]).values[0].shape
(1, 8, 20, 10)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from convcalc.errors import SpecError
from convcalc.network.field import IDENTITY, Mapper, Whole
from convcalc.network.graph import GraphRun, Out, Value
from convcalc.network.readers.onnx_shape import (
    Node,
    attr_or_input,
    const_ints,
    first,
    norm_axes,
)
from convcalc.network.readers.resizing import onnx_size, resized

__all__ = ["RESIZE_OPS"]

Op = Callable[[GraphRun, Node, Sequence[Value | None]], Out]


def _expand(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    target = const_ints(first(ins, 1), "shape", allow_none=True)
    return Out([run.elementwise([x, Value(tuple(target))])])


def _tile(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    reps = const_ints(first(ins, 1), "repeats")
    if len(reps) != len(x.shape):
        raise SpecError(f"repeats {reps} do not fit {list(x.shape)}")
    shape = [None if d is None else d * r for d, r in zip(x.shape, reps, strict=True)]
    spread = x.axes is not None and any(reps[a] != 1 for a in x.axes)
    mapper: Mapper = Whole(x.spatial) if spread else IDENTITY
    return Out([run.derive(shape, x.axes, [(x, mapper)])])


def _reduce(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    rank = len(x.shape)
    if node.op in ("ArgMax", "ArgMin"):
        axes = [int(node.attrs.get("axis", 0))]
    else:
        since = 13 if node.op == "ReduceSum" else 18
        axes = attr_or_input(node, ins, 1, "axes", since) or []
    if not axes and node.attrs.get("noop_with_empty_axes"):
        return Out([run.same(x)])
    drop = set(norm_axes(axes, rank)) if axes else set(range(rank))
    keep = bool(node.attrs.get("keepdims", 1))
    spatial = x.axes is not None and bool(drop & set(x.axes))
    mapper: Mapper = Whole(x.spatial) if spatial else IDENTITY
    if keep:
        shape = [1 if i in drop else d for i, d in enumerate(x.shape)]
        return Out([run.derive(shape, x.axes, [(x, mapper)])])
    shape = [d for i, d in enumerate(x.shape) if i not in drop]
    axes_out = None
    if x.axes is not None and not spatial:
        axes_out = tuple(a - sum(1 for d in drop if d < a) for a in x.axes)
    return Out([run.derive(shape, axes_out, [(x, mapper)])])


def _resize(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    rank = len(x.shape)
    scales_at, sizes_at = (1, None) if node.op == "Upsample" or node.opset < 11 else (2, 3)
    sizes = ins[sizes_at] if sizes_at is not None and len(ins) > sizes_at else None
    scales = ins[scales_at] if len(ins) > scales_at else None
    if node.op == "Upsample" and node.opset < 9:
        scales = Value((rank,), None, None, tuple(node.attrs.get("scales") or []))
    axes = norm_axes(node.attrs.get("axes") or range(rank), rank)
    shape = list(x.shape)
    if sizes is not None and sizes.shape != (0,):
        for a, n in zip(axes, const_ints(sizes, "sizes", allow_none=True), strict=True):
            shape[a] = n
    elif scales is not None and scales.const:
        if len(scales.const) != len(axes):
            raise SpecError(f"scales {list(scales.const)} do not fit {len(axes)} axes")
        for a, f in zip(axes, scales.const, strict=True):
            shape[a] = None if x.shape[a] is None else onnx_size(int(x.shape[a] or 0), f)
    else:
        raise SpecError("its scales or sizes are not constants convcalc can fold")
    if any(d is not None and d < 1 for d in shape):
        raise SpecError(f"the output {shape} would be empty")
    return Out([resized(run, x, shape)])


# fmt: off
REDUCE = (
    "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
    "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin",
)
# fmt: on

RESIZE_OPS: dict[str, Op] = {
    "Expand": _expand,
    "Tile": _tile,
    **dict.fromkeys(REDUCE, _reduce),
    "Resize": _resize,
    "Upsample": _resize,
}
"""Resizing, broadcasting and reducing op type → its step."""
