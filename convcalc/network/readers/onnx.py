"""ONNX model files, read with the optional ``onnx`` package (``pip install
'convcalc[onnx]'``), imported only here and only when a ``.onnx`` file is read.

Weights are never materialised: the protobuf is walked in the file
(:mod:`convcalc.network.readers.onnx_wire`), so the values of large initializers are
skipped, not read, and external data is never loaded; of a tensor only its dims are read,
plus its values when it is a small constant (shape arithmetic: ``Shape → Gather → Concat →
Reshape`` folds). A file the walk does not expect is read by ``onnx.load`` instead.
Every node then runs through :class:`~convcalc.network.graph.GraphRun`
(:mod:`convcalc.network.readers.onnx_ops`).
"""

from __future__ import annotations

import heapq
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from convcalc.errors import ConvcalcError, SpecError
from convcalc.network.graph import GraphResult, GraphRun, Scalar, Value
from convcalc.network.readers.inputs import bind_input
from convcalc.network.readers.onnx_ops import OPS, WEIGHTED
from convcalc.network.readers.onnx_shape import Node

__all__ = ["INSTALL_HINT", "load_onnx", "run_onnx", "tensor_value"]

INSTALL_HINT = "reading .onnx files needs the onnx package: pip install 'convcalc[onnx]'"
MAX_CONST = 1024
"""Most elements of a constant whose values are read (larger ones keep only their dims)."""

_FORMATS = {
    1: "f",
    2: "B",
    3: "b",
    4: "H",
    5: "h",
    6: "i",
    7: "q",
    9: "?",
    10: "e",
    11: "d",
    12: "I",
    13: "Q",
}
_FIELDS = {
    1: "float_data",
    6: "int32_data",
    7: "int64_data",
    11: "double_data",
    12: "uint64_data",
    13: "uint64_data",
}
_INT32_FIELD = (2, 3, 4, 5, 6, 9, 10)


def load_onnx(path: Path) -> Any:
    """The ``ModelProto`` of *path*, without external data (one-line errors)."""
    if not path.is_file():  # before the ~0.5 s import of onnx
        raise SpecError(f"{path}: no such model file")
    try:
        import onnx
    except ImportError:
        raise SpecError(INSTALL_HINT) from None
    from convcalc.network.readers.onnx_wire import read_model

    try:
        model = read_model(path, MAX_CONST)
        if model is None:  # not walked: onnx.load reads it whole, or names what is wrong
            model = onnx.load(str(path), load_external_data=False)
    except Exception as exc:  # protobuf's DecodeError, and whatever else a bad file raises
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise SpecError(f"{path}: not an ONNX model (protobuf: {reason})") from None
    if not model.HasField("graph") or not model.graph.node:
        raise SpecError(f"{path}: not an ONNX model (no graph nodes)")
    return model


def tensor_value(t: Any, limit: int = MAX_CONST) -> Value:
    """A TensorProto as a constant :class:`Value`: dims, and its values when small."""
    dims = tuple(int(d) for d in t.dims)
    if any(d < 0 for d in dims):
        raise SpecError(f"tensor {t.name!r} has a negative dim")
    count = math.prod(dims)
    const: tuple[Scalar, ...] | None = None
    fmt = _FORMATS.get(t.data_type)
    if count <= limit and fmt is not None and t.data_location != 1:
        if t.raw_data:
            raw = bytes(t.raw_data)
            if len(raw) == count * struct.calcsize(fmt):
                const = tuple(struct.unpack(f"<{count}{fmt}", raw))
        else:
            field = "int32_data" if t.data_type in _INT32_FIELD else _FIELDS.get(t.data_type)
            data = list(getattr(t, field)) if field else []
            if len(data) == count:
                const = tuple(data)
    if const is not None and t.data_type in (1, 10, 11):
        const = tuple(float(v) for v in const if v is not None)
    elif const is not None:
        const = tuple(int(v) for v in const if v is not None)
    return Value(dims, None, None, const)


@dataclass
class _Graph:
    model: Any
    size: str | None

    def __post_init__(self) -> None:
        g = self.model.graph
        self.opset = next(
            (o.version for o in self.model.opset_import if o.domain in ("", "ai.onnx")), 1
        )
        self.inits = {t.name: t for t in g.initializer}
        self.first_use = {n for node in g.node for n in node.input[:1]}

    def inputs(self) -> list[tuple[str, list[object]]]:
        out = []
        for i in self.model.graph.input:
            if i.name in self.inits:
                continue
            t = i.type.tensor_type
            dims: list[object] = [
                d.dim_value if d.HasField("dim_value") else (d.dim_param or None)
                for d in t.shape.dim
            ]
            out.append((i.name, dims))
        return out


def _layout(dims: Sequence[object]) -> bool:
    """Channels first, unless the dims look like N×H×W×C (a TensorFlow export)."""
    small = {1, 3, 4}
    return not (len(dims) == 4 and dims[-1] in small and dims[1] not in small)


