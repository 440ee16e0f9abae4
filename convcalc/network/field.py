"""Receptive fields by interval composition (pure, standard library only).

Unit ``u`` of a layer sees the input interval ``[A(u), B(u)]``. Every edge of the layer graph
maps an interval of its output back to its input (Araujo et al., Distill 2019):

* window layer (conv, pool): ``[a, b] → [a·s − pad_low, b·s − pad_low + k_eff − 1]``;
* transposed conv: ``[⌈(a + pad_low − k_eff + 1) / s⌉, ⌊(b + pad_low) / s⌋]`` (empty when no
  input reaches the unit); upsampling by ``f``: ``[⌊a / f⌋, ⌊b / f⌋]``;
* global pooling and flatten: the whole input; adaptive pooling: its bins;
* ``add`` / ``cat`` and residual blocks: the hull of the branches.

Composed from the input up, ``A`` and ``B`` keep the shape ``⌊(α·u + β) / γ⌋`` with one
``α/γ`` (the jump) and two ``β`` (a :class:`Form`) through window layers, global pooling,
joins of equal jumps, and through transposed convs and upsampling while ``α`` is 1 (the
jump so far is at most 1). Then the receptive field, jump, start and effective padding of a
layer are closed forms: O(1) per layer, whatever the sizes and however many upsamplings.
Elsewhere (a strided layer under an upsampling one, adaptive pooling, a transposed conv with
a kernel below its stride) the units of one period are enumerated, walking down only to the
layers that still have a form, within :data:`RF_WORK_LIMIT` interval steps.

>>> f = Form.IDENTITY.through(Divide((2,), (-2,), (1,)), 0)   # deconv k4 s2 p1
>>> f, f.summary()
(Form(alpha=1, low=-1, high=1, gamma=2), (2, Fraction(1, 2), Fraction(-1, 2), 1))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import ClassVar, Protocol

from convcalc.errors import SpecError
from convcalc.shape.axes import Shape

__all__ = [
    "IDENTITY",
    "RF_WORK_LIMIT",
    "Adaptive",
    "Affine",
    "Divide",
    "Form",
    "Interval",
    "Mapper",
    "Node",
    "Whole",
    "field_summary",
    "node_forms",
    "shift",
    "span",
]

Interval = tuple[int, int]
Summary = tuple[int, Fraction, Fraction, int]

RF_WORK_LIMIT = 2**18
"""Interval steps one ``chain`` may spend enumerating unit positions for the layers whose
receptive field has no closed form (see the module doc); beyond it the run ends in a
one-line :class:`SpecError` naming this limit instead of running for minutes."""


@dataclass(frozen=True, slots=True)
class Form:
    """``A(u) = ⌊(alpha·u + low) / gamma⌋``, ``B(u) = ⌊(alpha·u + high) / gamma⌋``: the input
    interval unit ``u`` sees, as a closed form (``gcd(alpha, gamma) = 1``)."""

    alpha: int
    low: int
    high: int
    gamma: int

    IDENTITY: ClassVar[Form]

    def reduced(self) -> Form:
        """The same functions with ``gcd(alpha, gamma) = 1`` (``⌊(g·x + β)/(g·y)⌋ =
        ⌊(x + ⌊β/g⌋)/y⌋`` for integer ``x``)."""
        g = math.gcd(self.alpha, self.gamma)
        return Form(self.alpha // g, self.low // g, self.high // g, self.gamma // g)

    def apply(self, iv: Interval) -> Interval:
        """The input interval an interval of units sees: ``[A(a), B(b)]``."""
        return (
            (self.alpha * iv[0] + self.low) // self.gamma,
            (self.alpha * iv[1] + self.high) // self.gamma,
        )

    def through(self, mapper: Mapper, axis: int) -> Form | None:
        """This form seen from the other side of *mapper* (``None``: no closed form)."""
        return mapper.compose(axis, self)

    def hull(self, other: Form | None) -> Form | None:
        """Both branches' hull, when their jumps agree."""
        if other is None or (other.alpha, other.gamma) != (self.alpha, self.gamma):
            return None
        return Form(self.alpha, min(self.low, other.low), max(self.high, other.high), self.gamma)

    def summary(self) -> Summary:
        """(RF, jump, start, effective pad). ``B − A`` takes every residue of ``α·u`` mod
        ``γ``, so its largest value is ``⌈(high − low) / γ⌉``.

        >>> Form(2, -3, 3, 1).summary()          # conv k7 s2 p3
        (7, Fraction(2, 1), Fraction(0, 1), 3)
        """
        first, last = self.apply((0, 0))
        rf = -(-(self.high - self.low) // self.gamma) + 1
        return rf, Fraction(self.alpha, self.gamma), Fraction(first + last, 2), -first


Form.IDENTITY = Form(1, 0, 0, 1)


class Mapper(Protocol):
    """One edge: an interval of the output back to the input, per axis."""

    def __call__(self, axis: int, iv: Interval) -> Interval | None: ...

    def compose(self, axis: int, form: Form) -> Form | None: ...


@dataclass(frozen=True, slots=True)
class Affine:
    """``[a, b] → [a·scale + low, b·scale + high]``: window layers, identities, offsets."""

    scale: Shape
    low: Shape
    high: Shape

    def __call__(self, axis: int, iv: Interval) -> Interval:
        s = self.scale[axis]
        return (iv[0] * s + self.low[axis], iv[1] * s + self.high[axis])

    def compose(self, axis: int, form: Form) -> Form:
        s, a = self.scale[axis], form.alpha
        return Form(
            a * s, a * self.low[axis] + form.low, a * self.high[axis] + form.high, form.gamma
        ).reduced()


def shift(offsets: Shape) -> Mapper:
    """Move by *offsets* cells (:data:`IDENTITY` when they are all 0)."""
    return Affine((1,) * len(offsets), offsets, offsets) if any(offsets) else IDENTITY


class Identity:
    """The same interval (activations, BatchNorm, fc, a branch's start, joins)."""

    def __call__(self, axis: int, iv: Interval) -> Interval:
        return iv

    def compose(self, axis: int, form: Form) -> Form:
        return form


IDENTITY: Mapper = Identity()


@dataclass(frozen=True, slots=True)
class Divide:
    """``[a, b] → [⌈(a + low) / step⌉, ⌊(b + high) / step⌋]``, ``None`` when empty:
    transposed convs (``low = pad_low − k_eff + 1``, ``high = pad_low``) and upsampling."""

    step: Shape
    low: Shape
    high: Shape

    def __call__(self, axis: int, iv: Interval) -> Interval | None:
        t = self.step[axis]
        lo, hi = -(-(iv[0] + self.low[axis]) // t), (iv[1] + self.high[axis]) // t
        return (lo, hi) if lo <= hi else None

    def compose(self, axis: int, form: Form) -> Form | None:
        t, low, high = self.step[axis], self.low[axis], self.high[axis]
        if high - low < t - 1:  # some units would see nothing: no closed form
            return None
        if form.alpha == 0:
            return form
        if form.alpha != 1:  # ⌊(α·⌊x/t⌋ + β)/γ⌋ is no single floor for α > 1
            return None
        g = form.gamma
        return Form(1, low + t - 1 + form.low * t, high + form.high * t, t * g).reduced()


@dataclass(frozen=True, slots=True)
class Whole:
    """Every unit sees the whole input (global pooling, flatten)."""

    sizes: Shape

    def __call__(self, axis: int, iv: Interval) -> Interval:
        return (0, self.sizes[axis] - 1)

    def compose(self, axis: int, form: Form) -> Form:
        low, high = form.apply((0, self.sizes[axis] - 1))
        return Form(0, low, high, 1)


@dataclass(frozen=True, slots=True)
class Adaptive:
    """PyTorch adaptive pooling: bin ``j`` of ``o`` over ``n`` is ``[⌊j·n/o⌋, ⌈(j+1)·n/o⌉)``
    (bins may overlap)."""

    sizes: Shape
    out: Shape

    def __call__(self, axis: int, iv: Interval) -> Interval:
        n, o = self.sizes[axis], self.out[axis]
        return ((iv[0] * n) // o, -((-(iv[1] + 1) * n) // o) - 1)

    def compose(self, axis: int, form: Form) -> Form | None:
        return None


@dataclass
class Node:
    """A tensor in the graph: its edges back to the tensors it came from, and per axis the
    closed form of its receptive field (``None`` where it has none)."""

    spatial: Shape
    channels: int | None
    edges: list[tuple[int, Mapper]] = field(default_factory=list)
    forms: tuple[Form | None, ...] = ()


def node_forms(
    nodes: Sequence[Node], edges: Sequence[tuple[int, Mapper]], ndim: int
) -> tuple[Form | None, ...]:
    """Per axis, the hull over *edges* of each source's form composed through its mapper."""
    forms: list[Form | None] = []
    for axis in range(ndim):
        form: Form | None = None
        for i, (src, mapper) in enumerate(edges):
            base = nodes[src].forms[axis]
            mine = None if base is None else base.through(mapper, axis)
            form = mine if i == 0 else (None if mine is None else mine.hull(form))
            if form is None:
                break
        forms.append(form)
    return tuple(forms)


def _hull(a: Interval | None, b: Interval | None) -> Interval | None:
    if a is None:
        return b
    if b is None:
        return a
    return (min(a[0], b[0]), max(a[1], b[1]))


class Budget:
    """Interval steps left for enumeration (:data:`RF_WORK_LIMIT` per run)."""

    def __init__(self, steps: int = RF_WORK_LIMIT) -> None:
        self.left = steps

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise SpecError(
                "its receptive field has no closed form (a strided layer under an upsampling "
                "one, adaptive pooling, or a transposed conv with kernel < stride) and needs "
                f"more than convcalc's limit of {RF_WORK_LIMIT} interval steps to enumerate"
            )


def span(
    nodes: Sequence[Node], top: int, axis: int, unit: int, budget: Budget | None = None
) -> Interval | None:
    """Input interval ``[a, b]`` (unclipped) that *unit* of node *top* sees on *axis*,
    mapped down edge by edge until a node with a closed form finishes the job."""
    pending: dict[int, Interval | None] = {top: (unit, unit)}
    result: Interval | None = None
    while pending:
        n = max(pending)
        iv = pending.pop(n)
        if budget is not None:
            budget.spend(1)
        if iv is None:
            continue
        form = nodes[n].forms[axis]
        if form is not None:
            result = _hull(result, form.apply(iv))
            continue
        for src, mapper in nodes[n].edges:
            pending[src] = _hull(pending.get(src), mapper(axis, iv))
    return result


def field_summary(
    nodes: Sequence[Node], top: int, periods: Sequence[int], budget: Budget
) -> tuple[tuple[int, ...], tuple[Fraction, ...], tuple[Fraction, ...], tuple[int, ...]]:
    """Per axis (RF, jump, start, effective pad) of node *top*: the closed form, or the
    largest span over one period of units (``periods``: the product of the up factors)."""
    rows = [_axis_summary(nodes, top, axis, q, budget) for axis, q in enumerate(periods)]
    rf, jump, start, pad = zip(*rows, strict=True) if rows else ((), (), (), ())
    return tuple(rf), tuple(jump), tuple(start), tuple(pad)


def _axis_summary(nodes: Sequence[Node], top: int, axis: int, q: int, budget: Budget) -> Summary:
    form = nodes[top].forms[axis]
    if form is not None:
        return form.summary()
    budget.spend(q)  # at least one step per unit: refuse an astronomic period up front
    spans = [span(nodes, top, axis, u, budget) for u in range(q + 1)]
    sizes = [b - a + 1 for a, b in (s for s in spans[:q] if s is not None)]
    first, last = spans[0], spans[q]
    if first is None or last is None:
        return max(sizes, default=0), Fraction(0), Fraction(0), 0
    return (
        max(sizes, default=0),
        Fraction(last[0] - first[0], q),
        Fraction(first[0] + first[1], 2),
        -first[0],
    )
