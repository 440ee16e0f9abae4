"""The diagrams ``convcalc diagram`` prints: Rich renderables that only draw layout models.

Each reads ``options.max_width`` at render time and elides what does not fit; nothing here
computes geometry (the cells and windows come from :mod:`convcalc.diagram.layout`, the formulas
from :mod:`convcalc.shape.explain`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from convcalc.diagram.cells import (
    LABEL,
    OUTPUT,
    OUTPUT_GLYPH,
    STYLES,
    WINDOW,
    fmt_value,
    hstack,
    legend,
    width_of,
    wrap,
)
from convcalc.diagram.grid import grid_rows, matrix_rows
from convcalc.diagram.layout import (
    GLYPHS,
    Cell,
    DeconvLayout,
    DiagramValues,
    Grid,
    Index,
    Kind,
    deconv_layout,
    flip,
    window_grid,
)
from convcalc.diagram.strip import OutputRow, output_rows, strip_margin, strip_rows
from convcalc.shape import DeconvPlan, WindowPlan
from convcalc.shape.explain import explain_border, explain_deconv, explain_window

__all__ = ["PARTS", "DeconvDiagram", "WindowDiagram"]

MAX_ROWS = 20
Block = list[Text]
Entry = tuple[str, str, str]


def _shape(values: Iterable[int]) -> str:
    """``3×3`` for sizes."""
    return "×".join(str(v) for v in values)


def _per_axis(values: Iterable[int]) -> str:
    """``2`` when every axis agrees, else ``2×1``."""
    items = list(values)
    return str(items[0]) if len(set(items)) == 1 else _shape(items)


def _pads(pads: Sequence[tuple[int, int]]) -> str:
    if not any(lo or hi for lo, hi in pads):
        return "none"
    if len(set(pads)) == 1:
        lo, hi = pads[0]
        return f"{lo} before, {hi} after" if lo != hi or len(pads) == 1 else f"{lo}"
    return " × ".join(f"({lo}, {hi})" for lo, hi in pads)


def _border(counts: Sequence[int], side: str) -> str:
    """``1 zero(s) before``; a negative border (pads over k_eff − 1) crops instead."""
    if all(c >= 0 for c in counts):
        return f"{_per_axis(counts)} zero(s) {side}"
    if all(c <= 0 for c in counts):
        return f"{_per_axis(-c for c in counts)} stretched cell(s) cropped {side}"
    return f"{_shape(counts)} {side} (negative: cells cropped)"


def _axis_names(ndim: int) -> list[str]:
    if ndim == 1:
        return [""]
    if ndim == 2:
        return ["rows", "cols"]
    return [f"axis {a}" for a in range(ndim)]


def _flow(blocks: Sequence[Block], max_width: int, gap: int = 4) -> Block:
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


def _titled(title: str, block: Block) -> Block:
    return [Text(title, "bold"), *block]


def _index_text(out: Index) -> str:
    return str(out[0]) if len(out) == 1 else "(" + ", ".join(map(str, out)) + ")"


def _glyph(cell: Cell) -> str:
    return GLYPHS[cell.kind]


@dataclass(frozen=True)
class _Content:
    """What a cell shows: its glyph, or its value when values were given."""

    values: DiagramValues | None

    def __call__(self, cell: Cell) -> str:
        if self.values is not None and cell.kind is Kind.INPUT and cell.index is not None:
            return fmt_value(self.values.input.at(cell.index))
        return GLYPHS[cell.kind]

    @property
    def width(self) -> int:
        if self.values is None:
            return 1
        return width_of([fmt_value(v) for v in self.values.input.flat])


def _output_matrix(
    shape: Index,
    text: Callable[[Index], str],
    highlight: Index | None,
    width: int,
    max_rows: int,
    *,
    style: str = OUTPUT,
) -> Block:
    """An output-shaped matrix (outputs, divisors), the highlighted cell bracketed."""
    rows, cols = shape
    sample = [(0, 0), (rows - 1, cols - 1), (0, cols - 1), (rows - 1, 0)]
    if rows * cols <= 4096:
        sample = [(r, c) for r in range(rows) for c in range(cols)]
    content = width_of([text(p) for p in sample])
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


def _matrix(
    shape: Index, text: Callable[[Index], str], style: str, width: int, max_rows: int
) -> Block:
    """A small matrix (a kernel) with index rulers."""
    cell_width = width_of([text((r, c)) for r in range(shape[0]) for c in range(shape[1])])

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


PARTS = frozenset({"title", "step", "body", "legend", "summary"})
"""Every section of a diagram; ``--all`` prints the title once and the legend and summary
after the last frame."""


class _Diagram:
    """Title, the step line, the drawing, legend and per-axis summary, fitted to the width."""

    max_rows: int
    parts: frozenset[str] = PARTS

    def title(self) -> Text:
        raise NotImplementedError

    def step_line(self) -> Text | None:
        return None

    def body(self, width: int) -> Block:
        raise NotImplementedError

    def legend_kinds(self) -> list[Kind]:
        raise NotImplementedError

    def legend_extra(self) -> list[Entry]:
        return []

    def summary(self) -> list[tuple[str, list[str]]]:
        raise NotImplementedError

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
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
        first = True
        for section in sections:
            if not section:
                continue
            if not first:
                yield Text()
            first = False
            yield from section


def _merge_axes(items: list[tuple[str, str, list[str]]]) -> list[tuple[str, list[str]]]:
    """``(name, head, lines)`` per axis → one entry for all axes when they are identical."""
    if len(items) > 1 and len({(head, tuple(lines)) for _, head, lines in items}) == 1:
        names = [name for name, _, _ in items]
        label = "rows and cols" if names == ["rows", "cols"] else "every axis"
        return [(f"{label}: {items[0][1]}", items[0][2])]
    return [(f"{name}: {head}" if name else head, lines) for name, head, lines in items]


def _geometry(plan: WindowPlan | DeconvPlan, explicit: str) -> list[str]:
    """Title parts shared by every diagram: input, kernel, stride, dilation, padding."""
    axes = plan.axes
    parts = [
        f"input {_shape(plan.input)}",
        f"kernel {_shape(a.kernel for a in axes)}",
        f"stride {_per_axis(a.stride for a in axes)}",
    ]
    if any(a.dilation > 1 for a in axes):
        parts.append(f"dilation {_per_axis(a.dilation for a in axes)}")
    mode = axes[0].padding
    pads = _pads(plan.pads)
    parts.append(f"padding {mode.value} ({pads})" if mode is not None else f"{explicit} {pads}")
    return parts


class WindowDiagram(_Diagram):
    """A convolution or pooling drawn on its padded grid.

    Args:
        plan: the engine's plan.
        op: what to call the layer ("convolution", "max pooling", ...).
        highlight: the output cell whose window is highlighted (``None``: none in 1-D and
            3-D+, the first one in 2-D).
        values: numbers to show in the cells and the output.
        include_pad: average pooling: show each output's divisor under this counting rule
            (``None``: not average pooling).

    >>> from rich.console import Console
    >>> from convcalc.shape import conv_plan
    >>> console = Console(width=60, color_system=None)
    >>> with console.capture() as cap:
    ...     console.print(WindowDiagram(conv_plan((13,), 6, stride=5), op="convolution"))
    >>> strip = [s for s in cap.get().splitlines() if s.startswith(("index", "input"))]
    >>> print("\\n".join(strip))
    index     0  1  2  3  4  5  6  7  8  9 10 11 12
    input     ■  ■  ■  ■  ■  ■  ■  ■  ■  ■  ■  ×  ×
    """

    def __init__(
        self,
        plan: WindowPlan,
        *,
        op: str,
        highlight: Index | None = None,
        values: DiagramValues | None = None,
        include_pad: bool | None = None,
        max_rows: int = MAX_ROWS,
        parts: frozenset[str] = PARTS,
    ) -> None:
        self.parts = parts
        self.plan = plan
        self.grid: Grid = window_grid(plan)
        self.op = op
        self.values = values
        self.include_pad = include_pad
        self.max_rows = max_rows
        if highlight is None and len(plan.axes) == 2:
            highlight = (0, 0)
        self.highlight = highlight

    def title(self) -> Text:
        axes = self.plan.axes
        parts = _geometry(self.plan, "pads")
        if any(a.ceil_mode for a in axes):
            parts.append("ceil mode")
        text = Text(f"{self.op}: ", "bold")
        text.append(" · ".join(parts) + " → output ")
        text.append(_shape(self.plan.output), OUTPUT)
        return text

    def step_line(self) -> Text | None:
        if self.highlight is None:
            return None
        out = self.highlight
        text = Text(f"step {self.grid.step_of(out)} of 0..{self.grid.steps - 1}: output ")
        text.append(_index_text(out), OUTPUT)
        if len(out) <= 2:
            names = ["input"] if len(out) == 1 else ["input rows", "cols"]
            reads = []
            for name, a, j in zip(names, self.plan.axes, out, strict=False):
                taps = a.taps(j)
                span = f"{taps[0]}..{taps[-1]}" if len(taps) > 1 else str(taps[0])
                reads.append(f"{name} {span}")
            text.append(" reads " + ", ".join(reads))
        if self.values is not None:
            text.append(" = ")
            text.append(fmt_value(self.values.output.at(out)), OUTPUT)
        if self.include_pad is not None:
            text.append(f", divided by {self.grid.divisor(out, self.include_pad)}")
        if self.grid.reads_only_padding(out):
            text.append(" (reads only padding)", LABEL)
        return text

    def body(self, width: int) -> Block:
        ndim = len(self.plan.axes)
        if ndim == 1:
            return self._one_d(width)
        if ndim == 2:
            return self._two_d(width)
        return self._n_d(width)

    def _one_d(self, width: int) -> Block:
        strip = self.grid.strips[0]
        margin = strip_margin(strip)
        j = self.highlight[0] if self.highlight is not None else None
        rows = strip_rows(
            strip,
            content=_Content(self.values),
            label="input",
            max_width=width,
            highlight=j,
            margin=margin,
        )
        out_rows = [OutputRow("output", str)]
        if self.values is not None:
            output = self.values.output
            out_rows.append(OutputRow("value", lambda k: fmt_value(output.at((k,)))))
        if self.include_pad is not None:
            include, grid = self.include_pad, self.grid
            out_rows.append(OutputRow("divisor", lambda k: str(grid.divisor((k,), include)), LABEL))
        return [
            *rows,
            *output_rows(strip.outputs, out_rows, margin=margin, max_width=width, highlight=j),
        ]

    def _output_text(self, out: Index) -> str:
        if self.values is not None:
            return fmt_value(self.values.output.at(out))
        return OUTPUT_GLYPH

    def _two_d(self, width: int) -> Block:
        content = _Content(self.values)
        grid_block = grid_rows(
            self.grid,
            content=content,
            cell_width=content.width,
            max_width=width,
            max_rows=self.max_rows,
            highlight=self.highlight,
        )
        out_shape = self.grid.output_shape
        blocks = [
            _titled(f"input, padded ({_shape(self.grid.shape)})", grid_block),
            _titled(
                f"output ({_shape(out_shape)})",
                _output_matrix(out_shape, self._output_text, self.highlight, width, self.max_rows),
            ),
        ]
        if self.include_pad is not None:
            include, grid = self.include_pad, self.grid
            blocks.append(
                _titled(
                    f"divisor (count_include_pad={include})",
                    _output_matrix(
                        out_shape,
                        lambda out: str(grid.divisor(out, include)),
                        self.highlight,
                        width,
                        self.max_rows,
                        style=LABEL,
                    ),
                )
            )
        return _flow(blocks, width)

    def _n_d(self, width: int) -> Block:
        ndim = len(self.plan.axes)
        lines = [
            Text(
                f"{ndim}-D: every axis slides independently, so each is drawn as its own "
                f"1-D strip; the output is their product ({_shape(self.plan.output)}).",
                LABEL,
            )
        ]
        if self.values is not None:
            lines.append(Text("(values are drawn for 1-D and 2-D inputs only)", LABEL))
        for axis, strip in enumerate(self.grid.strips):
            a = self.plan.axes[axis]
            lines.append(Text())
            lines.append(
                Text(
                    f"axis {axis}: input {a.input}, kernel {a.kernel}, stride {a.stride}, "
                    f"pads {a.pad_low} before / {a.pad_high} after → output {a.output}",
                    "bold",
                )
            )
            j = self.highlight[axis] if self.highlight is not None else None
            margin = strip_margin(strip)
            lines += strip_rows(
                strip, content=_glyph, label="input", max_width=width, highlight=j, margin=margin
            )
            lines += output_rows(
                strip.outputs,
                [OutputRow("output", str)],
                margin=margin,
                max_width=width,
                highlight=j,
            )
        return lines

    def legend_kinds(self) -> list[Kind]:
        return self.grid.kinds()

    def legend_extra(self) -> list[Entry]:
        extra: list[Entry] = []
        if len(self.plan.axes) == 2:
            extra.append(("[ ]", f"bold {WINDOW}", "the highlighted window's taps"))
            if self.values is None:
                extra.append((OUTPUT_GLYPH, OUTPUT, "output cell"))
            return extra
        inner = any(a.dilation > 1 and a.kernel > 2 for a in self.plan.axes)
        extra.append(
            ("└─┘", WINDOW, "one window: its first to last tap" + ("; ┴ a tap" if inner else ""))
        )
        if self.highlight is not None:
            extra.append(("┗━┛", f"bold {WINDOW}", "the highlighted window"))
        if any(s.ceil_dropped for s in self.grid.strips):
            extra.append(
                (
                    "└┄",
                    STYLES[Kind.DROPPED],
                    "ceil mode's extra window, dropped: it would start in the right padding",
                )
            )
        if any(s.reads_only_padding(j) for s in self.grid.strips for j in _ends(s.outputs)):
            extra.append(("*", LABEL, "a window that reads only padding"))
        return extra

    def summary(self) -> list[tuple[str, list[str]]]:
        names = _axis_names(len(self.plan.axes))
        items = []
        for name, a in zip(names, self.plan.axes, strict=True):
            head = (
                f"in {a.input}, kernel {a.kernel}, stride {a.stride}, pads {a.pad_low} before / "
                f"{a.pad_high} after → out {a.output}"
            )
            items.append((name, head, explain_window(a)))
        return _merge_axes(items)


def _ends(n: int) -> list[int]:
    return sorted({0, n - 1}) if n else []


class DeconvDiagram(_Diagram):
    """A transposed convolution as the primer's four steps: flip the kernel; stretch the
    input with ``s − 1`` zeros; add the border (and ``output_padding``'s extra zeros);
    slide the flipped kernel with stride 1.

    Args:
        plan: the engine's transposed-convolution plan.
        highlight: the output cell whose window is highlighted in step 4 (``None``: none in
            1-D and 3-D+, the first one in 2-D).
        values: numbers for the input, kernel and output.
    """

    def __init__(
        self,
        plan: DeconvPlan,
        *,
        highlight: Index | None = None,
        values: DiagramValues | None = None,
        max_rows: int = MAX_ROWS,
        parts: frozenset[str] = PARTS,
    ) -> None:
        self.parts = parts
        self.plan = plan
        self.layout: DeconvLayout = deconv_layout(plan)
        self.values = values
        self.max_rows = max_rows
        if highlight is None and len(plan.axes) == 2:
            highlight = (0, 0)
        self.highlight = highlight

    def title(self) -> Text:
        axes = self.plan.axes
        parts = _geometry(self.plan, "padding")
        if any(a.output_padding for a in axes):
            parts.append(f"output_padding {_per_axis(self.plan.output_padding)}")
        text = Text("transposed convolution: ", "bold")
        text.append(" · ".join(parts) + " → output ")
        text.append(_shape(self.plan.output), OUTPUT)
        return text

    def step_line(self) -> Text | None:
        if self.highlight is None:
            return None
        out = self.highlight
        grid = self.layout.conv
        text = Text(f"step {grid.step_of(out)} of 0..{grid.steps - 1}: output ")
        text.append(_index_text(out), OUTPUT)
        if self.values is not None:
            text.append(" = ")
            text.append(fmt_value(self.values.output.at(out)), OUTPUT)
        return text

    def _kernel_text(self, flipped: bool) -> Callable[[Index], str]:
        shape = self.layout.kernel_shape
        kernel = self.values.kernel if self.values is not None else None

        def text(index: Index) -> str:
            source = flip(index, shape) if flipped else index
            if kernel is not None:
                return fmt_value(kernel.at(source))
            number = 0
            for i, n in zip(source, shape, strict=True):
                number = number * n + i
            return str(number)

        return text

    def _border_title(self) -> str:
        axes = self.plan.axes
        low = [a.border_low for a in axes]
        high = [a.border_high - a.output_padding for a in axes]
        text = f"3. border: {_border(low, 'before')}, {_border(high, 'after')}"
        if any(a.output_padding for a in axes):
            where = "bottom/right" if len(axes) == 2 else "end"
            text += f", plus output_padding {_per_axis(self.plan.output_padding)} at the {where}"
        return text + f" → {_shape(self.layout.conv.shape)}"

    def _stretch_title(self) -> str:
        zeros = _per_axis(a.stride - 1 for a in self.plan.axes)
        return f"2. stretch: {zeros} zero(s) between inputs → {_shape(self.layout.stretched.shape)}"

    def _conv_title(self) -> str:
        return f"4. slide the flipped kernel with stride 1 → output {_shape(self.plan.output)}"

    def body(self, width: int) -> Block:
        ndim = len(self.plan.axes)
        if ndim == 1:
            return self._steps_1d(width)
        if ndim == 2:
            return self._steps_2d(width)
        return self._steps_nd(width)

    def _steps_1d(self, width: int) -> Block:
        a = self.plan.axes[0]
        content = _Content(self.values)
        strip = self.layout.conv.strips[0]
        margin = strip_margin(strip)
        kernel, flipped = self._kernel_text(False), self._kernel_text(True)
        lines: Block = [Text("1. flip the kernel", "bold")]
        lines += output_rows(
            a.kernel,
            [
                OutputRow("kernel", lambda t: kernel((t,)), STYLES[Kind.INPUT]),
                OutputRow("flipped", lambda t: flipped((t,)), STYLES[Kind.INPUT]),
            ],
            margin=margin,
            max_width=width,
        )
        lines += [Text(), Text(self._stretch_title(), "bold")]
        lines += strip_rows(
            self.layout.stretched.strips[0],
            content=content,
            label="input",
            max_width=width,
            windows=False,
            margin=margin,
        )
        lines += [Text(), Text(self._border_title(), "bold")]
        lines += strip_rows(
            strip, content=content, label="input", max_width=width, windows=False, margin=margin
        )
        lines += [Text(), Text(self._conv_title(), "bold")]
        j = self.highlight[0] if self.highlight is not None else None
        lines += strip_rows(
            strip, content=content, label="input", max_width=width, highlight=j, margin=margin
        )
        out_rows = [OutputRow("output", str)]
        if self.values is not None:
            output = self.values.output
            out_rows.append(OutputRow("value", lambda k: fmt_value(output.at((k,)))))
        lines += output_rows(strip.outputs, out_rows, margin=margin, max_width=width, highlight=j)
        return lines

    def _steps_2d(self, width: int) -> Block:
        content = _Content(self.values)
        shape = self.layout.kernel_shape
        style = STYLES[Kind.INPUT]
        kernels = [
            _titled(
                "kernel", _matrix(shape, self._kernel_text(False), style, width, self.max_rows)
            ),
            _titled(
                "flipped (rotated 180°)",
                _matrix(shape, self._kernel_text(True), style, width, self.max_rows),
            ),
        ]
        lines: Block = [Text("1. flip the kernel", "bold"), *_flow(kernels, width)]

        def grid(g: Grid, highlight: Index | None = None) -> Block:
            return grid_rows(
                g,
                content=content,
                cell_width=content.width,
                max_width=width,
                max_rows=self.max_rows,
                highlight=highlight,
            )

        lines += [Text(), Text(self._stretch_title(), "bold"), *grid(self.layout.stretched)]
        lines += [Text(), Text(self._border_title(), "bold"), *grid(self.layout.conv)]
        values = self.values

        def out_text(out: Index) -> str:
            return fmt_value(values.output.at(out)) if values is not None else OUTPUT_GLYPH

        blocks = [
            _titled("bordered input", grid(self.layout.conv, self.highlight)),
            _titled(
                f"output ({_shape(self.plan.output)})",
                _output_matrix(self.plan.output, out_text, self.highlight, width, self.max_rows),
            ),
        ]
        lines += [Text(), Text(self._conv_title(), "bold"), *_flow(blocks, width)]
        return lines

    def _steps_nd(self, width: int) -> Block:
        ndim = len(self.plan.axes)
        lines: Block = [
            Text(
                f"{ndim}-D: every axis is independent, so the four steps are drawn per axis; "
                f"the output is their product ({_shape(self.plan.output)}).",
                LABEL,
            )
        ]
        if self.values is not None:
            lines.append(Text("(values are drawn for 1-D and 2-D inputs only)", LABEL))
        for axis, a in enumerate(self.plan.axes):
            sub = DeconvDiagram(
                DeconvPlan((a,)),
                highlight=(self.highlight[axis],) if self.highlight is not None else None,
                max_rows=self.max_rows,
            )
            lines += [Text(), Text(f"axis {axis}", "bold underline"), *sub._steps_1d(width)]
        return lines

    def legend_kinds(self) -> list[Kind]:
        return [*self.layout.conv.kinds(), *self.layout.stretched.kinds()]

    def legend_extra(self) -> list[Entry]:
        if len(self.plan.axes) == 2:
            extra = [("[ ]", f"bold {WINDOW}", "the highlighted window's taps")]
            if self.values is None:
                extra.append((OUTPUT_GLYPH, OUTPUT, "output cell"))
            return extra
        extra = [("└─┘", WINDOW, "one window: its first to last tap")]
        if self.highlight is not None:
            extra.append(("┗━┛", f"bold {WINDOW}", "the highlighted window"))
        return extra

    def summary(self) -> list[tuple[str, list[str]]]:
        names = _axis_names(len(self.plan.axes))
        items = []
        for name, a in zip(names, self.plan.axes, strict=True):
            head = (
                f"in {a.input}, kernel {a.kernel}, stride {a.stride}, pads {a.pad_low} before / "
                f"{a.pad_high} after, output_padding {a.output_padding} → out {a.output}"
            )
            items.append((name, head, explain_deconv(a) + explain_border(a)))
        return _merge_axes(items)
