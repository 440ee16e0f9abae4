"""A convolution or pooling drawn on its padded grid: a strip with one bracket per window
in 1-D, the grid with one window highlighted in 2-D, one strip per axis beyond.
"""

from __future__ import annotations

from typing import Unpack

from rich.text import Text

from convcalc.diagram.cells import LABEL, STYLES, WINDOW
from convcalc.diagram.figure import Block, Content, Diagram, Entry, View, flow, glyph, titled
from convcalc.diagram.grid import grid_rows, output_matrix
from convcalc.diagram.layout import Grid, Kind, window_grid
from convcalc.diagram.strip import OutputRow, output_rows, strip_margin, strip_rows
from convcalc.diagram.words import geometry, shape_text, summary
from convcalc.shape import WindowPlan
from convcalc.shape.explain import explain_window

__all__ = ["WindowDiagram"]


class WindowDiagram(Diagram):
    """A convolution or pooling drawn on its padded grid.

    Args:
        plan: the engine's plan.
        op: what to call the layer ("convolution", "max pooling", ...).
        include_pad: average pooling: show each output's divisor under this counting rule
            (``None``: not average pooling).
        view: highlight, values, max_rows, parts (:class:`~convcalc.diagram.figure.View`).

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
        include_pad: bool | None = None,
        **view: Unpack[View],
    ) -> None:
        super().__init__(len(plan.axes), **view)
        self.plan = plan
        self.grid: Grid = window_grid(plan)
        self.op = op
        self.include_pad = include_pad

    def title(self) -> Text:
        axes = self.plan.axes
        parts = geometry(self.plan, "pads")
        if any(a.ceil_mode for a in axes):
            parts.append("ceil mode")
        return self.headline(self.op, parts, self.plan.output)

    def step_line(self) -> Text | None:
        if self.highlight is None:
            return None
        out = self.highlight
        text = self.step_head(self.grid, out)
        if len(out) <= 2:
            names = ["input"] if len(out) == 1 else ["input rows", "cols"]
            reads = []
            for name, a, j in zip(names, self.plan.axes, out, strict=False):
                taps = a.taps(j)
                span = f"{taps[0]}..{taps[-1]}" if len(taps) > 1 else str(taps[0])
                reads.append(f"{name} {span}")
            text.append(" reads " + ", ".join(reads))
        self.append_value(text, out)
        if self.include_pad is not None:
            text.append(f", divided by {self.grid.divisor(out, self.include_pad)}")
        if self.grid.reads_only_padding(out):
            text.append(" (reads only padding)", LABEL)
        return text

    def body_1d(self, width: int) -> Block:
        strip = self.grid.strips[0]
        margin = strip_margin(strip)
        j = self.highlight[0] if self.highlight is not None else None
        rows = strip_rows(
            strip,
            content=Content(self.values),
            label="input",
            max_width=width,
            highlight=j,
            margin=margin,
        )
        out_rows = self.output_strip_rows()
        if self.include_pad is not None:
            include, grid = self.include_pad, self.grid
            out_rows.append(OutputRow("divisor", lambda k: str(grid.divisor((k,), include)), LABEL))
        return [
            *rows,
            *output_rows(strip.outputs, out_rows, margin=margin, max_width=width, highlight=j),
        ]

    def body_2d(self, width: int) -> Block:
        content = Content(self.values)
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
            titled(f"input, padded ({shape_text(self.grid.shape)})", grid_block),
            titled(
                f"output ({shape_text(out_shape)})",
                output_matrix(out_shape, self.output_text, self.highlight, width, self.max_rows),
            ),
        ]
        if self.include_pad is not None:
            include, grid = self.include_pad, self.grid
            blocks.append(
                titled(
                    f"divisor (count_include_pad={include})",
                    output_matrix(
                        out_shape,
                        lambda out: str(grid.divisor(out, include)),
                        self.highlight,
                        width,
                        self.max_rows,
                        style=LABEL,
                    ),
                )
            )
        return flow(blocks, width)

    def body_nd(self, width: int) -> Block:
        lines = self.nd_intro(
            f"{len(self.plan.axes)}-D: every axis slides independently, so each is drawn as "
            f"its own 1-D strip; the output is their product ({shape_text(self.plan.output)})."
        )
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
                strip, content=glyph, label="input", max_width=width, highlight=j, margin=margin
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
        if len(self.plan.axes) == 2:
            return self.legend_2d()
        extra: list[Entry] = []
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
        return summary(self.plan.axes, explain_window)


def _ends(n: int) -> list[int]:
    return sorted({0, n - 1}) if n else []
