"""Run a layer stack through the shape engine: shapes, pads, receptive fields, parameters.

Pure (standard library only). Each layer is evaluated on its own by
:mod:`convcalc.network.layers` (sizes and pads from :mod:`convcalc.shape`, parameters,
MACs); this module threads the tensors through the stack — residual blocks, labelled joins,
batch — and asks :mod:`convcalc.network.field` for every layer's receptive field. For stacks
of convs and pools that is ``r = 1 + Σ (k_l − 1)·Π s_i``, jump ``S = Π s_l`` and effective
padding ``P = Σ p_l·Π s_i``; transposed convs make the jump fractional and the size periodic.
The work is linear in the number of layers (:data:`~convcalc.network.spec.MAX_LAYERS`).

>>> rows = run_chain(parse_spec("conv k7 s2 p3 c64, pool max k3 s2 p1"), (224, 224), 3).rows
>>> [(r.output, r.rf, tuple(int(j) for j in r.jump)) for r in rows]
[((112, 112), (7, 7), (2, 2)), ((56, 56), (11, 11), (4, 4))]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from convcalc.errors import ConvcalcError, SpecError
from convcalc.network.field import (
    IDENTITY,
    Budget,
    Form,
    Interval,
    Mapper,
    Node,
    field_summary,
    node_forms,
    shift,
    span,
)
from convcalc.network.layers import Step, shape_text, step
from convcalc.network.spec import LayerSpec, parse_spec
from convcalc.shape.axes import Pair, Shape, check_size, parse_int

__all__ = ["ChainResult", "ChainRow", "parse_input", "parse_spec", "run_chain", "unit_spans"]


@dataclass(frozen=True, slots=True)
class ChainRow:
    """One evaluated layer. Spatial tuples have one entry per axis (``()`` once flattened).

    ``rf``: receptive-field size in input cells (largest over unit positions); ``jump``:
    input cells between neighbouring units; ``start``: centre of unit 0 in input
    coordinates; ``eff_pad``: input cells before unit 0's span (``P`` in Distill).
    """

    index: int
    text: str
    op: str
    label: str | None
    branch: str
    depth: int
    input: Shape
    output: Shape
    in_channels: int | None
    channels: int | None
    pads: tuple[Pair, ...] | None = None
    output_padding: Shape | None = None
    rf: tuple[int, ...] = ()
    jump: tuple[Fraction, ...] = ()
    start: tuple[Fraction, ...] = ()
    eff_pad: tuple[int, ...] = ()
    params: int | None = 0
    macs: int | None = 0
    activations: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class ChainResult:
    """All rows plus totals for one input shape."""

    input: Shape
    channels: int | None
    batch: int
    rows: tuple[ChainRow, ...]
    params: int | None
    macs: int | None
    activations: int | None

    @property
    def output(self) -> Shape:
        return self.rows[-1].output


def parse_input(
    text: str, ndim: int = 2, channels_first: bool = False
) -> tuple[Shape, int | None, int]:
    """``224x224x3`` → ((224, 224), 3, batch 1): *ndim* spatial sizes, then optionally the
    channels (last, or first with *channels_first*), optionally preceded by a batch size.
    Numbers are ASCII digits, each at most ``MAX_SIZE`` (2**40).

    >>> parse_input("8x32x32x3")
    ((32, 32), 3, 8)
    >>> parse_input("3x224x224", channels_first=True)
    ((224, 224), 3, 1)
    """
    try:
        values = [parse_int(v) for v in text.lower().replace(",", "x").split("x")]
    except SpecError:
        raise
    except ValueError:
        raise SpecError(f"input {text!r} is not a shape such as 224x224x3") from None
    if any(v < 1 for v in values):
        raise SpecError(f"input {text!r}: every size must be ≥ 1")
    for v in values:
        check_size("input size", v)
    if len(values) == ndim:
        return tuple(values), None, 1
    if len(values) not in (ndim + 1, ndim + 2):
        raise SpecError(
            f"input {text!r} has {len(values)} values; with {ndim} spatial axes give "
            f"{ndim} (spatial), {ndim + 1} (+ channels) or {ndim + 2} (batch first); "
            "set --dims for 1-D or 3-D"
        )
    batch = values.pop(0) if len(values) == ndim + 2 else 1
    channels = values.pop(0) if channels_first else values.pop()
    return tuple(values), channels, batch


def run_chain(
    layers: Sequence[LayerSpec], spatial: Shape, channels: int | None, batch: int = 1
) -> ChainResult:
    """Evaluate *layers* on an input of *spatial* size (see the module doc)."""
    rows = _Run(spatial, channels, batch).run(layers, 0, "")
    params = _total([r.params for r in rows])
    macs = _total([r.macs for r in rows])
    acts = _total([r.activations for r in rows])
    return ChainResult(tuple(spatial), channels, batch, tuple(rows), params, macs, acts)


def unit_spans(
    layers: Sequence[LayerSpec], spatial: Shape, units: Sequence[int], axis: int = 0
) -> list[Interval | None]:
    """Input interval ``[a, b]`` (unclipped) that unit ``u`` of the last layer sees, per unit.

    >>> unit_spans(parse_spec("conv k7 s2 p3, pool max k3 s2 p1"), (224,), [0, 1])
    [(-5, 5), (-1, 9)]
    """
    state = _Run(tuple(spatial), None, 1)
    state.run(layers, 0, "")
    top = len(state.nodes) - 1
    return [span(state.nodes, top, axis, u) for u in units]


def _total(values: Sequence[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


class _Run:
    """The tensors so far (``nodes``, the last is the current one), labels, and per axis
    the product of the up factors (the period of the receptive-field pattern)."""

    def __init__(self, spatial: Shape, channels: int | None, batch: int) -> None:
        self.ndim = len(spatial)
        self.batch = batch
        self.nodes = [Node(tuple(spatial), channels, [], (Form.IDENTITY,) * self.ndim)]
        self.labels: dict[str, int] = {}
        self.period = [1] * self.ndim
        self.budget = Budget()

    def run(self, layers: Sequence[LayerSpec], depth: int, branch: str) -> list[ChainRow]:
        rows: list[ChainRow] = []
        for spec in layers:
            if spec.op == "res":
                rows.extend(self._res(spec, depth))
            else:
                rows.append(self._layer(spec, depth, branch))
        return rows

    def _add(self, spec: LayerSpec | None, node: Node) -> Node:
        """Append *node* (its receptive-field forms filled in), under *spec*'s label."""
        node.forms = node_forms(self.nodes, node.edges, self.ndim)
        self.nodes.append(node)
        if spec is not None and spec.label:
            self.labels[spec.label] = len(self.nodes) - 1
        return node

    def _res(self, spec: LayerSpec, depth: int) -> list[ChainRow]:
        start = len(self.nodes) - 1
        rows = self.run(spec.body, depth + 1, "body")
        body_end = short_end = len(self.nodes) - 1
        short_end = start
        if spec.shortcut:
            src = self.nodes[start]  # the shortcut starts again at the block input
            self._add(None, Node(src.spatial, src.channels, [(start, IDENTITY)]))
            rows.extend(self.run(spec.shortcut, depth + 1, "shortcut"))
            short_end = len(self.nodes) - 1
        a, b = self.nodes[body_end], self.nodes[short_end]
        if (a.spatial, a.channels) != (b.spatial, b.channels):
            raise spec.fail(
                f"the body gives {shape_text(a.spatial, a.channels)} but the shortcut gives "
                f"{shape_text(b.spatial, b.channels)}; add a shortcut such as '| conv k1 s2 c…'"
            )
        edges: list[tuple[int, Mapper]] = [(body_end, IDENTITY), (short_end, IDENTITY)]
        node = self._add(spec, Node(a.spatial, a.channels, edges))
        rows.append(
            self._row(spec, "add", depth, "", a, node, Step(a.spatial, a.channels, IDENTITY))
        )
        return rows

    def _layer(self, spec: LayerSpec, depth: int, branch: str) -> ChainRow:
        src = len(self.nodes) - 1
        prev = self.nodes[src]
        try:
            if spec.op in ("add", "cat"):
                return self._join(spec, src, prev, depth)
            done = step(spec, prev.spatial, prev.channels)
            node = self._add(spec, Node(done.spatial, done.channels, [(src, done.mapper)]))
            for axis, f in enumerate(done.factors or ()):
                self.period[axis] *= f
            return self._row(spec, spec.op, depth, branch, prev, node, done)
        except SpecError as exc:
            if str(exc).startswith("layer "):
                raise
            raise spec.fail(str(exc)) from None
        except ConvcalcError as exc:
            raise type(exc)(f"layer {spec.index} '{spec.text}': {exc}") from None

    def _join(self, spec: LayerSpec, src: int, prev: Node, depth: int) -> ChainRow:
        assert spec.ref is not None
        if spec.ref not in self.labels:
            known = ", ".join(sorted(self.labels)) or "none yet"
            raise spec.fail(f"no earlier layer is labelled @{spec.ref} (labels: {known})")
        other_id = self.labels[spec.ref]
        other = self.nodes[other_id]
        offsets = _crop_offsets(spec, prev, other)
        if spec.op == "add":
            if other.channels != prev.channels:
                raise spec.fail(f"channels differ: {prev.channels} vs @{spec.ref} {other.channels}")
            channels = prev.channels
        else:
            channels = (
                None
                if prev.channels is None or other.channels is None
                else prev.channels + other.channels
            )
        edges: list[tuple[int, Mapper]] = [(src, IDENTITY), (other_id, shift(offsets))]
        node = self._add(spec, Node(prev.spatial, channels, edges))
        note = ""
        if any(offsets):
            crop = ", ".join(
                f"({o}, {n - p - o})"
                for o, n, p in zip(offsets, other.spatial, prev.spatial, strict=True)
            )
            note = f"@{spec.ref} centre-cropped by {crop}"
        done = Step(prev.spatial, channels, IDENTITY, note=note)
        return self._row(spec, spec.op, depth, "", prev, node, done)

    def _row(
        self, spec: LayerSpec, op: str, depth: int, branch: str, prev: Node, node: Node, done: Step
    ) -> ChainRow:
        top = len(self.nodes) - 1
        try:
            rf, jump, start, eff = field_summary(self.nodes, top, self.period, self.budget)
        except SpecError as exc:
            raise spec.fail(str(exc)) from None
        acts = None if node.channels is None else node.channels * math.prod(node.spatial)
        macs = done.macs
        return ChainRow(
            spec.index,
            spec.text,
            op,
            spec.label,
            branch,
            depth,
            prev.spatial,
            node.spatial,
            prev.channels,
            node.channels,
            done.pads,
            done.output_padding,
            rf,
            jump,
            start,
            eff,
            done.params,
            None if macs is None else macs * self.batch,
            None if acts is None else acts * self.batch,
            done.note,
        )


def _crop_offsets(spec: LayerSpec, prev: Node, other: Node) -> Shape:
    """Cells to skip at the start of each axis of the labelled tensor *other* so that it
    lines up with *prev* (only ``cat … crop`` of a bigger tensor allows any)."""
    if other.spatial == prev.spatial:
        return (0,) * len(prev.spatial)
    bigger = len(other.spatial) == len(prev.spatial) and all(
        o >= p for o, p in zip(other.spatial, prev.spatial, strict=True)
    )
    if not (spec.op == "cat" and spec.crop and bigger):
        hint = " (add 'crop' to centre-crop the skip)" if spec.op == "cat" and bigger else ""
        raise spec.fail(
            f"@{spec.ref} is {shape_text(other.spatial, other.channels)} but the current "
            f"tensor is {shape_text(prev.spatial, prev.channels)}{hint}"
        )
    return tuple((o - p) // 2 for o, p in zip(other.spatial, prev.spatial, strict=True))
