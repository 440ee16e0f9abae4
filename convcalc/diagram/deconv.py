"""A transposed convolution as the primer's four steps: flip the kernel, stretch the input,
add the border, slide the flipped kernel with stride 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Unpack

from rich.text import Text

from convcalc.diagram.cells import STYLES, WINDOW, fmt_value
from convcalc.diagram.figure import Block, Content, Diagram, Entry, View, flow, titled
from convcalc.diagram.grid import grid_rows, kernel_matrix, output_matrix
from convcalc.diagram.layout import (
    DeconvLayout,
    Grid,
    Index,
    Kind,
    deconv_layout,
    flip,
)
from convcalc.diagram.strip import OutputRow, output_rows, strip_margin, strip_rows
from convcalc.diagram.words import border_text, geometry, per_axis, shape_text, summary
from convcalc.shape import DeconvPlan
from convcalc.shape.explain import explain_border, explain_deconv
from convcalc.shape.matrix import matrix_view_line

__all__ = ["DeconvDiagram"]


class DeconvDiagram(Diagram):
    """A transposed convolution as the primer's four steps: flip the kernel; stretch the
    input with ``s − 1`` zeros; add the border (and ``output_padding``'s extra zeros);
    slide the flipped kernel with stride 1.

    Args:
        plan: the engine's transposed-convolution plan.
        view: highlight (the output cell whose window is highlighted in step 4), values
            (numbers for the input, kernel and output), max_rows, parts
            (:class:`~convcalc.diagram.figure.View`).
    """

    def __init__(
        self,
        plan: DeconvPlan,
        **view: Unpack[View],
    ) -> None:
        super().__init__(len(plan.axes), **view)
        self.plan = plan
        self.layout: DeconvLayout = deconv_layout(plan)

    def title(self) -> Text:
        axes = self.plan.axes
        parts = geometry(self.plan, "padding")
        if any(a.output_padding for a in axes):
            parts.append(f"output_padding {per_axis(self.plan.output_padding)}")
        return self.headline("transposed convolution", parts, self.plan.output)

    def step_line(self) -> Text | None:
        if self.highlight is None:
            return None
        out = self.highlight
        text = self.step_head(self.layout.conv, out)
        self.append_value(text, out)
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
        text = f"3. border: {border_text(low, 'before')}, {border_text(high, 'after')}"
        if any(a.output_padding for a in axes):
            where = "bottom/right" if len(axes) == 2 else "end"
            text += f", plus output_padding {per_axis(self.plan.output_padding)} at the {where}"
        return text + f" → {shape_text(self.layout.conv.shape)}"

    def _stretch_title(self) -> str:
        zeros = per_axis(a.stride - 1 for a in self.plan.axes)
        stretched = shape_text(self.layout.stretched.shape)
        return f"2. stretch: {zeros} zero(s) between inputs → {stretched}"

    def _conv_title(self) -> str:
        return f"4. slide the flipped kernel with stride 1 → output {shape_text(self.plan.output)}"

    def body_1d(self, width: int) -> Block:
        a = self.plan.axes[0]
        content = Content(self.values)
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
        lines += output_rows(
            strip.outputs, self.output_strip_rows(), margin=margin, max_width=width, highlight=j
        )
        return lines

    def body_2d(self, width: int) -> Block:
        content = Content(self.values)
        shape = self.layout.kernel_shape
        style = STYLES[Kind.INPUT]
        kernels = [
            titled(
                "kernel",
                kernel_matrix(shape, self._kernel_text(False), style, width, self.max_rows),
            ),
            titled(
                "flipped (rotated 180°)",
                kernel_matrix(shape, self._kernel_text(True), style, width, self.max_rows),
            ),
        ]
        lines: Block = [Text("1. flip the kernel", "bold"), *flow(kernels, width)]

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
        blocks = [
            titled("bordered input", grid(self.layout.conv, self.highlight)),
            titled(
                f"output ({shape_text(self.plan.output)})",
                output_matrix(
                    self.plan.output, self.output_text, self.highlight, width, self.max_rows
                ),
            ),
        ]
        lines += [Text(), Text(self._conv_title(), "bold"), *flow(blocks, width)]
        return lines

    def body_nd(self, width: int) -> Block:
        lines = self.nd_intro(
            f"{len(self.plan.axes)}-D: every axis is independent, so the four steps are drawn "
            f"per axis; the output is their product ({shape_text(self.plan.output)})."
        )
        for axis, a in enumerate(self.plan.axes):
            sub = DeconvDiagram(
                DeconvPlan((a,)),
                highlight=(self.highlight[axis],) if self.highlight is not None else None,
                max_rows=self.max_rows,
            )
            lines += [Text(), Text(f"axis {axis}", "bold underline"), *sub.body_1d(width)]
        return lines

    def legend_kinds(self) -> list[Kind]:
        return [*self.layout.conv.kinds(), *self.layout.stretched.kinds()]

    def legend_extra(self) -> list[Entry]:
        if len(self.plan.axes) == 2:
            return self.legend_2d()
        extra: list[Entry] = [("└─┘", WINDOW, "one window: its first to last tap")]
        if self.highlight is not None:
            extra.append(("┗━┛", f"bold {WINDOW}", "the highlighted window"))
        return extra

    def summary(self) -> list[tuple[str, list[str]]]:
        lines = summary(self.plan.axes, lambda a: explain_deconv(a) + explain_border(a))
        return [*lines, ("as a matrix", [matrix_view_line(self.plan).split(": ", 1)[1]])]
