"""Glyphs, colours and words for every cell kind, and the fitting helpers all views share.

Every kind has its own glyph (:data:`convcalc.diagram.layout.GLYPHS`), so a diagram printed without
colour (``NO_COLOR``, ``--no-color``, a pipe) still reads; colour only adds emphasis.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Callable, Iterable, Sequence

from rich.text import Text

from convcalc.diagram.layout import GLYPHS, Kind
from convcalc.diagram.layout.runs import size

__all__ = [
    "DESCRIPTIONS",
    "HIGHLIGHT",
    "LABEL",
    "LEGEND_ORDER",
    "OUTPUT",
    "OUTPUT_GLYPH",
    "STYLES",
    "WINDOW",
    "fmt_value",
    "hstack",
    "legend",
    "slots",
    "width_of",
    "wrap",
]

# Solarized accents; input blue and output cyan are the colours of Dumoulin & Visin's figures.
STYLES: dict[Kind, str] = {
    Kind.INPUT: "bold #268bd2",
    Kind.PAD_BEFORE: "#d33682",
    Kind.PAD_AFTER: "#cb4b16",
    Kind.DROPPED: "bold #dc322f",
    Kind.OVERHANG: "#6c71c4",
    Kind.STRETCH_ZERO: "#93a1a1",
    Kind.BORDER: "#b58900",
    Kind.EXTRA: "bold #cb4b16",
}
OUTPUT = "bold #2aa198"
OUTPUT_GLYPH = "●"
WINDOW = "#859900"
HIGHLIGHT = "reverse"
LABEL = "dim"

DESCRIPTIONS: dict[Kind, str] = {
    Kind.INPUT: "input",
    Kind.PAD_BEFORE: "pad before",
    Kind.PAD_AFTER: "pad after",
    Kind.DROPPED: "dropped input (no window reaches it)",
    Kind.OVERHANG: "past the padded end (ceil mode, not counted)",
    Kind.STRETCH_ZERO: "zero inserted between inputs (s − 1)",
    Kind.BORDER: "border zero (k_eff − 1 − pad)",
    Kind.EXTRA: "output_padding zero (bottom/right)",
}


def fmt_value(v: float) -> str:
    """A number in at most a few characters: ``3``, ``1.67``, ``-inf``.

    >>> [fmt_value(x) for x in (3.0, 5 / 3, -math.inf, 1e7)]
    ['3', '1.67', '-inf', '1e+07']
    """
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v.is_integer() and abs(v) < 1e6:
        return str(int(v))
    return f"{v:.3g}"


def width_of(texts: Sequence[str]) -> int:
    """The widest of *texts* (at least 1)."""
    return max((len(t) for t in texts), default=1) or 1


LEGEND_ORDER = (
    Kind.INPUT,
    Kind.PAD_BEFORE,
    Kind.PAD_AFTER,
    Kind.DROPPED,
    Kind.OVERHANG,
    Kind.STRETCH_ZERO,
    Kind.BORDER,
    Kind.EXTRA,
)


def legend(
    kinds: Iterable[Kind], extra: Sequence[tuple[str, str, str]], max_width: int
) -> list[Text]:
    """``■ input   · pad before   …``: the kinds shown, then *extra* ``(glyph, style,
    words)`` entries, packed into lines no wider than *max_width* (an entry is never
    split unless it alone is too wide)."""
    present = set(kinds)
    entries = [(GLYPHS[k], STYLES[k], DESCRIPTIONS[k]) for k in LEGEND_ORDER if k in present]
    entries += list(extra)
    lines: list[Text] = []
    line = Text()
    for glyph, style, words in entries:
        entry = Text(glyph, style)
        entry.append(f" {words}", LABEL)
        if line.cell_len and line.cell_len + 3 + entry.cell_len > max_width:
            lines.append(line)
            line = Text()
        if line.cell_len:
            line.append("   ")
        line.append_text(entry)
    if line.cell_len:
        lines.append(line)
    return lines


def wrap(line: str, max_width: int, indent: int = 2, hang: int = 4) -> list[str]:
    """*line* wrapped at spaces to *max_width*, continuation lines indented further.

    >>> wrap("out = floor((5 + 1 + 1 − 3) / 2) + 1 = 3", 24)
    ['  out = floor((5 + 1 + 1', '      − 3) / 2) + 1 = 3']
    """
    return textwrap.wrap(
        line,
        max(max_width, indent + hang + 8),
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + hang),
        break_long_words=True,
        break_on_hyphens=False,
    )


def slots(n: int, budget: int, keep: Sequence[range] = ()) -> list[int | None]:
    """Which of ``n`` cells to draw in ``budget`` slots: all of them if they fit, else the
    head, the tail and every cell of *keep* (the highlighted window), with ``None`` for
    one ``…`` slot wherever cells are skipped.

    >>> slots(5, 10)
    [0, 1, 2, 3, 4]
    >>> slots(100, 7)
    [0, 1, 2, None, 97, 98, 99]
    >>> slots(100, 9, [range(50, 52)])
    [0, 1, 2, None, 50, 51, None, 98, 99]
    """
    if n <= budget:
        return list(range(n))
    budget = max(budget, 2)
    fixed = [range(max(r.start, 0), min(r.stop, n)) for r in keep]
    fixed = [r for r in fixed if r]

    def cost(head: int, tail: int, extra: Sequence[range]) -> int:
        merged = _merge([range(0, head), range(n - tail, n), *extra])
        cells = sum(size(r) for r in merged)
        gaps = sum(1 for a, b in itertools.pairwise(merged) if b.start > a.stop)
        gaps += (merged[0].start > 0) + (merged[-1].stop < n) if merged else 1
        return cells + gaps

    fixed = _trim(fixed, lambda kept: cost(0, 0, kept) <= budget)
    head = tail = 0
    grown = True
    while grown:
        grown = False
        if head + tail < n and cost(head + 1, tail, fixed) <= budget:
            head, grown = head + 1, True
        if head + tail < n and cost(head, tail + 1, fixed) <= budget:
            tail, grown = tail + 1, True
    merged = _merge([range(0, head), range(n - tail, n), *fixed])
    out: list[int | None] = []
    position = 0
    for r in merged:
        if r.start > position:
            out.append(None)
        out.extend(r)
        position = r.stop
    if position < n:
        out.append(None)
    return out


def _trim(fixed: list[range], fits: Callable[[list[range]], bool]) -> list[range]:
    """Shorten the last of *fixed* (dropping it when empty) until they *fit*: the window
    alone is too wide. A binary search for the longest last range that fits, since the
    cost grows with its length.

    >>> _trim([range(0, 3), range(10, 1000)], lambda kept: sum(map(len, kept)) <= 8)
    [range(0, 3), range(10, 15)]
    """
    while fixed and not fits(fixed):
        last = fixed[-1]
        lo, hi = 0, size(last) - 1  # the longest fitting length is in [lo, hi]
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if fits([*fixed[:-1], range(last.start, last.start + mid)]):
                lo = mid
            else:
                hi = mid - 1
        fixed = [*fixed[:-1], range(last.start, last.start + lo)]
        fixed = [r for r in fixed if r]
    return fixed


def _merge(ranges: Sequence[range]) -> list[range]:
    merged: list[range] = []
    for r in sorted((r for r in ranges if r), key=lambda r: r.start):
        if merged and r.start <= merged[-1].stop:
            merged[-1] = range(merged[-1].start, max(merged[-1].stop, r.stop))
        else:
            merged.append(r)
    return merged


def hstack(left: Sequence[Text], right: Sequence[Text], gap: int = 4) -> list[Text]:
    """Two blocks of lines side by side, the left one padded to its widest line."""
    width = max((t.cell_len for t in left), default=0)
    lines = []
    for i in range(max(len(left), len(right))):
        line = left[i].copy() if i < len(left) else Text()
        if i < len(right):
            line.pad_right(width - line.cell_len + gap)
            line.append_text(right[i])
        lines.append(line)
    return lines
