"""1-D drawing: the padded strip, one bracket per window, the output strip.

::

    index      0  1  2  3  4  5  6  7  8  9 10 11 12
    input   ·  ■  ■  ■  ■  ■  ■  ■  ■  ■  ■  ■  ■  ■  :  :
    out 0   └──────────────┘
    out 1                  └──────────────┘
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text

from convcalc.diagram.cells import HIGHLIGHT, LABEL, OUTPUT, STYLES, WINDOW, slots, width_of
from convcalc.diagram.layout import Cell, Kind, Strip
from convcalc.diagram.layout.runs import size

__all__ = ["OutputRow", "output_rows", "strip_margin", "strip_rows"]

Content = Callable[[Cell], str]

LIGHT = {"left": "└", "right": "┘", "line": "─", "tap": "┴", "single": "┴", "gap": "┄"}
HEAVY = {"left": "┗", "right": "┛", "line": "━", "tap": "┻", "single": "┻", "gap": "┅"}
DROPPED = {"left": "└", "right": "┘", "line": "┄", "tap": "┴", "single": "┴", "gap": "┄"}


@dataclass(frozen=True, slots=True)
class OutputRow:
    """One row of the output strip: a label and the text of output cell ``j``."""

    label: str
    text: Callable[[int], str]
    style: str = OUTPUT


def strip_margin(*strips: Strip) -> int:
    """Width of the label column that fits every row label of these strips."""
    labels = ["divisor", "flipped"]
    for strip in strips:
        labels += [f"out {strip.outputs - 1}*", f"(out {strip.outputs})"]
    return width_of(labels) + 1


def _row(label: str, margin: int, cells: Sequence[tuple[str, str]]) -> Text:
    line = Text(label.ljust(margin), LABEL)
    for text, style in cells:
        line.append(text, style)
    return line


def _windows_to_show(strip: Strip, visible: Sequence[int | None], limit: int) -> list[int]:
    """Windows touching a visible cell; at most *limit*, head and tail kept.

    The windows are gathered as ranges, so a wide window over a long strip (thousands
    touching the visible cells) costs no more than a narrow one.
    """
    runs: list[list[int]] = [[]]
    for p in visible:
        if p is None:
            runs.append([])
        else:
            runs[-1].append(p)
    touching: list[range] = []
    for run in runs:
        if not run:
            continue
        first, last = run[0], run[-1]

        def ends_at_or_after(j: int, p: int = first) -> bool:
            return strip.window(j)[-1] >= p

        def starts_after(j: int, p: int = last) -> bool:
            return strip.window(j)[0] > p

        lo = _first_window(strip, ends_at_or_after)
        hi = _first_window(strip, starts_after)
        if touching:
            lo = max(lo, touching[-1].stop)
        if lo < hi:
            touching.append(range(lo, hi))
    tail = limit // 3
    if sum(size(r) for r in touching) <= limit or tail == 0:
        return _take(touching, limit)
    return _take(touching, limit - tail) + _take(touching[::-1], tail, reverse=True)


def _take(ranges: Sequence[range], n: int, *, reverse: bool = False) -> list[int]:
    """The first *n* numbers of *ranges* (the last *n*, in increasing order, with
    *reverse*: then *ranges* come last first)."""
    out: list[int] = []
    for r in ranges:
        part = r[::-1] if reverse else r
        out.extend(part[: n - len(out)])
        if len(out) == n:
            break
    return sorted(out) if reverse else out


def _first_window(strip: Strip, ok: Callable[[int], bool]) -> int:
    """The first window ``j`` with ``ok(j)`` (``ok`` is monotone); ``outputs`` if none."""
    lo, hi = 0, strip.outputs
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _bracket(
    span: range,
    visible: Sequence[int | None],
    length: int,
    pitch: int,
    chars: dict[str, str],
    style: str,
) -> list[tuple[str, str]]:
    """Cells of one window row: the bracket under the window's first..last tap; an elided
    slot the window passes through is drawn dashed."""
    a, b = span[0], span[-1]
    out: list[tuple[str, str]] = []
    prev = -1
    for i, p in enumerate(visible):
        if p is None:
            nxt = next((q for q in visible[i + 1 :] if q is not None), length)
            inside = a <= nxt - 1 and b >= prev + 1
            out.append((chars["gap"] * pitch if inside else " " * pitch, style))
            continue
        prev = p
        if p < a or p > b:
            text = " " * pitch
        elif a == b:
            text = " " * (pitch - 1) + chars["single"]
        elif p == a:
            text = " " * (pitch - 1) + chars["left"]
        elif p == b:
            text = chars["line"] * (pitch - 1) + chars["right"]
        else:
            tap = span.step > 1 and p in span
            text = chars["line"] * (pitch - 1) + (chars["tap"] if tap else chars["line"])
        out.append((text, style))
    return out


def strip_rows(
    strip: Strip,
    *,
    content: Content,
    label: str,
    max_width: int,
    highlight: int | None = None,
    windows: bool = True,
    max_windows: int = 12,
    margin: int | None = None,
    show_index: bool = True,
) -> list[Text]:
    """The strip (index row, cell row) and, with *windows*, one bracket row per window.

    The window *highlight* is drawn heavy and its cells reversed; cells that do not fit
    *max_width* are elided with ``…`` (the highlighted window is kept in view).
    """
    margin = margin if margin is not None else strip_margin(strip)
    pad_text = content(Cell(Kind.PAD_BEFORE))
    index_width = len(str(max(strip.count(Kind.INPUT) + strip.count(Kind.DROPPED) - 1, 0)))
    sample = [content(strip.cell(p)) for p in _sample_positions(strip)]
    pitch = max(index_width if show_index else 1, width_of(sample), len(pad_text)) + 1
    keep = [strip.window(highlight)] if highlight is not None else []
    keep = [range(r[0], r[-1] + 1) for r in keep]
    columns = _Columns(
        strip, slots(strip.length, (max_width - margin) // pitch, keep), margin, pitch
    )
    rows = columns.cell_rows(content, label, highlight, show_index)
    if not windows or not strip.outputs:
        return rows
    rows += columns.window_rows(highlight, max_windows)
    dropped = columns.dropped_row()
    return rows if dropped is None else [*rows, dropped]


def _more(hidden: int) -> tuple[str, str]:
    return (f"{hidden} more window{'s' * (hidden > 1)}", LABEL)


@dataclass(frozen=True, slots=True)
class _Columns:
    """The strip positions drawn (``None``: one elided ``…`` slot), the width of the label
    column and the characters per cell: everything a row of a 1-D drawing lines up with."""

    strip: Strip
    visible: list[int | None]
    margin: int
    pitch: int

    def row(self, label: str, cells: Sequence[tuple[str, str]]) -> Text:
        return _row(label, self.margin, cells)

    def bracket(self, span: range, chars: dict[str, str], style: str) -> list[tuple[str, str]]:
        return _bracket(span, self.visible, self.strip.length, self.pitch, chars, style)

    def cell_rows(
        self, content: Content, label: str, highlight: int | None, show_index: bool
    ) -> list[Text]:
        """The index row (with *show_index*) and the row of cells, *highlight*'s reversed."""
        strip, pitch = self.strip, self.pitch
        lit = strip.window(highlight) if highlight is not None else range(0)

        def cell_text(p: int | None) -> tuple[str, str]:
            if p is None:
                return ("…".rjust(pitch), LABEL)
            cell = strip.cell(p)
            style = STYLES[cell.kind] + (f" {HIGHLIGHT}" if p in lit else "")
            return (content(cell).rjust(pitch), style)

        def index_text(p: int | None) -> tuple[str, str]:
            if p is None:
                return ("…".rjust(pitch), LABEL)
            cell = strip.cell(p)
            idx = "" if cell.index is None else str(cell.index[0])
            return (idx.rjust(pitch), STYLES[Kind.DROPPED] if cell.kind is Kind.DROPPED else LABEL)

        rows = []
        if show_index:
            rows.append(self.row("index", [index_text(p) for p in self.visible]))
        rows.append(self.row(label, [cell_text(p) for p in self.visible]))
        return rows

    def window_rows(self, highlight: int | None, max_windows: int) -> list[Text]:
        """One bracket row per window shown, ``⋮ n more windows`` where some are skipped."""
        strip = self.strip
        shown = _windows_to_show(strip, self.visible, max_windows)
        if highlight is not None and highlight not in shown:
            shown = sorted({*shown, highlight})
        rows = []
        previous = -1
        for j in shown:
            if j > previous + 1:
                rows.append(self.row("⋮", [_more(j - previous - 1)]))
            previous = j
            heavy = j == highlight
            chars = HEAVY if heavy else LIGHT
            style = f"bold {WINDOW}" if heavy else WINDOW
            row_label = f"out {j}" + ("*" if strip.reads_only_padding(j) else "")
            rows.append(self.row(row_label, self.bracket(strip.window(j), chars, style)))
        if previous < strip.outputs - 1:
            rows.append(self.row("⋮", [_more(strip.outputs - 1 - previous)]))
        return rows

    def dropped_row(self) -> Text | None:
        """The window ceil mode dropped, dashed (``None`` when none was)."""
        strip = self.strip
        dropped = strip.ceil_dropped
        if dropped is None:
            return None
        label = f"(out {strip.outputs})"
        style = STYLES[Kind.DROPPED]
        if not len(dropped):
            note = "ceil mode's extra window would start past the end: dropped"
            return self.row(label, [(note, style)])
        chars = DROPPED
        if strip.window(strip.outputs)[-1] >= strip.length:  # runs past the end
            chars = {**DROPPED, "right": "┄", "single": "└"}
        return self.row(label, [*self.bracket(dropped, chars, style), ("┄ dropped", style)])


