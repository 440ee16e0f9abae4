"""ONNX layout and shape-arithmetic ops (pure): Reshape, Transpose, Slice, Pad, Split,
and the constant folding that resolves computed shapes (Shape, Gather, Concat, Unsqueeze,
Cast, Constant, ConstantOfShape, Range, Slice on shapes).

>>> from convcalc.network.graph import GraphRun
>>> run = GraphRun(2)
>>> x = run.input("x", (None, 8, 10, 10), (2, 3))
>>> s = SHAPE_OPS["Shape"](run, Node("s", "Shape", 17), [x]).values[0]
>>> s.const
(None, 8, 10, 10)
>>> hw = SHAPE_OPS["Slice"](run, Node("sl", "Slice", 17), [s, Value((1,), const=(2,)),
...                                                      Value((1,), const=(4,))]).values[0]
>>> hw.const
(10, 10)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from convcalc.errors import SpecError
from convcalc.network.field import IDENTITY, Affine, Mapper, Whole
from convcalc.network.graph import Dim, GraphRun, Out, Scalar, Value
from convcalc.network.readers.reshape import concat, flatten, image_axes, permute, reshape

__all__ = ["SHAPE_OPS", "Node", "attr_or_input", "const_ints", "first", "norm_axes"]

MAX_FOLD = 1024
"""Most elements a folded constant may hold."""


@dataclass(frozen=True)
class Node:
    """One ONNX node as the steps see it."""

    name: str
    op: str
    opset: int
    attrs: dict[str, Any] = field(default_factory=dict)
    outputs: int = 1


Op = Callable[[GraphRun, Node, Sequence[Value | None]], Out]


def first(ins: Sequence[Value | None], i: int = 0) -> Value:
    v = ins[i] if i < len(ins) else None
    if v is None:
        raise SpecError(f"input {i} is missing")
    return v


def const_ints(v: Value | None, what: str, allow_none: bool = False) -> list[Any]:
    """The folded integer values of *v* (an error naming *what* when not folded)."""
    if v is None or v.const is None:
        raise SpecError(f"its {what} is not a constant convcalc can fold")
    if not allow_none and None in v.const:
        raise SpecError(f"its {what} depends on the unbound batch size; give it with -i 1x…")
    return [None if c is None else int(c) for c in v.const]


def attr_or_input(node: Node, ins: Sequence[Value | None], i: int, attr: str, since: int) -> Any:
    """An attribute that became input *i* at opset *since* (``None`` when absent)."""
    if node.opset >= since:
        return const_ints(ins[i], attr) if i < len(ins) and ins[i] is not None else None
    return node.attrs.get(attr)


def norm_axes(axes: Sequence[int], rank: int) -> list[int]:
    out = [a + rank if a < 0 else a for a in axes]
    if any(not 0 <= a < rank for a in out):
        raise SpecError(f"axes {list(axes)} are out of range for {rank} dims")
    return out


def _small(shape: Sequence[Dim]) -> bool:
    return None not in shape and math.prod(d or 0 for d in shape) <= MAX_FOLD


def _shape(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    rank = len(x.shape)
    start, end = int(node.attrs.get("start", 0)), node.attrs.get("end")
    dims = x.shape[start : rank if end is None else int(end)]
    return Out([Value((len(dims),), None, None, tuple(dims))])


def _size(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    n = None if None in x.shape else math.prod(d or 0 for d in x.shape)
    return Out([Value((), None, None, (n,))])


def _constant(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    a = node.attrs
    if isinstance(a.get("value"), Value):
        return Out([a["value"]])
    for key, scalar in (
        ("value_int", True),
        ("value_float", True),
        ("value_ints", False),
        ("value_floats", False),
    ):
        if key in a:
            v = a[key]
            return Out(
                [Value(() if scalar else (len(v),), None, None, (v,) if scalar else tuple(v))]
            )
    raise SpecError("has no value attribute convcalc reads")


def _constant_of_shape(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    shape = const_ints(first(ins), "shape")
    fill = node.attrs.get("value")
    value: Scalar = fill.const[0] if isinstance(fill, Value) and fill.const else 0.0
    const = (value,) * math.prod(shape) if _small(shape) else None
    return Out([Value(tuple(shape), None, None, const)])


def _range(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    start, limit, delta = (first(ins, i).const for i in range(3))
    if not (start and limit and delta) or delta[0] == 0:
        raise SpecError("its start, limit and delta are not constants convcalc can fold")
    if None in (start[0], limit[0], delta[0]):  # counts up to the unbound batch size
        return Out([Value((None,))])
    a, b, d = start[0], limit[0], delta[0]
    assert a is not None and b is not None and d is not None
    n = max(math.ceil((b - a) / d), 0)
    return Out(
        [Value((n,), None, None, tuple(a + i * d for i in range(n)) if n <= MAX_FOLD else None)]
    )


def _identity(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    const = x.const
    to = node.attrs.get("to")
    if const is not None and to is not None:
        const = tuple(
            c if c is None else (float(c) if to in (1, 10, 11, 16) else int(c)) for c in const
        )
    return Out(
        [
            run.derive(x.shape, x.axes, [(x, IDENTITY)], const)
            if x.node is not None
            else Value(x.shape, None, None, const)
        ]
    )


def _gather(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    data, idx = first(ins), first(ins, 1)
    axis = norm_axes([int(node.attrs.get("axis", 0))], len(data.shape))[0]
    shape = (*data.shape[:axis], *idx.shape, *data.shape[axis + 1 :])
    if (
        data.node is None
        and len(data.shape) == 1
        and data.const is not None
        and idx.const is not None
    ):
        n = len(data.const)
        picked = tuple(data.const[int(i or 0) + (n if (i or 0) < 0 else 0)] for i in idx.const)
        return Out([Value(shape, None, None, picked)])
    mapper: Mapper = Whole(data.spatial) if data.axes and axis in data.axes else IDENTITY
    return Out([run.derive(shape, image_axes(data, shape), [(data, mapper)])])


def _unsqueeze(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    axes = attr_or_input(node, ins, 1, "axes", 13) or []
    rank = len(x.shape) + len(axes)
    axes = sorted(norm_axes(axes, rank))
    shape: list[Dim] = list(x.shape)
    for a in axes:
        shape.insert(a, 1)
    return Out([_reshaped(run, x, shape)])


def _squeeze(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    axes = attr_or_input(node, ins, 1, "axes", 13)
    drop = (
        set(norm_axes(axes, len(x.shape))) if axes else {i for i, d in enumerate(x.shape) if d == 1}
    )
    if any(x.shape[a] not in (1, None) for a in drop):
        raise SpecError(f"cannot squeeze axes {sorted(drop)} of {list(x.shape)}")
    shape = [d for i, d in enumerate(x.shape) if i not in drop]
    return Out([_reshaped(run, x, shape)])


def _reshaped(run: GraphRun, x: Value, shape: Sequence[Dim]) -> Value:
    if x.node is None:
        return Value(tuple(shape), None, None, x.const)
    return run.derive(shape, image_axes(x, shape), [(x, IDENTITY)], x.const)


def _reshape(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    if node.opset < 5:
        target = node.attrs.get("shape") or []
    else:
        target = const_ints(first(ins, 1), "target shape", allow_none=True)
    y = reshape(run, x, target, keras=bool(node.attrs.get("allowzero")))
    return Out([y if x.node is not None else Value(y.shape, None, None, x.const)])


def _flatten(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    return Out([flatten(run, first(ins), int(node.attrs.get("axis", 1)))])


def _transpose(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    perm = node.attrs.get("perm") or list(range(len(x.shape)))[::-1]
    return Out([permute(run, x, [int(p) for p in perm])])


def _concat(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    present = [v for v in ins if v is not None]
    y = concat(run, present, int(node.attrs["axis"]))
    if all(v.node is None for v in present):
        y = Value(y.shape, None, None, y.const)
    return Out([y])


def _split(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    axis = norm_axes([int(node.attrs.get("axis", 0))], len(x.shape))[0]
    size = x.shape[axis]
    if size is None:
        raise SpecError("cannot split the unbound batch axis")
    parts = attr_or_input(node, ins, 1, "split", 13)
    if not parts:
        n = int(node.attrs.get("num_outputs", node.outputs))
        step = -(-size // n)
        parts = [min(step, size - i * step) for i in range(n)]
    if sum(parts) != size or min(parts) < 0:
        raise SpecError(f"split {parts} does not add up to axis {axis} of size {size}")
    outs, start = [], 0
    for p in parts:
        shape = [*x.shape[:axis], p, *x.shape[axis + 1 :]]
        outs.append(_cut(run, x, shape, axis, start, 1))
        start += p
    return Out(outs)


def _cut(run: GraphRun, x: Value, shape: Sequence[Dim], axis: int, start: int, step: int) -> Value:
    """A piece of *x* starting at *start* along *axis* (every *step*-th cell)."""
    if x.node is None:
        const = None
        if x.const is not None and len(x.shape) == 1:
            const = x.const[start : start + step * int(shape[0] or 0) : step]
        return Value(tuple(shape), None, None, const)
    if x.axes is None or axis not in x.axes:
        return run.derive(shape, x.axes, [(x, IDENTITY)])
    i = x.axes.index(axis)
    scale = tuple(step if j == i else 1 for j in range(len(x.axes)))
    offs = tuple(start if j == i else 0 for j in range(len(x.axes)))
    mapper = Affine(scale, offs, offs) if step > 0 else Whole(x.spatial)
    return run.derive(shape, x.axes, [(x, mapper)])


def _slice(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    rank = len(x.shape)
    if node.opset < 10:
        starts, ends = node.attrs["starts"], node.attrs["ends"]
        axes, steps = node.attrs.get("axes"), None
    else:
        starts, ends = const_ints(first(ins, 1), "starts"), const_ints(first(ins, 2), "ends")
        axes = const_ints(ins[3], "axes") if len(ins) > 3 and ins[3] is not None else None
        steps = const_ints(ins[4], "steps") if len(ins) > 4 and ins[4] is not None else None
    axes = norm_axes(axes if axes is not None else range(len(starts)), rank)
    steps = steps or [1] * len(axes)
    y = x
    for a, b, e, s in zip(axes, starts, ends, steps, strict=True):
        y = _slice_axis(run, y, a, b, e, s)
    return Out([y])


def _slice_axis(run: GraphRun, x: Value, axis: int, b: int, e: int, s: int) -> Value:
    n = x.shape[axis]
    if s == 0:
        raise SpecError("a slice step is 0")
    if n is None:
        return (
            x if (b, s) == (0, 1) and e >= 2**62 else run.derive(x.shape, x.axes, [(x, IDENTITY)])
        )
    lo, hi = (0, n) if s > 0 else (-1, n - 1)
    b = min(max(b + n if b < 0 else b, lo if s > 0 else 0), hi)
    e = min(max(e + n if e < 0 else e, lo), hi if s < 0 else n)
    size = max(0, -(-(e - b) // s))
    shape = [*x.shape[:axis], size, *x.shape[axis + 1 :]]
    return _cut(run, x, shape, axis, b, s)


def _pad(run: GraphRun, node: Node, ins: Sequence[Value | None]) -> Out:
    x = first(ins)
    rank = len(x.shape)
    pads = node.attrs.get("pads") if node.opset < 11 else const_ints(first(ins, 1), "pads")
    axes = list(range(rank))
    if len(ins) > 3 and ins[3] is not None:
        axes = norm_axes(const_ints(ins[3], "axes"), rank)
    if pads is None or len(pads) != 2 * len(axes):
        raise SpecError(f"pads {pads} is not 2 values per padded axis")
    shape = list(x.shape)
    before = {a: int(pads[i]) for i, a in enumerate(axes)}
    for i, a in enumerate(axes):
        d = shape[a]
        shape[a] = None if d is None else d + int(pads[i]) + int(pads[i + len(axes)])
        if (shape[a] or 1) < 0:
            raise SpecError(f"pads {pads} crop axis {a} below size 0")
    mapper: Mapper = IDENTITY
    if x.axes is not None:
        offs = tuple(-before.get(a, 0) for a in x.axes)
        mapper = Affine((1,) * len(offs), offs, offs)
    return Out([run.derive(shape, x.axes, [(x, mapper)])])


SHAPE_OPS: dict[str, Op] = {
    "Shape": _shape,
    "Size": _size,
    "Constant": _constant,
    "ConstantOfShape": _constant_of_shape,
    "Range": _range,
    **dict.fromkeys(("Identity", "Cast", "CastLike"), _identity),
    "Gather": _gather,
    "Unsqueeze": _unsqueeze,
    "Squeeze": _squeeze,
    "Reshape": _reshape,
    "Flatten": _flatten,
    "Transpose": _transpose,
    "Concat": _concat,
    "Split": _split,
    "Slice": _slice,
    "Pad": _pad,
}
"""Layout and shape-arithmetic op type → its step."""
