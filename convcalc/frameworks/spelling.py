"""What a framework's spelling of a layer is, and the pads every speller reaches for (pure).

A :class:`Spelling` is one framework's way of writing a layer, as engine arguments;
:mod:`convcalc.frameworks.compare` plans and judges it. The helpers read the requested
layer's pads the way people usually spell them.

>>> from convcalc.frameworks.layer import make_layer
>>> usual_symmetric(make_layer("conv", (8,), 4, padding="same"))
(1,)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from convcalc.frameworks.layer import Layer
from convcalc.shape import Padding, PaddingSpec
from convcalc.shape.axes import Pair, Shape

__all__ = ["Spelling", "named", "pairs", "ref_pads", "symmetric", "usual_symmetric"]


@dataclass(frozen=True, slots=True)
class Spelling:
    """One framework's way of writing the layer, as engine arguments.

    ``padding`` is what the framework's attribute means in engine terms; ``error`` says why
    the framework rejects (or lacks) it; ``note`` is a one-line convention remark.
    """

    framework: str
    text: str
    padding: PaddingSpec | None = None
    ceil_mode: bool | None = None
    count_pad: bool | None = None
    output_padding: Shape | None = None
    output_size: Shape | None = None
    error: str | None = None
    note: str = ""


def ref_pads(layer: Layer) -> tuple[Pair, ...]:
    """The requested layer's own pads (the engine's split of its padding)."""
    return layer.plan().pads


def usual_symmetric(layer: Layer) -> Shape:
    """The symmetric pad people reach for when a framework has no SAME: timm's
    ``get_padding = ((s − 1) + d·(k − 1)) // 2`` (``k // 2`` for odd k at stride 1)."""
    return tuple(
        ((s - 1) + d * (k - 1)) // 2
        for k, s, d in zip(layer.kernel, layer.stride, layer.dilation, strict=True)
    )


def symmetric(pads: Sequence[Pair]) -> bool:
    """Every axis pads as much before as after."""
    return all(a == b for a, b in pads)


def pairs(values: Sequence[int]) -> tuple[Pair, ...]:
    """One symmetric ``(p, p)`` pair per axis."""
    return tuple((v, v) for v in values)


def named(layer: Layer) -> Padding | None:
    """The layer's padding mode, or ``None`` when it gives explicit pads."""
    return layer.padding if isinstance(layer.padding, Padding) else None
