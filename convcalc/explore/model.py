"""The explorer's state, pure: a layer's settings, the selected parameter, axis and window.

Every change is a new :class:`State` (frozen). Nothing here computes a size or a pad: the
plan comes from the shape engine (:meth:`State.outcome`), and an engine error is kept as
its message so that the app can show it in place. Typed text is parsed by a :data:`Parse`
the caller gives (the command line's own parameter types), so ``explore`` reads values
exactly as ``convcalc diagram`` does.

>>> s = State()                               # the primer's layer: 13, kernel 6, stride 5
>>> s.outcome().plan.output, s.outcome().plan.pads
((3,), ((1, 2),))
>>> s = s.select("padding").nudge(-1)         # same → valid
>>> s.outcome().plan.output, s.outcome().plan.axes[0].dropped
((2,), 2)
>>> s.command_line()
'convcalc diagram conv -i 13 -k 6 -s 5 -p valid --step 0'
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from convcalc.diagram.layout import output_position
from convcalc.errors import ConvcalcError, SpecError
from convcalc.shape import DeconvPlan, Padding, WindowPlan, conv_plan, deconv_plan, pool_plan
from convcalc.shape.axes import Pair

__all__ = [
    "FIELDS",
    "OPS",
    "TARGETS",
    "Field",
    "Op",
    "Outcome",
    "Parse",
    "State",
    "padding_text",
]

Op = Literal["conv", "pool", "deconv"]
Sizes = tuple[int, ...]
PaddingValue = Padding | tuple[Pair, ...]
Field = Literal[
    "op",
    "input",
    "kernel",
    "stride",
    "dilation",
    "padding",
    "pad before",
    "pad after",
    "output_padding",
    "ceil mode",
    "pool type",
    "count pad",
    "axis",
    "window",
    "port to",
]
Parse = Callable[[str, str], object]
"""``parse(kind, text)``: *kind* is ``"sizes"``, ``"sizes0"`` (0 allowed) or ``"padding"``;
returns the value or raises :class:`~convcalc.errors.ConvcalcError` with a one-line message."""

OPS: tuple[Op, ...] = ("conv", "pool", "deconv")
TARGETS = ("torch", "tf", "keras", "onnx")
"""The frameworks ``port`` writes (the side panel's recipe)."""
MODES = tuple(Padding)
FIELDS: dict[Op, tuple[Field, ...]] = {
    "conv": ("op", "input", "kernel", "stride", "dilation", "padding", "pad before",
             "pad after", "axis", "window", "port to"),
    "pool": ("op", "input", "kernel", "stride", "dilation", "padding", "pad before",
             "pad after", "ceil mode", "pool type", "count pad", "axis", "window", "port to"),
    "deconv": ("op", "input", "kernel", "stride", "dilation", "padding", "pad before",
               "pad after", "output_padding", "axis", "window", "port to"),
}  # fmt: skip
"""The parameters shown, in order, for each layer type."""

_LOWEST = {"input": 1, "kernel": 1, "stride": 1, "dilation": 1, "output_padding": 0}
_COUNT_PAD: tuple[bool | None, ...] = (None, True, False)


@dataclass(frozen=True)
class Outcome:
    """What the engine made of a :class:`State`: its plan, or the error message."""

    plan: WindowPlan | DeconvPlan | None
    error: str | None

    @property
    def windows(self) -> int:
        """How many windows (output cells) there are; 0 on an error."""
        return math.prod(self.plan.output) if self.plan is not None else 0


@dataclass(frozen=True)
class State:
    """One layer's settings and what the explorer has selected.

    ``stride=None`` (pooling): the stride is the kernel. ``count_include_pad=None``: the
    diagram's default rule. ``output_size`` (transposed convolution) is kept from the command
    line until ``output_padding`` is changed. ``step`` is the highlighted window, row-major.
    """

    op: Op = "conv"
    input: Sizes = (13,)
    kernel: Sizes = (6,)
    stride: Sizes | None = (5,)
    dilation: Sizes = (1,)
    padding: PaddingValue = Padding.SAME
    output_padding: Sizes | None = None
    output_size: Sizes | None = None
    ceil_mode: bool = False
    pool_type: str = "max"
    count_include_pad: bool | None = None
    axis: int = 0
    step: int = 0
    field: Field = "input"
    target: str = "torch"

    @property
    def ndim(self) -> int:
        return len(self.input)

    def outcome(self) -> Outcome:
        """The engine's plan of this layer, or its error message."""
        try:
            return Outcome(self._plan(), None)
        except ConvcalcError as exc:
            return Outcome(None, str(exc))

    def _plan(self) -> WindowPlan | DeconvPlan:
        geometry = {"dilation": self.dilation, "padding": self.padding}
        if self.op == "deconv":
            return deconv_plan(
                self.input,
                self.kernel,
                stride=self.stride or 1,
                output_padding=self.output_padding,
                output_size=self.output_size,
                **geometry,  # type: ignore[arg-type]
            )
        if self.op == "pool":
            return pool_plan(
                self.input,
                self.kernel,
                stride=self.stride,
                ceil_mode=self.ceil_mode,
                **geometry,  # type: ignore[arg-type]
            )
        return conv_plan(self.input, self.kernel, stride=self.stride or 1, **geometry)  # type: ignore[arg-type]

    def highlight(self) -> Sizes | None:
        """The output position of window :attr:`step` (``None`` on an error).

        >>> State(input=(5, 5), kernel=(3,), stride=(2,), padding=Padding.VALID, step=3).highlight()
        (1, 1)
        """
        plan = self.outcome().plan
        if plan is None or not all(plan.output):
            return None
        return output_position(min(self.step, math.prod(plan.output) - 1), plan.output)

    # -- selection ----------------------------------------------------------------------

    def fields(self) -> tuple[Field, ...]:
        return FIELDS[self.op]

    def select(self, field: Field) -> State:
        return replace(self, field=field)

    def move(self, delta: int) -> State:
        """Select the parameter *delta* rows below (wrapping)."""
        fields = self.fields()
        at = fields.index(self.field) if self.field in fields else 0
        return self.select(fields[(at + delta) % len(fields)])

    def walk(self, delta: int) -> State:
        """Highlight the window *delta* steps on (wrapping over every window)."""
        windows = self.outcome().windows
        if not windows:
            return self
        return replace(self, step=(min(self.step, windows - 1) + delta) % windows)

    # -- changing values ----------------------------------------------------------------

    def nudge(self, delta: int) -> State:
        """Change the selected parameter by *delta*: ±1 on a number (on the selected axis),
        the next or previous choice otherwise."""
        from convcalc.explore.edit import nudge

        return _clamped(nudge(self, self.field, delta))

    def typed(self, text: str, parse: Parse) -> State:
        """Set the selected parameter from *text*, read as the command line reads it.
        Raises :class:`~convcalc.errors.ConvcalcError` on text that does not parse."""
        from convcalc.explore.edit import typed

        if not text.strip():
            raise SpecError(f"type a value for {self.field}")
        return _clamped(typed(self, self.field, text.strip(), parse))

    # -- text -----------------------------------------------------------------------------

    def value_text(self, field: Field) -> str:
        """How the parameter *field* is shown in the parameter list."""
        from convcalc.explore.edit import value_text

        return value_text(self, field)

    def command_line(self) -> str:
        """The equivalent ``convcalc diagram`` command (the window highlighted as ``--step``).

        >>> State(op="pool", input=(5,), kernel=(2,), stride=None, padding=((1, 1),),
        ...       ceil_mode=True, pool_type="avg").command_line()
        'convcalc diagram pool -i 5 -k 2 -p 1 --ceil-mode --op avg --step 0'
        """
        words = ["convcalc diagram", self.op, "-i", "x".join(map(str, self.input))]
        words += ["-k", _sizes(self.kernel)]
        if self.stride is not None:
            words += ["-s", _sizes(self.stride)]
        if any(d != 1 for d in self.dilation):
            words += ["-d", _sizes(self.dilation)]
        words += ["-p", padding_text(self.padding)]
        if self.op == "pool":
            words += ["--ceil-mode"] if self.ceil_mode else []
            words += ["--op", "avg"] if self.pool_type == "avg" else []
            if self.count_include_pad is not None:
                words.append(f"--{'' if self.count_include_pad else 'no-'}count-include-pad")
        if self.op == "deconv" and self.output_padding is not None:
            words += ["--output-padding", _sizes(self.output_padding)]
        if self.op == "deconv" and self.output_size is not None:
            words += ["--output-size", _sizes(self.output_size)]
        windows = self.outcome().windows
        words += ["--step", str(min(self.step, max(windows - 1, 0)))]
        return " ".join(words)


def _clamped(state: State) -> State:
    """*state* with its axis inside the input's axes."""
    return replace(state, axis=min(state.axis, state.ndim - 1))


def _sizes(values: Sizes) -> str:
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))


def padding_text(padding: PaddingValue) -> str:
    """A padding as ``-p`` takes it: a mode name, ``1``, ``1x2``, ``1:2`` or ``1:2x0:1``.

    >>> padding_text(((1, 1), (1, 1))), padding_text(((1, 1), (2, 2))), padding_text(((0, 1),))
    ('1', '1x2', '0:1')
    """
    if isinstance(padding, Padding):
        return padding.value
    entries = [str(a) if a == b else f"{a}:{b}" for a, b in padding]
    return entries[0] if len(set(entries)) == 1 else "x".join(entries)
