"""Run a layer stack through the shape engine: shapes, pads, receptive fields, parameters.

Pure (standard library only). Every spatial size and pad comes from
:mod:`convcalc.shape`; this module adds what a *stack* has that one layer has not:

* **Receptive field** by interval composition (Araujo et al., Distill 2019): a unit's input
  span is mapped back layer by layer, ``[a, b] → [a·s − pad_low, b·s − pad_low + k_eff − 1]``
  for a window layer, the inverse scatter for a transposed conv, the hull of the branches
  at ``add``/``cat``. For stacks of convs and pools this gives the closed forms
  ``r = 1 + Σ (k_l − 1)·Π s_i``, jump ``S = Π s_l`` and effective padding
  ``P = Σ p_l·Π s_i``; transposed convs make the jump fractional and the size periodic.
* **Parameters** (weights, bias, BatchNorm's 2 per channel, as torchvision counts) and
  **multiply-accumulates** when channel counts are known.

>>> rows = run_chain(parse_spec("conv k7 s2 p3 c64, pool max k3 s2 p1"), (224, 224), 3).rows
>>> [(r.output, r.rf, tuple(int(j) for j in r.jump)) for r in rows]
[((112, 112), (7, 7), (2, 2)), ((56, 56), (11, 11), (4, 4))]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from convcalc.errors import ConvcalcError, SpecError
from convcalc.network.spec import LayerSpec, parse_spec
from convcalc.shape import DeconvAxis, Padding, conv_plan, deconv_plan
from convcalc.shape.axes import Pair, Shape
from convcalc.shape.window import AxisPlan

__all__ = ["ChainResult", "ChainRow", "parse_input", "parse_spec", "run_chain", "unit_spans"]

Interval = tuple[int, int]
Mapper = Callable[[int, Interval], Interval | None]


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


@dataclass
class _Node:
    """A tensor in the graph: where it came from, for receptive-field back-mapping."""

    spatial: Shape
    channels: int | None
    edges: list[tuple[int, Mapper]] = field(default_factory=list)
    period: int = 1


def parse_input(
    text: str, ndim: int = 2, channels_first: bool = False
) -> tuple[Shape, int | None, int]:
    """``224x224x3`` → ((224, 224), 3, batch 1): *ndim* spatial sizes, then optionally the
    channels (last, or first with *channels_first*), optionally preceded by a batch size.

    >>> parse_input("8x32x32x3")
    ((32, 32), 3, 8)
    >>> parse_input("3x224x224", channels_first=True)
    ((224, 224), 3, 1)
    """
    try:
        values = [int(v) for v in text.lower().replace(",", "x").split("x")]
    except ValueError:
        raise SpecError(f"input {text!r} is not a shape such as 224x224x3") from None
    if any(v < 1 for v in values):
        raise SpecError(f"input {text!r}: every size must be ≥ 1")
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
    state = _Run(spatial, channels, batch)
    rows = state.run(layers, 0, "")
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
    return [state._span(top, axis, u) for u in units]


def _total(values: Sequence[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _hull(a: Interval | None, b: Interval | None) -> Interval | None:
    if a is None:
        return b
    if b is None:
        return a
    return (min(a[0], b[0]), max(a[1], b[1]))


def _window_mapper(axes: Sequence[AxisPlan]) -> Mapper:
    def back(axis: int, iv: Interval) -> Interval:
        p = axes[axis]
        return (iv[0] * p.stride - p.pad_low, iv[1] * p.stride - p.pad_low + p.effective_kernel - 1)

    return back


def _deconv_mapper(axes: Sequence[DeconvAxis]) -> Mapper:
    def back(axis: int, iv: Interval) -> Interval | None:
        a = axes[axis]
        lo = -((-(iv[0] + a.pad_low - a.effective_kernel + 1)) // a.stride)
        hi = (iv[1] + a.pad_low) // a.stride
        return (lo, hi) if lo <= hi else None

    return back


def _whole(sizes: Shape) -> Mapper:
    return lambda axis, iv: (0, sizes[axis] - 1)


def _identity(axis: int, iv: Interval) -> Interval:
    return iv


def _offset(offsets: Shape) -> Mapper:
    return lambda axis, iv: (iv[0] + offsets[axis], iv[1] + offsets[axis])


class _Run:
    def __init__(self, spatial: Shape, channels: int | None, batch: int) -> None:
        self.ndim = len(spatial)
        self.batch = batch
        self.nodes = [_Node(tuple(spatial), channels)]
        self.labels: dict[str, int] = {}
        self.period = [1] * self.ndim

    # ----------------------------------------------------------------- receptive field

    def _span(self, top: int, axis: int, unit: int) -> Interval | None:
        spans: dict[int, Interval | None] = {top: (unit, unit)}
        for n in range(top, 0, -1):
            iv = spans.pop(n, None)
            if iv is None:
                continue
            for src, mapper in self.nodes[n].edges:
                spans[src] = _hull(spans.get(src), mapper(axis, iv))
        return spans.get(0)

    def _rf(
        self, top: int
    ) -> tuple[tuple[int, ...], tuple[Fraction, ...], tuple[Fraction, ...], tuple[int, ...]]:
        rf, jump, start, pad = [], [], [], []
        for axis in range(self.ndim):
            q = self.period[axis]
            spans = [self._span(top, axis, u) for u in range(q + 1)]
            sizes = [b - a + 1 for a, b in (s for s in spans[:q] if s is not None)]
            rf.append(max(sizes, default=0))
            first, last = spans[0], spans[q]
            if first is None or last is None:
                jump.append(Fraction(0))
                start.append(Fraction(0))
                pad.append(0)
                continue
            jump.append(Fraction(last[0] - first[0], q))
            start.append(Fraction(first[0] + first[1], 2))
            pad.append(-first[0])
        return tuple(rf), tuple(jump), tuple(start), tuple(pad)

    # ----------------------------------------------------------------- layers

    def run(self, layers: Sequence[LayerSpec], depth: int, branch: str) -> list[ChainRow]:
        rows: list[ChainRow] = []
        for spec in layers:
            if spec.op == "res":
                rows.extend(self._res(spec, depth))
            else:
                rows.append(self._layer(spec, len(self.nodes) - 1, depth, branch))
        return rows

    def _res(self, spec: LayerSpec, depth: int) -> list[ChainRow]:
        start = len(self.nodes) - 1
        rows = self.run(spec.body, depth + 1, "body")
        body_end = len(self.nodes) - 1
        short_end = start
        if spec.shortcut:
            self._move_to(start)
            rows.extend(self.run(spec.shortcut, depth + 1, "shortcut"))
            short_end = len(self.nodes) - 1
        a, b = self.nodes[body_end], self.nodes[short_end]
        if (a.spatial, a.channels) != (b.spatial, b.channels):
            raise spec.fail(
                f"the body gives {_shape(a.spatial, a.channels)} but the shortcut gives "
                f"{_shape(b.spatial, b.channels)}; add a shortcut such as '| conv k1 s2 c…'"
            )
        rows.append(
            self._merge(
                spec,
                [body_end, short_end],
                a.spatial,
                a.channels,
                depth,
                [_identity, _identity],
                "add",
            )
        )
        return rows

    def _move_to(self, node: int) -> None:
        """Continue from an earlier tensor (a shortcut branch starts at the block input)."""
        src = self.nodes[node]
        self.nodes.append(_Node(src.spatial, src.channels, [(node, _identity)]))

    def _merge(
        self,
        spec: LayerSpec,
        inputs: list[int],
        spatial: Shape,
        channels: int | None,
        depth: int,
        mappers: list[Mapper],
        op: str,
    ) -> ChainRow:
        node = _Node(spatial, channels, list(zip(inputs, mappers, strict=True)))
        self.nodes.append(node)
        if spec.label:
            self.labels[spec.label] = len(self.nodes) - 1
        prev = self.nodes[inputs[0]]
        return self._row(spec, op, depth, "", prev, node, None, None, 0, 0)

    def _layer(self, spec: LayerSpec, src: int, depth: int, branch: str) -> ChainRow:
        prev = self.nodes[src]
        try:
            return self._apply(spec, src, prev, depth, branch)
        except SpecError as exc:
            if str(exc).startswith("layer "):
                raise
            raise spec.fail(str(exc)) from None
        except ConvcalcError as exc:
            raise type(exc)(f"layer {spec.index} '{spec.text}': {exc}") from None

    def _need_spatial(self, spec: LayerSpec, prev: _Node) -> None:
        if not prev.spatial:
            raise spec.fail("the input is already flattened (no spatial axes left)")

    def _apply(self, spec: LayerSpec, src: int, prev: _Node, depth: int, branch: str) -> ChainRow:
        cin = prev.channels
        pads = None
        output_padding = None
        params: int | None = 0
        macs: int | None = 0
        mapper: Mapper = _identity
        cout = cin
        spatial = prev.spatial
        note = ""
        if spec.op in ("conv", "deconv", "pool"):
            self._need_spatial(spec, prev)
            padding = (
                spec.padding
                if spec.padding is not None
                else (Padding.VALID if spec.op != "deconv" else 0)
            )
            if spec.op == "deconv":
                plan = deconv_plan(
                    prev.spatial,
                    spec.kernel or (1,),
                    stride=spec.stride or 1,
                    dilation=spec.dilation,
                    padding=padding,
                    output_padding=spec.output_padding,
                    output_size=spec.output_size,
                )
                spatial = plan.output
                pads = plan.pads
                output_padding = plan.output_padding
                mapper = _deconv_mapper(plan.axes)
                for axis, a in enumerate(plan.axes):
                    self.period[axis] *= a.stride
            else:
                wplan = conv_plan(
                    prev.spatial,
                    spec.kernel or (1,),
                    stride=spec.stride or (spec.kernel if spec.op == "pool" else 1) or 1,
                    dilation=spec.dilation,
                    padding=padding,
                    ceil_mode=spec.ceil,
                )
                spatial = wplan.output
                pads = wplan.pads
                mapper = _window_mapper(wplan.axes)
                if spec.padding is Padding.SAME and any(a.stride > 1 for a in wplan.axes):
                    note = "same with stride > 1: pads depend on the input size"
            if spec.op != "pool":
                cout, params, macs = self._weights(spec, prev, spatial)
        elif spec.op == "gap":
            self._need_spatial(spec, prev)
            spatial = (1,) * len(prev.spatial)
            mapper = _whole(prev.spatial)
        elif spec.op == "adaptive":
            self._need_spatial(spec, prev)
            spatial = self._adaptive(spec, prev.spatial)
            mapper = _adaptive_mapper(prev.spatial, spatial)
        elif spec.op == "flatten":
            cout = None if cin is None else cin * math.prod(prev.spatial)
            spatial = ()
            mapper = _whole(prev.spatial) if prev.spatial else _identity
        elif spec.op == "fc":
            if any(v != 1 for v in prev.spatial):
                raise spec.fail(
                    f"needs a flattened input (add flatten or gap before it), got "
                    f"{_shape(prev.spatial, cin)}"
                )
            cout = spec.channels
            assert cout is not None
            params = None if cin is None else cin * cout + (cout if spec.bias else 0)
            params = None if params is None else params + (2 * cout if spec.bn else 0)
            macs = None if cin is None else cin * cout
        elif spec.op == "bn":
            params = None if cin is None else 2 * cin
        elif spec.op == "upsample":
            self._need_spatial(spec, prev)
            factors = _per_axis(spec, spec.factor or (1,), self.ndim)
            spatial = tuple(n * f for n, f in zip(prev.spatial, factors, strict=True))
            for axis, f in enumerate(factors):
                self.period[axis] *= f
            mapper = _upsample_mapper(factors)
        elif spec.op in ("add", "cat"):
            return self._join(spec, src, prev, depth)
        node = _Node(spatial, cout, [(src, mapper)])
        self.nodes.append(node)
        if spec.label:
            self.labels[spec.label] = len(self.nodes) - 1
        row = self._row(
            spec, spec.op, depth, branch, prev, node, pads, output_padding, params, macs
        )
        return row if not note else _with_note(row, note)

    def _adaptive(self, spec: LayerSpec, sizes: Shape) -> Shape:
        out = _per_axis(spec, spec.output_size or (1,), len(sizes))
        return out

    def _weights(
        self, spec: LayerSpec, prev: _Node, spatial: Shape
    ) -> tuple[int | None, int | None, int | None]:
        cin = prev.channels
        groups = spec.groups
        if spec.depthwise:
            if cin is None:
                raise spec.fail("dw (depthwise) needs the input channels; give -i …x<channels>")
            groups = cin
        cout = spec.channels if spec.channels is not None else cin
        if cin is None or cout is None:
            return cout, None, None
        for name, value in (("input", cin), ("output", cout)):
            if value % groups:
                raise spec.fail(f"groups {groups} must divide the {name} channels {value}")
        taps = math.prod(_per_axis(spec, spec.kernel or (1,), self.ndim))
        weights = cout * (cin // groups) * taps
        params = weights + (cout if spec.bias else 0) + (2 * cout if spec.bn else 0)
        if spec.op == "deconv":
            macs = math.prod(prev.spatial) * weights
        else:
            macs = math.prod(spatial) * weights
        return cout, params, macs

    def _join(self, spec: LayerSpec, src: int, prev: _Node, depth: int) -> ChainRow:
        assert spec.ref is not None
        if spec.ref not in self.labels:
            known = ", ".join(sorted(self.labels)) or "none yet"
            raise spec.fail(f"no earlier layer is labelled @{spec.ref} (labels: {known})")
        other_id = self.labels[spec.ref]
        other = self.nodes[other_id]
        offsets: Shape = (0,) * len(prev.spatial)
        if other.spatial != prev.spatial:
            bigger = len(other.spatial) == len(prev.spatial) and all(
                o >= p for o, p in zip(other.spatial, prev.spatial, strict=True)
            )
            if not (spec.op == "cat" and spec.crop and bigger):
                hint = (
                    " (add 'crop' to centre-crop the skip)" if spec.op == "cat" and bigger else ""
                )
                raise spec.fail(
                    f"@{spec.ref} is {_shape(other.spatial, other.channels)} but the current "
                    f"tensor is {_shape(prev.spatial, prev.channels)}{hint}"
                )
            offsets = tuple((o - p) // 2 for o, p in zip(other.spatial, prev.spatial, strict=True))
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
        row = self._merge(
            spec,
            [src, other_id],
            prev.spatial,
            channels,
            depth,
            [_identity, _offset(offsets)],
            spec.op,
        )
        if any(offsets):
            crop = ", ".join(
                f"({o}, {n - p - o})"
                for o, n, p in zip(offsets, other.spatial, prev.spatial, strict=True)
            )
            return _with_note(row, f"@{spec.ref} centre-cropped by {crop}")
        return row

    def _row(
        self,
        spec: LayerSpec,
        op: str,
        depth: int,
        branch: str,
        prev: _Node,
        node: _Node,
        pads: tuple[Pair, ...] | None,
        output_padding: Shape | None,
        params: int | None,
        macs: int | None,
    ) -> ChainRow:
        top = len(self.nodes) - 1
        rf, jump, start, eff = self._rf(top)
        acts = (
            None if node.channels is None else node.channels * math.prod(node.spatial) * self.batch
        )
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
            pads,
            output_padding,
            rf,
            jump,
            start,
            eff,
            params,
            None if macs is None else macs * self.batch,
            acts,
        )


def _with_note(row: ChainRow, note: str) -> ChainRow:
    from dataclasses import replace

    return replace(row, note=note)


def _per_axis(spec: LayerSpec, values: Sequence[int], ndim: int) -> Shape:
    if len(values) == 1:
        return tuple(values) * ndim
    if len(values) != ndim:
        raise spec.fail(f"{len(values)} values given but the input has {ndim} spatial axes")
    return tuple(values)


def _adaptive_mapper(sizes: Shape, out: Shape) -> Mapper:
    """PyTorch adaptive pooling: bin ``j`` of ``o`` over ``n`` is
    ``[⌊j·n/o⌋, ⌈(j+1)·n/o⌉)`` (bins may overlap)."""

    def back(axis: int, iv: Interval) -> Interval:
        n, o = sizes[axis], out[axis]
        return ((iv[0] * n) // o, -((-(iv[1] + 1) * n) // o) - 1)

    return back


def _upsample_mapper(factors: Shape) -> Mapper:
    return lambda axis, iv: (iv[0] // factors[axis], iv[1] // factors[axis])


def _shape(spatial: Shape, channels: int | None) -> str:
    parts = [str(v) for v in spatial]
    if channels is not None:
        parts.append(str(channels))
    return "×".join(parts) or "?"
