"""The explorer app (Textual): parameters on the left, the padded grid in the middle, the
``compare`` table and ``port`` recipe in the side panel.

Keys change the :class:`~convcalc.explore.model.State`, and every change redraws the
panels from it (:mod:`convcalc.explore.panels`). An engine error is shown in place; the app
stays open. Leaving returns the equivalent ``convcalc diagram`` command line, which the
command prints once the terminal is restored.

Layout by width: from :data:`WIDE` columns the side panel sits beside the diagram; below
that ``s`` swaps the diagram and the side panel; below :data:`NARROW` the parameter list
becomes one line above the diagram.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any, ClassVar

from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.widgets import Footer, Input, Static

from convcalc.errors import ConvcalcError
from convcalc.explore.model import OPS, TARGETS, Parse, State
from convcalc.explore.panels import compare_panel, diagram_panel, error_line, port_panel
from convcalc.explore.widgets import ParamList

__all__ = ["NARROW", "WIDE", "ExploreApp", "highlighted_rows", "screen_text"]

WIDE = 150
"""Columns from which the side panel is shown beside the diagram."""
NARROW = 60
"""Columns below which the parameter list shrinks to one line."""


class Pane(VerticalScroll, can_focus=False):
    """A scrolling panel that never takes the keys (they change the layer); the mouse
    wheel and page up / page down scroll it."""


class ExploreApp(App[str]):
    """The explorer; ``run()`` returns the equivalent ``convcalc diagram`` command line."""

    TITLE = "convcalc explore"
    AUTO_FOCUS = None
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    Screen { layout: vertical; }
    #body { height: 1fr; }
    #params { width: auto; max-width: 34; height: auto; padding: 0 1; }
    #params { border-right: solid $primary; }
    #main { width: 1fr; padding: 0 1; }
    #side { width: 1fr; padding: 0 1; display: none; }
    #port { margin-top: 1; }
    #editor { display: none; }
    #status { height: auto; max-height: 3; padding: 0 1; }
    .editing #editor { display: block; }
    .wide #side { display: block; width: 1fr; border-left: solid $primary; }
    .swapped #side { display: block; }
    .swapped #main { display: none; }
    .swapped #params { display: none; }
    .narrow #body { layout: vertical; }
    .narrow #params { width: 1fr; max-width: 100%; border-right: none; }
    .narrow #params { border-bottom: solid $primary; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "parameter", show=False),
        Binding("down", "move(1)", "parameter", show=False),
        Binding("left,minus", "nudge(-1)", "−", show=False),
        Binding("right,plus,equals_sign", "nudge(1)", "+", show=False),
        Binding("enter,e", "edit", "type"),
        Binding("n,space", "walk(1)", "next window"),
        Binding("p", "walk(-1)", "previous"),
        Binding("a", "axis", "axis"),
        Binding("o", "op", "op"),
        Binding("t", "target", "port to"),
        Binding("s", "side", "side panel"),
        Binding("q,escape", "leave", "quit"),
        Binding("pageup", "page(-1)", "scroll", show=False),
        Binding("pagedown", "page(1)", "scroll", show=False),
    ]

    def __init__(self, state: State, parse: Parse, *, no_color: bool = False) -> None:
        super().__init__()
        self.state = state
        self.parse = parse
        self.message: str | None = None
        self.swapped = False
        if no_color and not self.no_color:  # --no-color: as Textual does for NO_COLOR
            from textual.filter import Monochrome

            self.no_color = True
            self._filters.append(Monochrome())

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield ParamList(id="params")
            with Pane(id="main"):
                yield Static(id="diagram")
            with Pane(id="side"):
                yield Static(id="compare")
                yield Static(id="port")
        yield Input(id="editor")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._layout(self.size.width)
        self.redraw()

    def on_resize(self, event: Resize) -> None:
        self._layout(event.size.width)
        self.redraw()

    def _layout(self, width: int) -> None:
        self.screen.set_class(width >= WIDE, "wide")
        self.screen.set_class(width < NARROW, "narrow")
        self.screen.set_class(self.swapped and width < WIDE, "swapped")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a value is typed, only ``escape`` (cancel) acts; other keys go to the editor."""
        return action == "leave" or not self.screen.has_class("editing")

    # -- drawing ------------------------------------------------------------------------

    def redraw(self) -> None:
        """Redraw every panel from :attr:`state`."""
        state = self.state
        self.query_one(ParamList).show(state, narrow=self.screen.has_class("narrow"))
        self.query_one("#diagram", Static).update(diagram_panel(state))
        self.query_one("#compare", Static).update(compare_panel(state))
        self.query_one("#port", Static).update(port_panel(state))
        status = self.query_one("#status", Static)
        if self.message is not None:  # a typed value that does not read
            status.update(error_line(self.message))
        else:
            status.update(Text(state.command_line(), "dim"))

    def change(self, state: State) -> None:
        self.state = state
        self.message = None
        self.redraw()
        self.call_after_refresh(self.follow_window)

    def follow_window(self) -> None:
        """Scroll the diagram, when the highlighted window is out of view, so that it shows
        (a transposed convolution's windows sit below its first three steps)."""
        pane = self.query_one("#main", Pane)
        diagram = self.query_one("#diagram", Static)
        rows = highlighted_rows(diagram.content, diagram.content_size.width or pane.size.width)
        if not rows or pane.size.height < 1:
            return
        top, bottom = rows[0], rows[-1]
        if top < pane.scroll_y or bottom >= pane.scroll_y + pane.size.height:
            pane.scroll_to(y=max(0, min(top - 1, bottom - pane.size.height + 2)), animate=False)

    # -- actions ------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.change(self.state.move(delta))

    def action_nudge(self, delta: int) -> None:
        self.change(self.state.nudge(delta))

    def action_walk(self, delta: int) -> None:
        self.change(self.state.walk(delta))

    def action_axis(self) -> None:
        self.change(self.state.select("axis").nudge(1).select(self.state.field))

    def action_op(self) -> None:
        op = OPS[(OPS.index(self.state.op) + 1) % len(OPS)]
        self.change(replace(self.state, op=op))

    def action_target(self) -> None:
        target = TARGETS[(TARGETS.index(self.state.target) + 1) % len(TARGETS)]
        self.change(replace(self.state, target=target))

    def action_side(self) -> None:
        self.swapped = not self.swapped
        self._layout(self.size.width)
        self.redraw()

    def action_page(self, direction: int) -> None:
        pane = self.query_one("#side" if self.swapped and self.size.width < WIDE else "#main", Pane)
        if direction > 0:
            pane.scroll_page_down()
        else:
            pane.scroll_page_up()

    def action_edit(self) -> None:
        editor = self.query_one(Input)
        editor.value = self.state.value_text(self.state.field)
        editor.placeholder = f"{self.state.field}: type a value, enter to set, escape to cancel"
        self.screen.add_class("editing")
        editor.focus()

    def action_leave(self) -> None:
        if self.screen.has_class("editing"):
            self._close_editor()
            return
        self.exit(self.state.command_line())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._close_editor()
        try:
            self.change(self.state.typed(event.value, self.parse))
        except ConvcalcError as exc:
            self.message = str(exc)
            self.redraw()

    def on_param_list_chosen(self, event: ParamList.Chosen) -> None:
        self.change(self.state.select(event.field))

    def _close_editor(self) -> None:
        self.screen.remove_class("editing")
        self.query_one(Input).blur()


def highlighted_rows(content: Any, width: int) -> list[int]:
    """The lines of a panel's Rich *content* (drawn *width* wide) that hold the highlighted
    window: its ``┗━┛`` bracket, and its taps and output drawn reversed.

    >>> from convcalc.explore.panels import diagram_panel
    >>> highlighted_rows(diagram_panel(State(step=1)), 60)  # the taps, bracket, output
    [5, 7, 9]
    """
    console = Console(width=max(1, width), file=io.StringIO(), color_system="truecolor")
    lines = console.render_lines(content, console.options, pad=False)
    rows = []
    for i, line in enumerate(lines):
        if "the highlighted window" in "".join(seg.text for seg in line):
            continue  # the legend's sample
        if any("┗" in seg.text or (seg.style is not None and seg.style.reverse) for seg in line):
            rows.append(i)
    return rows


def screen_text(app: App[Any]) -> str:
    """The screen as plain text, one line per row (for tests and the manual's examples),
    rendered the way Textual's own ``export_screenshot`` renders it."""
    from io import StringIO

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=StringIO(), record=True, color_system=None)
    console.print(app.screen._compositor.render_update(full=True))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())
