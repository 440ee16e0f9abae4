"""A port recipe: how to write one layer exactly in one framework (pure data).

:mod:`convcalc.frameworks.port` builds recipes, ``--check`` runs them, fixtures record them
and :mod:`convcalc.frameworks.render` turns one into code.

>>> Recipe("torch", "conv", True, ((1, 1),)).as_dict()["padding"]
[[1, 1]]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from convcalc.errors import SpecError
from convcalc.shape.axes import Pair, Shape

__all__ = ["PORTABLE", "Pads", "Recipe", "check_portable"]

PORTABLE = ("tf", "keras", "torch", "onnx")
Pads = tuple[Pair, ...]


def check_portable(framework: str) -> None:
    """Raise :class:`SpecError` unless *framework* is one ``port`` reads and writes."""
    if framework not in PORTABLE:
        raise SpecError(f"unknown framework {framework!r}; expected one of {', '.join(PORTABLE)}")


@dataclass(frozen=True, slots=True)
class Recipe:
    """How to write *layer* in one framework.

    ``padding`` is the layer's own pad attribute: a mode name (``"same"``, ``"valid"``,
    ``"causal"``) or explicit pairs. ``pre_pad`` is an explicit pad op before the layer
    (``pad_value`` ``"0"`` or ``"-inf"``); ``crop`` is a slice ``(before, after)`` after it
    (transposed conv); ``divide_by_count`` means average pool = pool(pad(x)) / pool(pad(mask))
    where the mask is 1 on the cells the source framework divides by.
    """

    framework: str
    op: str
    exact: bool
    padding: str | Pads
    pre_pad: Pads | None = None
    pad_value: str = "0"
    ceil_mode: bool = False
    count_pad: bool | None = None
    output_padding: Shape | None = None
    output_size: Shape | None = None
    crop: Pads | None = None
    divide_by_count: bool = False
    mask_pads: Pads | None = None
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (lists for tuples)."""

        def conv(v: Any) -> Any:
            if isinstance(v, tuple):
                return [conv(x) for x in v]
            return v

        return {
            "framework": self.framework,
            "op": self.op,
            "exact": self.exact,
            "padding": conv(self.padding),
            "pre_pad": conv(self.pre_pad),
            "pad_value": self.pad_value,
            "ceil_mode": self.ceil_mode,
            "count_pad": self.count_pad,
            "output_padding": conv(self.output_padding),
            "output_size": conv(self.output_size),
            "crop": conv(self.crop),
            "divide_by_count": self.divide_by_count,
            "mask_pads": conv(self.mask_pads),
            "notes": list(self.notes),
        }
