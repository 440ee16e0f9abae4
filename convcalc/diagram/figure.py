"""The frame every ``convcalc diagram`` picture shares: title, step line, drawing, legend
and per-axis summary, fitted to the width at render time.

:class:`Diagram` is the base of :class:`~convcalc.diagram.window.WindowDiagram` and
:class:`~convcalc.diagram.deconv.DeconvDiagram`; they only fill in the sections. Nothing
here computes geometry (the cells and windows come from :mod:`convcalc.diagram.layout`,
the formulas from :mod:`convcalc.shape.explain`).

>>> from rich.text import Text
>>> [t.plain for t in flow([[Text("ab")], [Text("cd"), Text("e")]], max_width=20)]
['ab    cd', '      e']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TypedDict, Unpack

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from convcalc.diagram.cells import (
    LABEL,
    OUTPUT,
    OUTPUT_GLYPH,
    WINDOW,
    fmt_value,
    hstack,
    legend,
    width_of,
    wrap,
)
from convcalc.diagram.layout import GLYPHS, Cell, DiagramValues, Grid, Index, Kind
from convcalc.diagram.strip import OutputRow
from convcalc.diagram.words import index_text, shape_text

__all__ = [
    "MAX_ROWS",
    "PARTS",
    "Block",
    "Content",
    "Diagram",
    "Entry",
    "View",
    "flow",
    "glyph",
    "titled",
]

MAX_ROWS = 20
"""Rows of a 2-D grid drawn before the middle ones are elided (``⋮``)."""

Block = list[Text]
Entry = tuple[str, str, str]
"""A legend entry: ``(glyph, style, words)``."""

PARTS = frozenset({"title", "step", "body", "legend", "summary"})
"""Every section of a diagram; ``--all`` prints the title once and the legend and summary
after the last frame."""


def flow(blocks: Sequence[Block], max_width: int, gap: int = 4) -> Block:
    """Blocks left to right while they fit, then on the next band."""
    lines: Block = []
    band: Block = []
    for block in blocks:
        width = max((t.cell_len for t in block), default=0)
        band_width = max((t.cell_len for t in band), default=0)
        if band and band_width + gap + width <= max_width:
            band = hstack(band, block, gap)
        else:
            if band:
                lines.extend(band)
                lines.append(Text())
            band = list(block)
    lines.extend(band)
    return lines


def titled(title: str, block: Block) -> Block:
    """*block* under a bold *title* line."""
    return [Text(title, "bold"), *block]


def glyph(cell: Cell) -> str:
    """What a cell shows without values: its kind's glyph."""
    return GLYPHS[cell.kind]


@dataclass(frozen=True)
class Content:
    """What a cell shows: its glyph, or its value when values were given."""

    values: DiagramValues | None

    def __call__(self, cell: Cell) -> str:
        if self.values is not None and cell.kind is Kind.INPUT and cell.index is not None:
            return fmt_value(self.values.input.at(cell.index))
        return GLYPHS[cell.kind]

    @cached_property
    def width(self) -> int:
        """The widest cell text (computed once: every input value is formatted)."""
        if self.values is None:
            return 1
        return width_of([fmt_value(v) for v in self.values.input.flat])


class View(TypedDict, total=False):
    """How a diagram is drawn, the keyword arguments every diagram takes.

    ``highlight``: the output cell whose window is highlighted (``None``: none in 1-D and
    3-D+, the first one in 2-D); ``values``: numbers to show; ``max_rows``: rows of a 2-D
    grid before eliding (:data:`MAX_ROWS`); ``parts``: the sections to print (:data:`PARTS`).
    """

    highlight: Index | None
    values: DiagramValues | None
    max_rows: int
    parts: frozenset[str]


