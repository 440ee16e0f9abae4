"""The layer model every framework module shares (pure, standard library only).

A :class:`Layer` is one conv, pool or transposed conv in convcalc's own (engine) terms;
:func:`make_layer` builds one and :func:`plan_with` plans it under another padding. Nothing
here computes an output size or a pad split itself: :mod:`convcalc.shape` does.

>>> layer = make_layer("conv", (6,), 3, stride=2, padding="same")
>>> layer.plan().pads, plan_with(layer, ((1, 1),)).pads
(((0, 1),), ((1, 1),))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial

from convcalc.errors import SpecError
from convcalc.shape import (
    DeconvPlan,
    Padding,
    PaddingArg,
    PaddingSpec,
    WindowPlan,
    conv_plan,
    deconv_plan,
    normalize_padding,
)
from convcalc.shape.axes import Pair, Shape, broadcast, check_size, per_axis
from convcalc.shape.window import AxisPlan

__all__ = [
    "DIVISOR_WINDOWS",
    "FRAMEWORKS",
    "NAMES",
    "Layer",
    "Plan",
    "divisors",
    "make_layer",
    "one_value",
    "pads_text",
    "plan_with",
    "same_pads_at",
    "shape_text",
    "window_signature",
]

FRAMEWORKS = ("tf", "keras", "torch", "onnx", "jax", "scipy", "caffe")
NAMES = {
    "tf": "TensorFlow",
    "keras": "Keras",
    "torch": "PyTorch",
    "onnx": "ONNX",
    "jax": "JAX",
    "scipy": "SciPy",
    "caffe": "Caffe",
}


Plan = WindowPlan | DeconvPlan


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer in convcalc's own terms (engine semantics), independent of any framework.

    ``padding`` is a :class:`Padding` mode (TensorFlow's meaning for ``same``) or one
    ``(before, after)`` pair per axis. ``count_pad``: an average pool divides by the cells of
    the padded input its window covers (PyTorch's default) rather than by the real cells
    (TensorFlow, ONNX's default).
    """

    op: str
    input: Shape
    kernel: Shape
    stride: Shape
    dilation: Shape
    padding: PaddingSpec
    pool: str = "max"
    ceil_mode: bool = False
    count_pad: bool = False
    output_padding: Shape | None = None
    output_size: Shape | None = None

    @property
    def ndim(self) -> int:
        return len(self.input)

    def plan(self) -> Plan:
        """The engine's plan of this layer."""
        return plan_with(self, self.padding)

    def with_padding(self, padding: PaddingSpec, **changes: object) -> Layer:
        """The same layer with another padding (and other fields changed)."""
        return replace(self, padding=padding, **changes)  # type: ignore[arg-type]


def make_layer(
    op: str,
    input_shape: Sequence[int],
    kernel: int | Sequence[int],
    *,
    stride: int | Sequence[int] | None = None,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = Padding.VALID,
    pool: str = "max",
    ceil_mode: bool = False,
    count_pad: bool | None = None,
    output_padding: int | Sequence[int] | None = None,
    output_size: Sequence[int] | None = None,
) -> Layer:
    """Build a :class:`Layer`, broadcasting ints over the axes (the stride of a pool defaults
    to its window). ``count_pad=None`` picks the convention of the padding's spelling: named
    modes exclude pad cells (TensorFlow), explicit pads count them (PyTorch).

    >>> make_layer("pool", (112, 112), 3, stride=2, padding=1).padding
    ((1, 1), (1, 1))
    """
    if op not in ("conv", "pool", "deconv"):
        raise SpecError(f"unknown layer type {op!r}; expected conv, pool or deconv")
    if pool not in ("max", "avg"):
        raise SpecError(f"unknown pool type {pool!r}; expected max or avg")
    shape = per_axis("input size", tuple(input_shape), len(input_shape))
    ndim = len(shape)
    kernels = per_axis("kernel", kernel, ndim)
    default_stride: int | Sequence[int] = kernels if op == "pool" else 1
    spec = normalize_padding(padding, ndim)
    extras = None if output_padding is None else broadcast("output_padding", output_padding, ndim)
    layer = Layer(
        op,
        shape,
        kernels,
        per_axis("stride", default_stride if stride is None else stride, ndim),
        per_axis("dilation", dilation, ndim),
        spec,
        pool,
        ceil_mode,
        (not isinstance(spec, Padding)) if count_pad is None else count_pad,
        extras,
        None if output_size is None else tuple(output_size),
    )
    _check_sizes(layer)
    return layer


