"""Per-axis plumbing shared by every shape rule (pure, standard library only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from convcalc.errors import ConvcalcError, SpecError

__all__ = ["Pair", "Shape", "check_positive", "effective_kernel", "on_axis", "per_axis"]

Shape = tuple[int, ...]
Pair = tuple[int, int]
T = TypeVar("T")

MAX_SIZE = 2**40
"""The largest size, kernel, stride, dilation, pad or output size convcalc accepts."""


def check_positive(name: str, value: int) -> int:
    """Return *value* if it is an int ≥ 1, else raise :class:`SpecError` naming *name*."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(f"{name} must be ≥ 1, got {value!r}")
    return value


def effective_kernel(kernel: int, dilation: int = 1) -> int:
    """Span of a dilated kernel: ``d·(k − 1) + 1``.

    >>> effective_kernel(3, 2)
    5
    """
    return dilation * (kernel - 1) + 1


def broadcast(name: str, value: int | Sequence[int], ndim: int) -> Shape:
    """Broadcast an int (or a 1-sequence) to *ndim* axes; other lengths are an error.

    >>> broadcast("output_padding", [1], 2)
    (1, 1)
    """
    values = [value] if isinstance(value, int) else list(value)
    if len(values) == 1:
        values = values * ndim
    if len(values) != ndim:
        raise SpecError(f"{name} has {len(values)} values but the input has {ndim} axes")
    return tuple(values)


def per_axis(name: str, value: int | Sequence[int], ndim: int) -> Shape:
    """:func:`broadcast`, then check every entry is ≥ 1.

    >>> per_axis("stride", 2, 3)
    (2, 2, 2)
    """
    return tuple(check_positive(name, v) for v in broadcast(name, value, ndim))


def on_axis(ndim: int, axis: int, plan: Callable[[], T]) -> T:
    """Run *plan* for one axis; for N-d inputs an error names the axis it came from."""
    try:
        return plan()
    except ConvcalcError as exc:
        if ndim == 1:
            raise
        raise type(exc)(f"axis {axis}: {exc}") from None
