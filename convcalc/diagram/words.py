"""The words of a diagram's title and summary: sizes, pads, borders, axis names (pure).

>>> shape_text((3, 3)), per_axis((2, 2)), per_axis((2, 1)), pads_text([(1, 2)])
('3×3', '2', '2×1', '1 before, 2 after')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from convcalc.diagram.layout import Index
from convcalc.shape import AxisPlan, DeconvAxis, DeconvPlan, WindowPlan

__all__ = [
    "axis_names",
    "border_text",
    "geometry",
    "index_text",
    "pads_text",
    "per_axis",
    "shape_text",
    "summary",
]

A = TypeVar("A", AxisPlan, DeconvAxis)


def shape_text(values: Iterable[int]) -> str:
    """``3×3`` for sizes."""
    return "×".join(str(v) for v in values)


def per_axis(values: Iterable[int]) -> str:
    """``2`` when every axis agrees, else ``2×1``."""
    items = list(values)
    return str(items[0]) if len(set(items)) == 1 else shape_text(items)


def pads_text(pads: Sequence[tuple[int, int]]) -> str:
    """``none``, ``1``, ``1 before, 2 after``, or ``(0, 1) × (1, 1)``."""
    if not any(lo or hi for lo, hi in pads):
        return "none"
    if len(set(pads)) == 1:
        lo, hi = pads[0]
        return f"{lo} before, {hi} after" if lo != hi or len(pads) == 1 else f"{lo}"
    return " × ".join(f"({lo}, {hi})" for lo, hi in pads)


def border_text(counts: Sequence[int], side: str) -> str:
    """``1 zero(s) before``; a negative border (pads over k_eff − 1) crops instead.

    >>> border_text([-2], "after")
    '2 stretched cell(s) cropped after'
    """
    if all(c >= 0 for c in counts):
        return f"{per_axis(counts)} zero(s) {side}"
    if all(c <= 0 for c in counts):
        return f"{per_axis(-c for c in counts)} stretched cell(s) cropped {side}"
    return f"{shape_text(counts)} {side} (negative: cells cropped)"


def axis_names(ndim: int) -> list[str]:
    """How the summary names each axis: none in 1-D, rows and cols in 2-D."""
    if ndim == 1:
        return [""]
    if ndim == 2:
        return ["rows", "cols"]
    return [f"axis {a}" for a in range(ndim)]


def index_text(out: Index) -> str:
    """``3`` for a 1-D output cell, ``(1, 2)`` otherwise."""
    return str(out[0]) if len(out) == 1 else "(" + ", ".join(map(str, out)) + ")"


def _merge_axes(items: list[tuple[str, str, list[str]]]) -> list[tuple[str, list[str]]]:
    """``(name, head, lines)`` per axis → one entry for all axes when they are identical."""
    if len(items) > 1 and len({(head, tuple(lines)) for _, head, lines in items}) == 1:
        names = [name for name, _, _ in items]
        label = "rows and cols" if names == ["rows", "cols"] else "every axis"
        return [(f"{label}: {items[0][1]}", items[0][2])]
    return [(f"{name}: {head}" if name else head, lines) for name, head, lines in items]


def geometry(plan: WindowPlan | DeconvPlan, explicit: str) -> list[str]:
    """Title parts shared by every diagram: input, kernel, stride, dilation, padding.

    >>> from convcalc.shape import conv_plan
    >>> geometry(conv_plan((5, 5), 3, stride=2, padding=1), "pads")
    ['input 5×5', 'kernel 3×3', 'stride 2', 'pads 1']
    """
    axes = plan.axes
    parts = [
        f"input {shape_text(plan.input)}",
        f"kernel {shape_text(a.kernel for a in axes)}",
        f"stride {per_axis(a.stride for a in axes)}",
    ]
    if any(a.dilation > 1 for a in axes):
        parts.append(f"dilation {per_axis(a.dilation for a in axes)}")
    mode = axes[0].padding
    pads = pads_text(plan.pads)
    parts.append(f"padding {mode.value} ({pads})" if mode is not None else f"{explicit} {pads}")
    return parts


def summary(axes: Sequence[A], explain: Callable[[A], list[str]]) -> list[tuple[str, list[str]]]:
    """Per axis, a head line (sizes, pads → out) and the *explain* lines of its formula;
    one entry for all axes when they are identical.

    >>> from convcalc.shape import conv_plan
    >>> summary(conv_plan((5, 5), 3).axes, lambda a: [])
    [('rows and cols: in 5, kernel 3, stride 1, pads 0 before / 0 after → out 3', [])]
    """
    items = []
    for name, a in zip(axis_names(len(axes)), axes, strict=True):
        extra = f", output_padding {a.output_padding}" if isinstance(a, DeconvAxis) else ""
        head = (
            f"in {a.input}, kernel {a.kernel}, stride {a.stride}, pads {a.pad_low} before / "
            f"{a.pad_high} after{extra} → out {a.output}"
        )
        items.append((name, head, explain(a)))
    return _merge_axes(items)
