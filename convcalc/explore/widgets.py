"""The explorer's widgets: the parameter list (keys and mouse), the typed-value editor.

The list shows every parameter of the layer with the selected one marked; on a narrow
screen (the ``narrow`` class) it shows only the selected one, on one line. Clicking a row
selects it.
"""

from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from convcalc.explore.model import Field, State

__all__ = ["ParamList", "param_lines"]


def param_lines(state: State, *, narrow: bool = False) -> Text:
    """The parameter list as text: ``name  value`` per row, the selected row marked.

    >>> print(param_lines(State()).plain.splitlines()[1])
    ▶ input      13
    >>> print(param_lines(State(), narrow=True).plain)
    ▶ input 13  2/11 ↑↓ ←→ ⏎
    """
    fields = state.fields()
    if narrow:
        at = fields.index(state.field) if state.field in fields else 0
        text = Text(f"▶ {state.field} ", "bold")
        text.append(state.value_text(state.field), "reverse")
        text.append(f"  {at + 1}/{len(fields)} ↑↓ ←→ ⏎", "dim")
        return text
    name_width = max(map(len, fields)) + 1
    text = Text()
    for i, field in enumerate(fields):
        selected = field == state.field
        if i:
            text.append("\n")
        marker = "▶ " if selected else "  "
        text.append(f"{marker}{field:<{name_width}}", "bold" if selected else "")
        text.append(state.value_text(field), "reverse" if selected else "")
    return text


class ParamList(Static):
    """The parameter list; a click on a row posts :class:`ParamList.Chosen`."""

    class Chosen(Message):
        """A parameter was clicked."""

        def __init__(self, field: Field) -> None:
            super().__init__()
            self.field = field

    def show(self, state: State, *, narrow: bool) -> None:
        self.fields = state.fields()
        self.narrow = narrow
        self.update(param_lines(state, narrow=narrow))

    def on_click(self, event: Click) -> None:
        fields = getattr(self, "fields", ())
        row = event.y - self.gutter.top
        if not getattr(self, "narrow", False) and 0 <= row < len(fields):
            self.post_message(self.Chosen(fields[row]))
