"""Padding modes and the pad split each one makes (pure, standard library only).

The whole vocabulary of convcalc: a *named mode* (:class:`Padding`) or explicit
``(before, after)`` pairs, one per spatial axis. :func:`resolve_pads` turns either into the
pair of zero counts actually added to one axis.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TypeAlias

from convcalc.errors import SpecError
from convcalc.shape.axes import Pair, check_pads

__all__ = [
    "Padding",
    "PaddingArg",
    "PaddingSpec",
    "describe_padding",
    "normalize_padding",
    "resolve_pads",
    "split_total",
]


class Padding(enum.Enum):
    """Named padding modes.

    - ``VALID``: no padding; windows that do not fit are dropped.
    - ``SAME``: TensorFlow SAME = ONNX SAME_UPPER = PyTorch ``'same'`` (stride 1): output
      ``ceil(n / s)``, the odd zero at the end.
    - ``SAME_LOWER``: ONNX SAME_LOWER, NumPy/SciPy ``'same'``: the odd zero at the start.
    - ``FULL``: ``k_eff - 1`` zeros on both sides (every partial overlap counts).
    - ``CAUSAL``: Keras Conv1D causal: all ``k_eff - 1`` zeros at the start.

    >>> Padding.parse("SAME_LOWER")
    <Padding.SAME_LOWER: 'same-lower'>
    """

    VALID = "valid"
    SAME = "same"
    SAME_LOWER = "same-lower"
    FULL = "full"
    CAUSAL = "causal"

    @classmethod
    def parse(cls, name: str) -> Padding:
        """Parse a mode name, case-insensitively; ``_`` and ``-`` are interchangeable."""
        key = name.strip().lower().replace("_", "-")
        key = {"same-upper": "same"}.get(key, key)
        for mode in cls:
            if mode.value == key:
                return mode
        raise SpecError(
            f"unknown padding {name!r}; expected one of {', '.join(cls.names())} "
            "or explicit pads such as 1, 1x2 or 1:2"
        )

    @classmethod
    def names(cls) -> list[str]:
        """The mode names as typed on the command line."""
        return [mode.value for mode in cls]


PaddingSpec: TypeAlias = "Padding | tuple[Pair, ...]"
"""A normalized padding: a named mode, or one ``(before, after)`` pair per axis."""

PaddingArg: TypeAlias = "Padding | str | int | Sequence[int | Sequence[int]]"
"""What the public API accepts as padding (see :func:`normalize_padding`)."""


def resolve_pads(n: int, k_eff: int, stride: int, padding: Padding | Pair) -> Pair:
    """Zeros added ``(before, after)`` to an axis of length *n* under *padding*.

    SAME and SAME_LOWER: ``out = ceil(n / s)``, ``total = max((out − 1)·s + k_eff − n, 0)``;
    SAME puts ``total // 2`` before (odd zero at the end), SAME_LOWER the other half.

    >>> resolve_pads(13, 6, 5, Padding.SAME)      # TF: 1 before, 2 after
    (1, 2)
    >>> resolve_pads(13, 6, 5, Padding.SAME_LOWER)
    (2, 1)
    >>> resolve_pads(12, 3, 3, Padding.SAME)      # 12 % 3 == 0: no padding at all
    (0, 0)
    """
    if not isinstance(padding, Padding):
        return padding
    if padding is Padding.VALID:
        return (0, 0)
    if padding is Padding.FULL:
        return (k_eff - 1, k_eff - 1)
    if padding is Padding.CAUSAL:
        return (k_eff - 1, 0)
    out = -(-n // stride)
    return split_total(max((out - 1) * stride + k_eff - n, 0), padding)


def split_total(total: int, padding: Padding) -> Pair:
    """Split *total* zeros the way *padding* does: SAME puts ``total // 2`` before (the odd
    zero at the end), SAME_LOWER puts it after (the odd zero at the start).

    ONNX ConvTranspose splits its crop with this rule too (SAME_UPPER vs everything else).

    >>> split_total(3, Padding.SAME), split_total(3, Padding.SAME_LOWER)
    ((1, 2), (2, 1))
    """
    if padding not in (Padding.SAME, Padding.SAME_LOWER):
        raise SpecError(f"only same and same-lower split a pad total, not {padding.value!r}")
    small = total // 2
    return (small, total - small) if padding is Padding.SAME else (total - small, small)


def describe_padding(padding: Padding | Pair) -> str:
    """``'same'`` or ``pads (1, 2)``: how messages name one axis' padding."""
    return f"'{padding.value}'" if isinstance(padding, Padding) else f"pads {padding}"


def normalize_padding(padding: PaddingArg, ndim: int) -> PaddingSpec:
    """Turn a user's padding into a :class:`Padding` or one ``(before, after)`` per axis.

    Accepts a mode (or its name), an int for every side, or a sequence with one entry per
    axis, each an int (both sides) or a ``(before, after)`` pair.

    >>> normalize_padding(1, 2)
    ((1, 1), (1, 1))
    >>> normalize_padding([(1, 2), 0], 2)
    ((1, 2), (0, 0))
    """
    if isinstance(padding, Padding):
        return padding
    if isinstance(padding, str):
        return Padding.parse(padding)
    entries: list[object] = (
        [padding] * ndim if isinstance(padding, int) else list(_as_sequence(padding))
    )
    if len(entries) == 1 and ndim > 1:
        entries = entries * ndim
    if len(entries) != ndim:
        raise SpecError(f"padding has {len(entries)} entries but the input has {ndim} axes")
    return tuple(_pair(entry) for entry in entries)


def _as_sequence(value: object) -> Sequence[object]:
    if isinstance(value, Sequence):
        return value
    raise SpecError(f"padding must be a mode name, an int or a sequence, got {value!r}")


def _pair(entry: object) -> Pair:
    items = [entry, entry] if isinstance(entry, int) else list(_as_sequence(entry))
    if len(items) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in items):
        raise SpecError(f"each pad must be an int or a (before, after) pair, got {entry!r}")
    before, after = (int(v) for v in items)  # type: ignore[call-overload]
    return check_pads(before, after)
