"""Cell kinds and their glyphs: what a cell of a diagram holds (pure, standard library only).

>>> GLYPHS[Kind.PAD_BEFORE], Cell(Kind.INPUT, (3,))
('·', Cell(kind=<Kind.INPUT: 'input'>, index=(3,)))
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["GLYPHS", "PADDING_KINDS", "RANK", "ZERO_KINDS", "Cell", "Index", "Kind"]

Index = tuple[int, ...]


class Kind(enum.Enum):
    """What a cell of a diagram holds. Declaration order is drawing precedence: where the
    axes of an N-d cell disagree, the earliest kind wins (a pad row beats an input column)."""

    OVERHANG = "overhang"  # ceil mode: past the padded end, read by no rule
    EXTRA = "extra"  # transposed conv: the output_padding zeros at the bottom/right
    PAD_AFTER = "pad-after"
    BORDER = "border"  # transposed conv: the k_eff − 1 − pad zeros around the input
    PAD_BEFORE = "pad-before"
    DROPPED = "dropped"  # input no window reaches
    STRETCH_ZERO = "stretch-zero"  # transposed conv: the s − 1 zeros between inputs
    INPUT = "input"


RANK = {kind: rank for rank, kind in enumerate(Kind)}
"""Drawing precedence of each kind (lower wins)."""

GLYPHS: dict[Kind, str] = {
    Kind.INPUT: "■",
    Kind.PAD_BEFORE: "·",
    Kind.PAD_AFTER: ":",
    Kind.DROPPED: "×",
    Kind.OVERHANG: "~",
    Kind.STRETCH_ZERO: "∘",
    Kind.BORDER: "□",
    Kind.EXTRA: "+",
}
"""One distinct glyph per kind, so a diagram reads without colour."""

PADDING_KINDS = frozenset({Kind.PAD_BEFORE, Kind.PAD_AFTER})
ZERO_KINDS = frozenset({Kind.BORDER, Kind.EXTRA, Kind.STRETCH_ZERO})


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its kind and, for input cells, its input index (one entry per axis)."""

    kind: Kind
    index: Index | None = None
