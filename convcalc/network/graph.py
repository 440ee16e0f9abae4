"""Run a model graph (a DAG read from an ONNX or Keras file) through the shape engine.

Pure (standard library only). A reader (:mod:`convcalc.network.readers`) turns every ONNX
node or Keras layer into a call on a :class:`GraphRun`: the run keeps the tensors
(:class:`Value`: full shape batch first, which axes are spatial, folded integer contents),
evaluates windows with :func:`convcalc.network.layers.step` (sizes and pads from
:mod:`convcalc.shape`, parameters, MACs), threads receptive fields through
:mod:`convcalc.network.field`, and writes one :class:`GraphRow` per node or layer.

>>> run = GraphRun(2)
>>> x = run.input("x", (1, 3, 32, 32), (2, 3))
>>> y, done = run.window(x, LayerSpec(1, "c", "conv", (3, 3), (2, 2), padding=((1, 1), (1, 1)),
...                              channels=8), channel_axis=1)
>>> row = run.emit("conv", "Conv", [x], [y], done)
>>> row.shape, row.pads, row.rf, row.params, row.macs
((1, 8, 16, 16), ((1, 1), (1, 1)), (3, 3), 224, 55296)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from convcalc.errors import ConvcalcError, SpecError
from convcalc.network.field import (
    IDENTITY,
    Affine,
    Budget,
    Form,
    Mapper,
    Node,
    Whole,
    field_summary,
    node_forms,
)
from convcalc.network.layers import Step, per_axis, step
from convcalc.network.spec import LayerSpec
from convcalc.shape.axes import Pair, Shape, check_size

__all__ = [
    "GraphResult",
    "GraphRow",
    "GraphRun",
    "LayerSpec",
    "Out",
    "Value",
    "Window",
    "broadcast",
]

Dim = int | None
"""A tensor dimension: ``None`` only for an unbound batch."""

Scalar = int | float | None
"""One folded constant: an int (shape arithmetic), a float (Resize scales), ``None``
(an unbound batch size read by ``Shape``)."""

MAX_GRAPH_NODES = 100_000
"""Most nodes or layers a model may have (bounded work on hostile files)."""


@dataclass(frozen=True, slots=True)
class Value:
    """A tensor: ``shape`` batch first in the model's layout; ``axes`` the positions of its
    spatial axes (``None``: not an image); ``node`` its receptive-field node (``None`` for
    weights and constants); ``const`` its contents when they are small folded integers."""

    shape: tuple[Dim, ...]
    axes: tuple[int, ...] | None = None
    node: int | None = None
    const: tuple[Scalar, ...] | None = None
    producer: str | None = None

    @property
    def spatial(self) -> Shape:
        return () if self.axes is None else tuple(int(self.shape[a] or 0) for a in self.axes)

    @property
    def channels(self) -> int | None:
        """Product of the non-batch, non-spatial dims (the last dim of a non-image)."""
        if self.axes is None:
            return self.shape[-1] if len(self.shape) >= 2 else None
        rest = [d for i, d in enumerate(self.shape) if i and i not in self.axes]
        return None if any(d is None for d in rest) else math.prod(d or 0 for d in rest)


@dataclass(frozen=True, slots=True)
class Out:
    """What a reader's step returns: the output tensors and the row's extras (``params``
    and ``macs`` override the window step's; ``macs`` here count the whole batch, the
    window step's count one sample and are multiplied by the batch)."""

    values: list[Value]
    done: Step | None = None
    kind: str = ""
    params: int | None = None
    macs: int | None = None
    count_pad: bool = False


@dataclass(frozen=True, slots=True)
class Window:
    """A conv, pool or transposed conv as evaluated: the geometry a port needs (``pads``
    resolved at this input size; for a transposed conv, its crop)."""

    op: str
    input: Shape
    kernel: Shape
    stride: Shape
    dilation: Shape
    pads: tuple[Pair, ...]
    pool: str = "max"
    ceil_mode: bool = False
    count_pad: bool = False
    output_padding: Shape | None = None


@dataclass(frozen=True, slots=True)
class GraphRow:
    """One ONNX node or Keras layer, evaluated."""

    name: str
    op: str
    inputs: tuple[str, ...]
    shape: tuple[Dim, ...]
    spatial: Shape
    channels: int | None
    kind: str = ""
    pads: tuple[Pair, ...] | None = None
    rf: tuple[int, ...] | None = None
    jump: tuple[Fraction, ...] | None = None
    params: int | None = 0
    macs: int | None = 0
    note: str = ""
    extra: tuple[tuple[Dim, ...], ...] = ()
    constant: bool = False
    window: Window | None = None


@dataclass(frozen=True, slots=True)
class GraphResult:
    """A whole model at one input size."""

    name: str
    format: str
    inputs: tuple[tuple[str, tuple[Dim, ...]], ...]
    rows: tuple[GraphRow, ...]
    params: int | None
    macs: int | None


def broadcast(a: Sequence[Dim], b: Sequence[Dim], where: str = "") -> tuple[Dim, ...]:
    """NumPy broadcasting of two shapes (``None``: an unbound batch).

    >>> broadcast((None, 8, 1, 5), (8, 3, 1))
    (None, 8, 3, 5)
    """
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    out: list[Dim] = []
    for x, y in zip(pa, pb, strict=True):
        if x == 1 or x == y:
            out.append(y)
        elif y == 1 or x is None or y is None:
            out.append(x if y == 1 else (x if y is None else y))
        else:
            raise SpecError(f"{where}shapes {list(a)} and {list(b)} do not broadcast")
    return tuple(out)


@dataclass
class GraphRun:
    """The tensors, receptive-field nodes and rows of one run; *ndim* spatial axes."""

    ndim: int
    batch: int = 1
    nodes: list[Node] = field(default_factory=list)
    rows: list[GraphRow] = field(default_factory=list)
    period: list[int] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget)
    windows: dict[int, tuple[LayerSpec, Shape, Step]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.period = [1] * self.ndim

    def input(self, name: str, shape: Sequence[Dim], axes: Sequence[int] | None) -> Value:
        """A model input; image inputs (``ndim`` spatial axes) start a receptive field."""
        for d in shape:
            if d is not None:
                check_size(f"input {name!r} size", d)
        image = axes is not None and len(axes) == self.ndim
        spatial = tuple(int(shape[a] or 0) for a in axes) if axes is not None and image else ()
        forms = (Form.IDENTITY,) * self.ndim
        self.nodes.append(Node(spatial, None, [], forms))
        return Value(
            tuple(shape),
            tuple(axes) if image and axes else None,
            len(self.nodes) - 1,
            producer=name,
        )

    def derive(
        self,
        shape: Sequence[Dim],
        axes: Sequence[int] | None,
        sources: Sequence[tuple[Value, Mapper]],
        const: Sequence[Scalar] | None = None,
    ) -> Value:
        """A new tensor computed from *sources* (each with the mapper of its edge; a
        mapper only applies between images, else the whole input or the same forms)."""
        for d in shape:
            if d is not None:
                check_size("tensor size", d)
        image = axes is not None and len(axes) == self.ndim
        out_axes = tuple(axes) if image and axes is not None else None
        edges: list[tuple[int, Mapper]] = []
        for src, mapper in sources:
            if src.node is None:
                continue
            if src.axes is None:
                edges.append((src.node, IDENTITY))
            elif out_axes is None:
                edges.append((src.node, Whole(src.spatial)))
            else:
                edges.append((src.node, mapper))
        if not edges:
            node = None  # weights, constants and shape arithmetic see no input cell
        else:
            spatial = tuple(int(shape[a] or 0) for a in out_axes) if out_axes else ()
            n = Node(spatial, None, edges)
            n.forms = node_forms(self.nodes, edges, self.ndim)
            self.nodes.append(n)
            node = len(self.nodes) - 1
        return Value(tuple(shape), out_axes, node, None if const is None else tuple(const))

    def same(self, x: Value, shape: Sequence[Dim] | None = None) -> Value:
        """Unit to unit (activations, normalisation, dropout)."""
        return self.derive(x.shape if shape is None else shape, x.axes, [(x, IDENTITY)])

    def elementwise(self, inputs: Sequence[Value], where: str = "") -> Value:
        """NumPy-broadcast elementwise op; broadcast spatial axes see cell 0 of theirs."""
        shape: tuple[Dim, ...] = inputs[0].shape
        for v in inputs[1:]:
            shape = broadcast(shape, v.shape, where)
        axes = next((v.axes for v in inputs if v.axes and v.shape == shape), None)
        if axes is None:
            axes = next((_shifted(v, len(shape)) for v in inputs if v.axes), None)
            axes = axes if axes is not None and all(shape[a] for a in axes) else None
        sources = [(v, _broadcast_mapper(v, shape, axes)) for v in inputs]
        return self.derive(shape, axes, sources)

    def window(self, x: Value, spec: LayerSpec, channel_axis: int) -> tuple[Value, Step]:
        """A conv, pool or transposed conv on *x* (channels at *channel_axis*: 1 or -1)."""
        rank = len(x.shape)
        axes = tuple(range(2, rank)) if channel_axis == 1 else tuple(range(1, rank - 1))
        spatial = tuple(int(x.shape[a] or 0) for a in axes)
        if not axes or any(x.shape[a] is None for a in axes):
            raise SpecError(f"needs a batch, channel and spatial axes, got {list(x.shape)}")
        cin = x.shape[channel_axis]
        done = step(spec, spatial, cin)
        out: list[Dim] = list(x.shape)
        out[channel_axis] = done.channels
        for a, n in zip(axes, done.spatial, strict=True):
            out[a] = n
        mapper = done.mapper if x.axes == axes else Whole(x.spatial) if x.axes else IDENTITY
        y = self.derive(out, axes, [(x, mapper)])
        if spec.op in ("conv", "pool", "deconv"):
            self.windows[id(done)] = (spec, spatial, done)
        if done.factors is not None and y.axes is not None:
            self.period = [p * f for p, f in zip(self.period, done.factors, strict=True)]
        return y, done

    def emit(
        self,
        name: str,
        op: str,
        inputs: Sequence[Value],
        outputs: Sequence[Value],
        done: Step | None = None,
        *,
        kind: str = "",
        params: int | None = None,
        macs: int | None = None,
        note: str = "",
        count_pad: bool = False,
    ) -> GraphRow:
        """Record one node or layer (its first output is the one shown)."""
        if len(self.rows) >= MAX_GRAPH_NODES:
            raise SpecError(f"the model has more than {MAX_GRAPH_NODES} nodes (convcalc's limit)")
        y = outputs[0]
        rf = jump = None
        if y.axes is not None and y.node is not None:
            try:
                rf, jump, _, _ = field_summary(self.nodes, y.node, self.period, self.budget)
            except SpecError:
                note = note or "receptive field: no closed form within convcalc's limit"
        if done is not None:
            params = done.params if params is None else params
            if macs is None:  # the window step counts one sample
                macs = None if done.macs is None else done.macs * self.batch
            note = note or done.note
        else:
            params = 0 if params is None else params
            macs = 0 if macs is None else macs
        row = GraphRow(
            name,
            op,
            tuple(dict.fromkeys(v.producer for v in inputs if v.producer)),
            y.shape,
            y.spatial,
            y.channels,
            kind,
            None if done is None else done.pads,
            rf,
            jump,
            params,
            macs,
            note,
            tuple(v.shape for v in outputs[1:]),
            all(v.node is None for v in outputs),
            self._window(done, count_pad),
        )
        self.rows.append(row)
        return row

    def _window(self, done: Step | None, count_pad: bool) -> Window | None:
        found = None if done is None else self.windows.get(id(done))
        if found is None or done is None or done.pads is None:
            return None
        spec, spatial, _ = found
        ndim = len(spatial)
        kernel = per_axis(spec, spec.kernel or (1,), ndim)
        default = kernel if spec.op == "pool" else (1,)
        return Window(
            spec.op,
            spatial,
            kernel,
            per_axis(spec, spec.stride or default, ndim),
            per_axis(spec, spec.dilation, ndim),
            done.pads,
            spec.pool,
            spec.ceil,
            count_pad,
            done.output_padding,
        )

    def result(self, name: str, fmt: str, inputs: Sequence[tuple[str, Value]]) -> GraphResult:
        """All rows and totals."""
        params = _total([r.params for r in self.rows])
        macs = _total([r.macs for r in self.rows])
        ins = tuple((n, v.shape) for n, v in inputs)
        return GraphResult(name, fmt, ins, tuple(self.rows), params, macs)


def fail_at(name: str, op: str, exc: ConvcalcError) -> ConvcalcError:
    """*exc* re-raised naming the node or layer."""
    return type(exc)(f"{op} {name!r}: {exc}")


def _total(values: Sequence[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v or 0 for v in values)


def _shifted(v: Value, rank: int) -> tuple[int, ...] | None:
    """*v*'s spatial axes once broadcast to *rank* dims."""
    return None if v.axes is None else tuple(a + rank - len(v.shape) for a in v.axes)


def _broadcast_mapper(v: Value, shape: Sequence[Dim], axes: Sequence[int] | None) -> Mapper:
    """Identity, or scale 0 (every unit sees cell 0) on the axes *v* is broadcast along."""
    mine = _shifted(v, len(shape))
    if v.axes is None or axes is None or mine != tuple(axes):
        return IDENTITY if v.axes is None else Whole(v.spatial)
    scale = tuple(
        0 if n == 1 and shape[a] != 1 else 1 for n, a in zip(v.spatial, axes, strict=True)
    )
    if all(scale):
        return IDENTITY
    zeros = (0,) * len(scale)
    return Affine(scale, zeros, zeros)