def _check_sizes(layer: Layer) -> None:
    """Every number of *layer* at most ``MAX_SIZE`` (the shape engine's :func:`check_size`)."""
    pads = () if isinstance(layer.padding, Padding) else [v for p in layer.padding for v in p]
    for name, values in (
        ("input size", layer.input),
        ("kernel", layer.kernel),
        ("stride", layer.stride),
        ("dilation", layer.dilation),
        ("pad", pads),
        ("output_padding", layer.output_padding or ()),
        ("output size", layer.output_size or ()),
    ):
        for value in values:
            check_size(name, value, 0)


def plan_with(
    layer: Layer,
    padding: PaddingSpec,
    *,
    ceil_mode: bool | None = None,
    output_padding: Shape | None = None,
    output_size: Shape | None = None,
    use_layer_output: bool = True,
) -> Plan:
    """Plan *layer* under another padding (and, for a transposed conv, another size)."""
    planner: Callable[..., Plan]
    if layer.op == "deconv":
        planner = partial(
            deconv_plan,
            output_padding=output_padding
            if output_padding is not None
            else (layer.output_padding if use_layer_output else None),
            output_size=output_size
            if output_size is not None
            else (layer.output_size if use_layer_output and output_padding is None else None),
        )
    else:
        planner = partial(conv_plan, ceil_mode=layer.ceil_mode if ceil_mode is None else ceil_mode)
    return planner(
        layer.input, layer.kernel, stride=layer.stride, dilation=layer.dilation, padding=padding
    )


def window_signature(plan: Plan) -> tuple[tuple[int, int], ...]:
    """``(first window start, output)`` per axis: two plans with equal signatures read the
    same cells (a transposed conv: keep the same cells of its full result)."""
    return tuple((a.pad_low, a.output) for a in plan.axes)


DIVISOR_WINDOWS = 100_000
"""Most windows on one axis whose average-pool divisors are listed or compared (one count
per window, each O(1)); more is an error that names this limit."""


@lru_cache(maxsize=64)
def divisors(axis: AxisPlan, count_pad: bool) -> tuple[int, ...]:
    """What an average pool divides window *j* by on one axis: the taps on real cells, or
    on real and pad cells (never the ceil-mode overhang past the padded end).

    >>> from convcalc.shape import conv_axis
    >>> divisors(conv_axis(6, 3, stride=2, padding=(0, 1)), False)
    (3, 3, 2)
    """
    if axis.output > DIVISOR_WINDOWS:
        raise SpecError(
            f"an average pool's divisors are compared window by window: {axis.output} windows "
            f"on one axis, more than DIVISOR_WINDOWS = {DIVISOR_WINDOWS}"
        )
    low, high = (-axis.pad_low, axis.input + axis.pad_high) if count_pad else (0, axis.input)
    return tuple(
        _taps_below(axis.taps(j), high) - _taps_below(axis.taps(j), low) for j in range(axis.output)
    )


def _taps_below(taps: range, bound: int) -> int:
    """How many of *taps* (a range with a positive step) are below *bound*, in O(1)."""
    return len(range(taps.start, min(bound, taps.stop), taps.step))


def same_pads_at(layer: Layer, sizes: Sequence[int]) -> tuple[Pair, ...]:
    """The pads *layer*'s padding would use at another input size (TF SAME, stride > 1)."""
    moved = replace(layer, input=tuple(sizes))
    return moved.plan().pads


def one_value(values: Sequence[int]) -> str:
    """One number when every axis has it, else the tuple.

    >>> one_value((3, 3)), one_value((3, 5))
    ('3', '(3, 5)')
    """
    return str(values[0]) if len(set(values)) == 1 else str(tuple(values))


def pads_text(pads: Sequence[Pair]) -> str:
    """``(before, after)`` pairs, comma-separated: ``pads_text(((0, 1),))`` is ``'(0, 1)'``."""
    return ", ".join(f"({a}, {b})" for a, b in pads)


def shape_text(shape: Sequence[int]) -> str:
    """A size written ``6×6``."""
    return "×".join(str(v) for v in shape)