def _sample_positions(strip: Strip) -> list[int]:
    """A few positions per run, enough to size the cells."""
    positions: list[int] = []
    for segment in strip.segments:
        positions.extend(range(segment.start, min(segment.start + 2, segment.stop)))
        positions.extend(range(max(segment.stop - 2, segment.start), segment.stop))
    return positions


def output_rows(
    count: int,
    rows: Sequence[OutputRow],
    *,
    margin: int,
    max_width: int,
    highlight: int | None = None,
) -> list[Text]:
    """The output strip: one line per :class:`OutputRow`, elided like the input."""
    probe = [0, count - 1] if count > 0 else []
    pitch = width_of([r.text(j) for r in rows for j in probe]) + 1
    if count <= 64:
        pitch = width_of([r.text(j) for r in rows for j in range(count)]) + 1
    keep = [range(highlight, highlight + 1)] if highlight is not None else []
    visible = slots(count, (max_width - margin) // pitch, keep)
    lines = []
    for row in rows:
        cells = []
        for j in visible:
            if j is None:
                cells.append(("…".rjust(pitch), LABEL))
            else:
                style = row.style + (f" {HIGHLIGHT}" if j == highlight else "")
                cells.append((row.text(j).rjust(pitch), style))
        lines.append(_row(row.label, margin, cells))
    return lines