class Diagram:
    """Title, the step line, the drawing, legend and per-axis summary, fitted to the width.

    Subclasses fill in the sections of an *ndim*-D layer, drawn as *view* says (:class:`View`).
    """

    def __init__(self, ndim: int, **view: Unpack[View]) -> None:
        self.ndim = ndim
        self.parts = view.get("parts", PARTS)
        self.values = view.get("values")
        self.max_rows = view.get("max_rows", MAX_ROWS)
        highlight = view.get("highlight")
        self.highlight = (0, 0) if highlight is None and ndim == 2 else highlight

    def title(self) -> Text:
        raise NotImplementedError

    def step_line(self) -> Text | None:
        return None

    def body(self, width: int) -> Block:
        """The drawing, by the number of axes: :meth:`body_1d`, :meth:`body_2d` or
        :meth:`body_nd`."""
        if self.ndim == 1:
            return self.body_1d(width)
        if self.ndim == 2:
            return self.body_2d(width)
        return self.body_nd(width)

    def body_1d(self, width: int) -> Block:
        raise NotImplementedError

    def body_2d(self, width: int) -> Block:
        raise NotImplementedError

    def body_nd(self, width: int) -> Block:
        raise NotImplementedError

    def legend_kinds(self) -> list[Kind]:
        raise NotImplementedError

    def legend_extra(self) -> list[Entry]:
        return []

    def summary(self) -> list[tuple[str, list[str]]]:
        raise NotImplementedError

    def headline(self, op: str, parts: list[str], output: Index) -> Text:
        """``op: part · part → output 3×3``."""
        text = Text(f"{op}: ", "bold")
        text.append(" · ".join(parts) + " → output ")
        text.append(shape_text(output), OUTPUT)
        return text

    def step_head(self, grid: Grid, out: Index) -> Text:
        """``step 4 of 0..8: output (1, 1)``."""
        text = Text(f"step {grid.step_of(out)} of 0..{grid.steps - 1}: output ")
        text.append(index_text(out), OUTPUT)
        return text

    def append_value(self, text: Text, out: Index) -> None:
        """`` = 7`` after the step line, when values were given."""
        if self.values is not None:
            text.append(" = ")
            text.append(fmt_value(self.values.output.at(out)), OUTPUT)

    def output_text(self, out: Index) -> str:
        """An output cell: its value, or the output glyph."""
        if self.values is not None:
            return fmt_value(self.values.output.at(out))
        return OUTPUT_GLYPH

    def output_strip_rows(self) -> list[OutputRow]:
        """The rows under a 1-D drawing: output indices, and values when given."""
        rows = [OutputRow("output", str)]
        if self.values is not None:
            output = self.values.output
            rows.append(OutputRow("value", lambda k: fmt_value(output.at((k,)))))
        return rows

    def nd_intro(self, words: str) -> Block:
        """The note above a 3-D+ drawing (and that values are not drawn there)."""
        lines = [Text(words, LABEL)]
        if self.values is not None:
            lines.append(Text("(values are drawn for 1-D and 2-D inputs only)", LABEL))
        return lines

    def legend_2d(self) -> list[Entry]:
        """Legend entries of a 2-D drawing: the bracketed window, the output glyph."""
        extra = [("[ ]", f"bold {WINDOW}", "the highlighted window's taps")]
        if self.values is None:
            extra.append((OUTPUT_GLYPH, OUTPUT, "output cell"))
        return extra

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        sections = self._sections(options.max_width)
        first = True
        for section in sections:
            if not section:
                continue
            if not first:
                yield Text()
            first = False
            yield from section

    def _sections(self, width: int) -> list[Block]:
        """The head (title, step line), the body, the legend and the summary, as asked."""
        head: Block = []
        if "title" in self.parts:
            head.append(self.title())
        step = self.step_line() if "step" in self.parts else None
        if step is not None:
            head.append(step)
        sections = [head]
        body: Block = []
        if "body" in self.parts:
            body = [row.copy() for row in self.body(width)]
            for row in body:
                row.rstrip()
            sections.append(body)
        if "legend" in self.parts:
            extra = self.legend_extra()
            if any("…" in t.plain or "⋮" in t.plain for t in body):
                extra.append(("…", LABEL, "cells elided to fit the width"))
            sections.append(legend(self.legend_kinds(), extra, width))
        if "summary" in self.parts:
            summary: Block = []
            for title, lines in self.summary():
                summary.append(Text(title, "bold"))
                summary += [Text(part) for line in lines for part in wrap(line, width)]
            sections.append(summary)
        return sections
