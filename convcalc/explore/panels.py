"""What the explorer shows for a :class:`~convcalc.explore.model.State`, as Rich renderables.

Each panel reuses a command's own pieces and computes nothing itself: the diagram is the
one ``convcalc diagram`` draws, the arithmetic is ``convcalc shape --explain``'s, the table
is ``convcalc compare``'s and the recipe ``convcalc port``'s. An engine error, in planning
or in drawing, becomes one ``Error:`` line in the panel instead of ending the app.

>>> from rich.console import Console
>>> from convcalc.explore.model import State
>>> from convcalc.shape import Padding
>>> console = Console(width=120, color_system=None)
>>> with console.capture() as cap:
...     console.print(diagram_panel(State(kernel=(20,), padding=Padding.VALID)))
>>> print(cap.get().strip())  # doctest: +ELLIPSIS
Error: kernel 20 is larger than padded input 13 under 'valid': no window fits, the output ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

from convcalc.errors import ConvcalcError
from convcalc.explore.model import State
from convcalc.shape import DeconvPlan, default_count_include_pad
from convcalc.shape.explain import explain_plan

if TYPE_CHECKING:
    from convcalc.frameworks.layer import Layer

__all__ = ["ERROR_STYLE", "Safe", "compare_panel", "diagram_panel", "error_line", "port_panel"]

ERROR_STYLE = "bold red"


def error_line(message: str) -> Text:
    """The one line an engine error is shown as: ``Error: <message>``."""
    return Text(f"Error: {message}", ERROR_STYLE)


class Safe:
    """A renderable drawn by ``build(width)`` when asked, for the width it is given; a
    :class:`ConvcalcError` raised while building or drawing it is shown as its ``Error:``
    line."""

    def __init__(self, build: Callable[[int], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        try:
            lines = console.render_lines(
                self.build(options.max_width), options, pad=False, new_lines=True
            )
        except ConvcalcError as exc:
            yield error_line(str(exc))
            return
        for line in lines:
            yield from line
        if not lines:
            yield Segment("")


def diagram_panel(state: State) -> RenderableType:
    """``convcalc diagram``'s picture with the selected window highlighted, then the
    arithmetic of ``convcalc shape --explain``."""

    def build(width: int) -> RenderableType:
        plan = state.outcome().plan
        if plan is None:
            return error_line(state.outcome().error or "no plan")
        highlight = state.highlight()
        picture: RenderableType
        if isinstance(plan, DeconvPlan):
            from convcalc.diagram.deconv import DeconvDiagram

            picture = DeconvDiagram(plan, highlight=highlight)
        else:
            from convcalc.diagram.window import WindowDiagram

            include = None
            op = "convolution"
            if state.op == "pool":
                average = state.pool_type == "avg"
                op = "average pooling" if average else "max pooling"
                if average:
                    chosen = state.count_include_pad
                    include = default_count_include_pad(plan) if chosen is None else chosen
            picture = WindowDiagram(plan, op=op, highlight=highlight, include_pad=include)
        steps = Text("step by step:\n" + "\n".join(explain_plan(plan.axes)), "dim")
        return Group(picture, Text(), steps)

    return Safe(build)


def compare_panel(state: State) -> RenderableType:
    """``convcalc compare``'s table for the current layer (every framework's split)."""

    def build(width: int) -> RenderableType:
        from convcalc.frameworks.compare import compare_layer
        from convcalc.frameworks.layer import pads_text, shape_text
        from convcalc.report.network_table import compare_report

        layer = _layer(state)
        plan = layer.plan()
        word = "crop" if state.op == "deconv" else "pads"
        title = f"compare: output {shape_text(plan.output)}, {word} {pads_text(plan.pads)}"
        return compare_report(layer, compare_layer(layer), title, [], [], width)

    return Safe(build)


def port_panel(state: State) -> RenderableType:
    """``convcalc port``'s recipe: this layer written exactly for the chosen framework."""

    def build(width: int) -> RenderableType:
        from convcalc.frameworks.layer import NAMES
        from convcalc.frameworks.port import port_layer
        from convcalc.frameworks.render import render
        from convcalc.report.network_table import port_pads_line, port_report

        layer = _layer(state)
        recipe = port_layer(layer, state.target)
        code = render(recipe, layer) if recipe.exact else []
        title = f"port: this {state.op} → {NAMES[state.target]}"
        return port_report(title, recipe, code, port_pads_line(layer.plan()), None)

    return Safe(build)


def _layer(state: State) -> Layer:
    """The framework modules' :class:`~convcalc.frameworks.layer.Layer` of *state*."""
    from convcalc.frameworks.layer import make_layer

    return make_layer(
        state.op,
        state.input,
        state.kernel,
        stride=state.stride,
        dilation=state.dilation,
        padding=state.padding,
        pool=state.pool_type,
        ceil_mode=state.ceil_mode,
        count_pad=state.count_include_pad,
        output_padding=state.output_padding if state.op == "deconv" else None,
        output_size=state.output_size if state.op == "deconv" else None,
    )
