"""Per-axis plumbing shared by every shape rule (pure, standard library only): the size
limit, the checks every value entering the engine passes, broadcasting to N axes."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import Generic, TypeVar

from convcalc.errors import ConvcalcError, SpecError

__all__ = [
    "MAX_SIZE",
    "AxesPlan",
    "AxisWindow",
    "Pair",
    "Shape",
    "check_pads",
    "check_positive",
    "check_size",
    "check_window",
    "each_axis",
    "effective_kernel",
    "on_axis",
    "parse_int",
    "per_axis",
]

Shape = tuple[int, ...]
Pair = tuple[int, int]
T = TypeVar("T")

MAX_SIZE = 2**40
"""Largest size, kernel, stride, dilation, pad or output size convcalc accepts (2**40, about
10**12 cells per axis: far beyond any real tensor, small enough that every product the tools
form stays an exact, quick integer). Larger values end in a one-line :class:`SpecError`
naming this limit."""

_DIGITS = re.compile(r"[+-]?[0-9]+")


def check_size(name: str, value: int, minimum: int = 1) -> int:
    """Return *value* if it is an int in ``[minimum, MAX_SIZE]``, else raise
    :class:`SpecError` naming *name* and the bound it breaks.

    >>> check_size("kernel", 2**63)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    convcalc.errors.SpecError: kernel 9223372036854775808 is above convcalc's limit 2**40 = ...
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SpecError(f"{name} must be ≥ {minimum}, got {value!r}")
    if value > MAX_SIZE:
        raise SpecError(f"{name} {value} is above convcalc's limit 2**40 = {MAX_SIZE}")
    return value


def check_positive(name: str, value: int) -> int:
    """Return *value* if it is an int in ``[1, MAX_SIZE]``, else raise :class:`SpecError`."""
    return check_size(name, value, 1)


def check_window(size_name: str, size: int, kernel: int, stride: int, dilation: int) -> None:
    """Check the four numbers of one axis, in this order: *size* (named *size_name*), kernel,
    stride, dilation, each with :func:`check_positive`.

    >>> check_window("output size", 3, 2, 0, 1)
    Traceback (most recent call last):
    ...
    convcalc.errors.SpecError: stride must be ≥ 1, got 0
    """
    checks = ((size_name, size), ("kernel", kernel), ("stride", stride), ("dilation", dilation))
    for name, value in checks:
        check_positive(name, value)


def check_pads(low: int, high: int) -> Pair:
    """Return ``(low, high)`` if both pads are in ``[0, MAX_SIZE]``.

    >>> check_pads(1, 2)
    (1, 2)
    """
    if low < 0 or high < 0:
        raise SpecError(f"pads must be ≥ 0, got ({low}, {high})")
    return (check_size("pad", low, 0), check_size("pad", high, 0))


def parse_int(text: str) -> int:
    """An integer typed by a user: ASCII digits only, optionally signed. Python's ``int``
    also reads ``'５'``, ``'1_000'`` and ``' 5 '``; convcalc does not (one rule for every
    size on the command line and in a layer spec), so those raise :class:`ValueError`. A
    number of more than 30 digits raises :class:`SpecError` (a ``ValueError`` too) naming
    :data:`MAX_SIZE`, without converting it.

    >>> parse_int("12"), parse_int("-3")
    (12, -3)
    >>> parse_int("５")
    Traceback (most recent call last):
    ...
    ValueError: '５' is not a number in ASCII digits
    """
    if not _DIGITS.fullmatch(text):
        raise ValueError(f"{text!r} is not a number in ASCII digits")
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > 30:
        raise SpecError(
            f"{text[:12]}… ({len(digits)} digits) is beyond convcalc's limit 2**40 = {MAX_SIZE}"
        )
    return int(text)


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


def each_axis(ndim: int, plan: Callable[[int], T]) -> tuple[T, ...]:
    """``plan(axis)`` for every axis, each under :func:`on_axis`.

    >>> each_axis(3, lambda a: 10 * a)
    (0, 10, 20)
    """
    return tuple(on_axis(ndim, a, partial(plan, a)) for a in range(ndim))


class AxisWindow:
    """One axis of a plan: its input and output lengths, kernel, dilation and the two pads,
    with what they imply. (Base of the frozen per-axis plan dataclasses, which declare these
    fields: a plain base, not a dataclass, so that each plan lists all its fields in order.)

    >>> from convcalc.shape import conv_axis
    >>> conv_axis(9, 3, dilation=2, padding=(1, 0)).effective_kernel
    5
    """

    __slots__ = ()
    input: int
    output: int
    kernel: int
    dilation: int
    pad_low: int
    pad_high: int

    @property
    def effective_kernel(self) -> int:
        """``d·(k − 1) + 1``."""
        return effective_kernel(self.kernel, self.dilation)

    @property
    def pads(self) -> Pair:
        """``(pad_low, pad_high)``."""
        return (self.pad_low, self.pad_high)


A = TypeVar("A", bound=AxisWindow, covariant=True)


class AxesPlan(Generic[A]):
    """An N-d plan, one per-axis plan in ``axes``: the shapes read across the axes.
    (Base of the frozen plan dataclasses, which declare the ``axes`` field.)"""

    __slots__ = ()
    axes: tuple[A, ...]

    @property
    def input(self) -> Shape:
        return tuple(a.input for a in self.axes)

    @property
    def output(self) -> Shape:
        return tuple(a.output for a in self.axes)

    @property
    def pads(self) -> tuple[Pair, ...]:
        return tuple(a.pads for a in self.axes)
