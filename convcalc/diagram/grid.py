"""2-D drawing: a matrix of cells with rulers, one window's taps in brackets.

::

       0  1  2  3  4
    ·  ·  ·  ·  ·  ·  ·
    0 [■][■][■] ■  ■  :
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from convcalc.diagram.cells import HIGHLIGHT, LABEL, OUTPUT, STYLES, WINDOW, slots, width_of
from convcalc.diagram.layout import Cell, Grid, Index, Kind

__all__ = ["CellFn", "grid_rows", "index_width", "kernel_matrix", "matrix_rows", "output_matrix"]

CellFn = Callable[[int, int], tuple[str, str, bool]]
"""``(row, col) -> (text, style, in_window)``."""


def matrix_rows(
    shape: tuple[int, int],
    *,
    cell: CellFn,
    row_label: Callable[[int], str],
    col_label: Callable[[int], str],
    cell_width: int,
    max_width: int,
    max_rows: int,
    keep: tuple[range, range] | None = None,
    center: bool = False,
) -> list[Text]:
    """A ruler line, then one line per row; elided with ``…``/``⋮`` to fit, *keep*
    (rows, cols) always in view. Cells in the window are wrapped in ``[ ]``.

    Numbers are right-aligned and glyphs centred; with *center* (a grid of glyphs under
    wider index labels) the labels are centred too, so each glyph sits under its label.
    """
    rows, cols = shape
    pitch = cell_width + 2
    row_slots = slots(rows, max_rows, [keep[0]] if keep else [])
    margin = max((len(row_label(r)) for r in row_slots if r is not None), default=0)
    margin = max(margin, 1) + 1
    col_slots = slots(cols, (max_width - margin) // pitch, [keep[1]] if keep else [])

    def fit(text: str, numeric: bool = True) -> str:
        if center or (len(text) == 1 and not (numeric and text.isdigit())):
            return text.center(cell_width)
        return text.rjust(cell_width)

    ruler = Text(" " * margin)
    for c in col_slots:
        ruler.append(f" {fit('…' if c is None else col_label(c))} ", LABEL)
    lines = [ruler]
    for r in row_slots:
        if r is None:
            line = Text(" " * margin)
            for c in col_slots:
                line.append(f" {fit('⋮' if c is not None else ' ')} ", LABEL)
            lines.append(line)
            continue
        line = Text(f"{row_label(r):>{margin - 1}} ", LABEL)
        for c in col_slots:
            if c is None:
                line.append(f" {fit('…')} ", LABEL)
                continue
            text, style, lit = cell(r, c)
            if lit:
                line.append("[", f"bold {WINDOW}")
                line.append(fit(text), f"{style} {HIGHLIGHT}")
                line.append("]", f"bold {WINDOW}")
            else:
                line.append(f" {fit(text)} ", style)
        lines.append(line)
    return lines


def index_width(grid: Grid, axis: int) -> int:
    """Characters of the widest input index on *axis*."""
    strip = grid.strips[axis]
    return len(str(max(strip.count(Kind.INPUT) + strip.count(Kind.DROPPED) - 1, 0)))


def grid_rows(
    grid: Grid,
    *,
    content: Callable[[Cell], str],
    cell_width: int,
    max_width: int,
    max_rows: int,
    highlight: Index | None = None,
) -> list[Text]:
    """A 2-D :class:`Grid` with input-index rulers; the window of output *highlight*
    bracketed."""
    rows, cols = grid.strips
    window = grid.window(highlight) if highlight is not None else None

    def cell(r: int, c: int) -> tuple[str, str, bool]:
        found = grid.cell((r, c))
        lit = window is not None and r in window[0] and c in window[1]
        return content(found), STYLES[found.kind], lit

    def label(strip_index: int) -> Callable[[int], str]:
        strip = grid.strips[strip_index]

        def text(p: int) -> str:
            found = strip.cell(p)
            return "" if found.index is None else str(found.index[0])

        return text

    keep = None
    if window is not None:
        keep = (range(window[0][0], window[0][-1] + 1), range(window[1][0], window[1][-1] + 1))
    width = max(cell_width, index_width(grid, 1))
    return matrix_rows(
        (rows.length, cols.length),
        center=cell_width == 1,
        cell=cell,
        row_label=label(0),
        col_label=label(1),
        cell_width=width,
        max_width=max_width,
        max_rows=max_rows,
        keep=keep,
    )


def output_matrix(
    shape: Index,
    text: Callable[[Index], str],
    highlight: Index | None,
    width: int,
    max_rows: int,
    *,
    style: str = OUTPUT,
) -> list[Text]:
    """An output-shaped matrix (outputs, divisors), the highlighted cell bracketed."""
    rows, cols = shape
    content = width_of([text(p) for p in _sample(shape)])
    cell_width = max(content, len(str(cols - 1)))

    def cell(r: int, c: int) -> tuple[str, str, bool]:
        return text((r, c)), style, highlight == (r, c)

    keep = None
    if highlight is not None:
        keep = (range(highlight[0], highlight[0] + 1), range(highlight[1], highlight[1] + 1))
    return matrix_rows(
        (rows, cols),
        cell=cell,
        row_label=str,
        col_label=str,
        cell_width=cell_width,
        max_width=width,
        max_rows=max_rows,
        keep=keep,
        center=content == 1,
    )


def kernel_matrix(
    shape: Index, text: Callable[[Index], str], style: str, width: int, max_rows: int
) -> list[Text]:
    """A small matrix (a kernel) with index rulers."""
    cell_width = width_of([text(p) for p in _sample(shape)])

    def cell(r: int, c: int) -> tuple[str, str, bool]:
        return text((r, c)), style, False

    return matrix_rows(
        (shape[0], shape[1]),
        cell=cell,
        row_label=str,
        col_label=str,
        cell_width=max(cell_width, len(str(shape[1] - 1))),
        max_width=width,
        max_rows=max_rows,
    )


SAMPLED = 4096
"""Matrices with more cells than this are sized by their corners, not every cell."""


def _sample(shape: Index) -> list[Index]:
    """The cells that size a matrix's columns: every one of a small matrix, the corners of
    a large one (their texts are the widest: indices grow toward the last corner).

    >>> _sample((2, 2)), _sample((100, 100))
    ([(0, 0), (0, 1), (1, 0), (1, 1)], [(0, 0), (99, 99), (0, 99), (99, 0)])
    """
    rows, cols = shape
    if rows * cols <= SAMPLED:
        return [(r, c) for r in range(rows) for c in range(cols)]
    return [(0, 0), (rows - 1, cols - 1), (0, cols - 1), (rows - 1, 0)]