def run_onnx(model: Any, size: str | None, name: str = "") -> GraphResult:
    """Every node's output at input *size* (``-i``; the file's when ``None``)."""
    graph = _Graph(model, size)
    ins = graph.inputs()
    image = [(n, d) for n, d in ins if len(d) >= 3 and n in graph.first_use]
    ndim = len(image[0][1]) - 2 if image else 1
    channels_first = _layout(image[0][1]) if image else True
    run = GraphRun(ndim)
    values: dict[str, Value] = {}
    bound: list[tuple[str, Value]] = []
    for n, dims in ins:
        if n in graph.first_use or any(not isinstance(d, int) for d in dims):
            mine = size if len(dims) == ndim + 2 else None
            full, axes = bind_input(n, dims, mine, ndim, channels_first)
            values[n] = run.input(n, full, axes)
            bound.append((n, values[n]))
        else:  # a weight fed as a graph input (old exports)
            values[n] = Value(tuple(int(d) for d in dims if isinstance(d, int)))
    if size is not None and not any(len(v.shape) == ndim + 2 for _, v in bound):
        raise SpecError(f"-i {size}: the model has no image input to size")
    run.batch = next((v.shape[0] for _, v in bound if v.shape and v.shape[0]), 1) or 1
    for t in graph.inits.values():
        values[t.name] = tensor_value(t)
    for node in _topological(model.graph.node, set(values)):
        _node(run, graph.opset, node, values)
    title = name or model.graph.name or "model"
    return run.result(title, "onnx", bound)


def _node(run: GraphRun, opset: int, proto: Any, values: dict[str, Value]) -> None:
    op = proto.op_type
    name = proto.name or (proto.output[0] if proto.output else op)
    if proto.domain not in ("", "ai.onnx"):
        raise SpecError(f"node {name!r}: op {op!r} of custom domain {proto.domain!r} is unknown")
    fn = OPS.get(op)
    if fn is None:
        raise SpecError(f"node {name!r}: unknown ONNX op {op!r}")
    ins: list[Value | None] = []
    for n in proto.input:
        if n and n not in values:
            raise SpecError(f"node {name!r} ({op}) reads {n!r}, which nothing produces")
        ins.append(values[n] if n else None)
    node = Node(name, op, opset, _attrs(proto), len(proto.output))
    try:
        if (not ins or ins[0] is None) and op not in ("Constant", "Resize", "Upsample"):
            raise SpecError("its first input is missing")
        out = fn(run, node, ins)
        params = out.params
        if params is None and op in WEIGHTED and any(v.node is not None for v in out.values):
            params = sum(
                math.prod(d or 0 for d in v.shape) for v in ins[1:] if v and v.node is None
            )
        outs = [replace(v, producer=name) for v in out.values]
        present = [v for v in ins if v is not None]
        run.emit(
            name,
            op,
            present,
            outs,
            out.done,
            kind=out.kind,
            params=params,
            macs=out.macs,
            count_pad=out.count_pad,
        )
    except ConvcalcError as exc:
        raise type(exc)(f"node {name!r} ({op}): {exc}") from None
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError, OverflowError) as e:
        raise SpecError(f"node {name!r} ({op}): cannot read its attributes ({e!r})") from None
    for n, v in zip(proto.output, outs, strict=False):
        if n:
            values[n] = v


def _topological(nodes: Sequence[Any], known: set[str]) -> list[Any]:
    """*nodes* in an order where every input is produced first (the file's order when it
    already is one, as ONNX requires; onnxruntime also runs unsorted graphs). Nodes whose
    inputs nothing produces keep their place, to be named by the error."""
    producers = {o: i for i, node in enumerate(nodes) for o in node.output if o}
    waiting: dict[int, set[int]] = {}
    blocked: dict[int, list[int]] = {}
    for i, node in enumerate(nodes):
        deps = {producers[n] for n in node.input if n and n not in known and n in producers}
        deps.discard(i)
        waiting[i] = deps
        for d in deps:
            blocked.setdefault(d, []).append(i)
    ready = [i for i, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)  # the earliest ready node: the file's order when sorted
        order.append(i)
        for j in blocked.get(i, ()):
            waiting[j].discard(i)
            if not waiting[j]:
                heapq.heappush(ready, j)
    if len(order) < len(nodes):  # a cycle: the first stuck node will name what it reads
        done = set(order)
        order += [i for i in range(len(nodes)) if i not in done]
    return [nodes[i] for i in order]


def _attrs(proto: Any) -> dict[str, Any]:
    """Attribute name → Python value (strings decoded, tensors as :class:`Value`)."""
    out: dict[str, Any] = {}
    for a in proto.attribute:
        kind = a.type
        if kind == 1:
            out[a.name] = a.f
        elif kind == 2:
            out[a.name] = a.i
        elif kind == 3:
            out[a.name] = a.s.decode("utf-8", "replace")
        elif kind == 4:
            out[a.name] = tensor_value(a.t)
        elif kind == 6:
            out[a.name] = list(a.floats)
        elif kind == 7:
            out[a.name] = list(a.ints)
        elif kind == 8:
            out[a.name] = [s.decode("utf-8", "replace") for s in a.strings]
        else:
            out[a.name] = None
    return out
