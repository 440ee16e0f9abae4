"""How each parameter of the explorer changes: by a step (keys) or from typed text.

Pure functions over :class:`~convcalc.explore.model.State`; the plan behind ``pad before``,
``pad after`` and ``output_padding`` under a mode comes from the shape engine.

>>> from convcalc.explore.model import State
>>> s = State().select("pad after").nudge(1)   # same's (1, 2) becomes explicit (1, 3)
>>> s.padding, s.outcome().plan.output
(((1, 3),), (3,))
>>> value_text(State().select("window").walk(-1), "window")
'2 of 0..2'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from convcalc.errors import SpecError
from convcalc.frameworks.layer import NAMES
from convcalc.shape import Padding, normalize_padding
from convcalc.shape.axes import MAX_SIZE, parse_int

if TYPE_CHECKING:
    from convcalc.explore.model import Field, Parse, Sizes, State

__all__ = ["nudge", "typed", "value_text"]

T = TypeVar("T")

_SIZES = ("input", "kernel", "stride", "dilation", "output_padding")
_ON = {"on": True, "yes": True, "true": True, "1": True, "off": False, "no": False}
_ON |= {"false": False, "0": False}
_COUNT = {"default": None, "include": True, "exclude": False}


def nudge(state: State, field: Field, delta: int) -> State:
    """*state* with *field* one step up (``delta > 0``) or down."""
    from convcalc.explore.model import MODES, OPS, TARGETS

    if field in _SIZES:
        return _set_sizes(state, field, _bumped(_sizes_of(state, field), state, field, delta))
    if field == "op":
        return replace(state, op=_cycle(OPS, state.op, delta))
    if field == "padding":
        choices: list[object] = [*MODES, "pads"]
        now = state.padding if isinstance(state.padding, Padding) else "pads"
        new = _cycle(choices, now, delta)
        return _explicit(state) if new == "pads" else replace(state, padding=new)  # type: ignore[arg-type]
    if field in ("pad before", "pad after"):
        explicit = _explicit(state)
        pairs = [list(p) for p in explicit.padding]  # type: ignore[union-attr]
        side = 0 if field == "pad before" else 1
        pairs[state.axis][side] = max(0, pairs[state.axis][side] + delta)
        return replace(explicit, padding=tuple((a, b) for a, b in pairs))
    if field == "ceil mode":
        return replace(state, ceil_mode=not state.ceil_mode)
    if field == "pool type":
        return replace(state, pool_type="avg" if state.pool_type == "max" else "max")
    if field == "count pad":
        return replace(
            state, count_include_pad=_cycle(list(_COUNT.values()), state.count_include_pad, delta)
        )
    if field == "axis":
        return replace(state, axis=(state.axis + delta) % state.ndim)
    if field == "window":
        return state.walk(delta)
    return _with(state, target=_cycle(TARGETS, state.target, delta))


def typed(state: State, field: Field, text: str, parse: Parse) -> State:
    """*state* with *field* set from *text* (raises :class:`SpecError` if it does not read)."""
    from convcalc.explore.model import OPS, TARGETS

    word = text.lower()
    if field in _SIZES:
        value = parse("sizes0" if field == "output_padding" else "sizes", text)
        return _set_sizes(state, field, value)  # type: ignore[arg-type]
    if field == "padding":
        spec = normalize_padding(parse("padding", text), state.ndim)  # type: ignore[arg-type]
        return replace(state, padding=spec)
    if field in ("pad before", "pad after"):
        return nudge(state, field, _number(text) - _pad(state, field))
    if field == "axis":
        return replace(state, axis=_choice_index(text, state.ndim, "axis"))
    if field == "window":
        return replace(state, step=_choice_index(text, state.outcome().windows, "window"))
    table: dict[str, dict[str, Any]] = {
        "op": {name: name for name in OPS},
        "ceil mode": _ON,
        "pool type": {"max": "max", "avg": "avg"},
        "count pad": _COUNT,
        "port to": {name: name for name in TARGETS},
    }
    choices = table[field]
    if word not in choices:
        raise SpecError(f"{text!r} is not a {field}; choose from {', '.join(choices)}")
    attribute = {"ceil mode": "ceil_mode", "pool type": "pool_type", "port to": "target"}
    name = {"count pad": "count_include_pad"}.get(field, attribute.get(field, field))
    return _with(state, **{name: choices[word]})


def value_text(state: State, field: Field) -> str:
    """The parameter *field* as the parameter list shows it."""
    outcome = state.outcome()
    if field == "stride" and state.stride is None:
        return f"= kernel ({_text(state.kernel)})"
    if field == "output_padding" and state.output_size is not None:
        return f"for size {_text(state.output_size)}"
    if field == "input":
        return "×".join(map(str, state.input))
    if field in _SIZES:
        return _text(_sizes_of(state, field))
    if field == "padding":
        from convcalc.explore.model import padding_text

        return padding_text(state.padding)
    if field in ("pad before", "pad after"):
        return (
            "?"
            if outcome.plan is None and isinstance(state.padding, Padding)
            else str(_pad(state, field))
        )
    if field == "axis":
        return f"{state.axis} of 0..{state.ndim - 1}"
    if field == "window":
        n = outcome.windows
        return f"{min(state.step, n - 1)} of 0..{n - 1}" if n else "none"
    words = {
        "op": state.op,
        "ceil mode": "on" if state.ceil_mode else "off",
        "pool type": state.pool_type,
        "count pad": {None: "default", True: "include", False: "exclude"}[state.count_include_pad],
        "port to": NAMES[state.target],
    }
    return words[field]


def _with(state: State, **changes: Any) -> State:
    """*state* with the named fields changed (names chosen at run time)."""
    return replace(state, **changes)


def _text(values: Sizes) -> str:
    return str(values[0]) if len(set(values)) == 1 else "×".join(map(str, values))


def _cycle(choices: Sequence[T], now: object, delta: int) -> T:
    items = list(choices)
    at = items.index(now) if now in items else 0
    return items[(at + delta) % len(items)]


def _sizes_of(state: State, field: Field) -> Sizes:
    """The values of a size parameter, one per axis (a single value broadcast)."""
    if field == "output_padding":
        return _output_padding(state)
    values = {"input": state.input, "kernel": state.kernel, "dilation": state.dilation}.get(
        field, state.stride if state.stride is not None else state.kernel
    )
    return values * state.ndim if len(values) == 1 else values


def _output_padding(state: State) -> Sizes:
    """``output_padding`` as set, else what the engine chose (0 where it cannot tell)."""
    if state.output_padding is not None:
        return state.output_padding
    plan = state.outcome().plan
    return getattr(plan, "output_padding", None) or (0,) * state.ndim


def _bumped(values: Sizes, state: State, field: Field, delta: int) -> Sizes:
    from convcalc.explore.model import _LOWEST

    out = list(values)
    axis = min(state.axis, len(out) - 1)
    out[axis] = min(max(_LOWEST[field], out[axis] + delta), MAX_SIZE)
    return tuple(out)


def _set_sizes(state: State, field: Field, values: Sizes) -> State:
    """*state* with a size parameter set; a new input size re-fits uniform values to its axes."""
    if field == "input":
        ndim = len(values)
        fit = {
            name: _fit(getattr(state, name), ndim)
            for name in ("kernel", "stride", "dilation", "output_padding")
        }
        padding = state.padding
        if not isinstance(padding, Padding) and len(set(padding)) == 1:
            padding = padding[:1] * ndim
        return replace(state, input=values, padding=padding, output_size=None, **fit)  # type: ignore[arg-type]
    if field == "output_padding":
        return replace(state, output_padding=values, output_size=None)
    return _with(state, **{field: values})


def _fit(values: Sizes | None, ndim: int) -> Sizes | None:
    if values is None or len(set(values)) != 1:
        return values
    return values[:1] * ndim


def _explicit(state: State) -> State:
    """*state* with its padding as explicit pads: a mode becomes the pads the engine chose
    (a transposed convolution keeps its output_padding too); zeros if it has no plan."""
    if not isinstance(state.padding, Padding):
        return state
    plan = state.outcome().plan
    if plan is None:
        return replace(state, padding=((0, 0),) * state.ndim)
    extra = getattr(plan, "output_padding", None)
    changes = {"output_padding": extra, "output_size": None} if extra is not None else {}
    return replace(state, padding=plan.pads, **changes)


def _pad(state: State, field: Field) -> int:
    side = 0 if field == "pad before" else 1
    plan = state.outcome().plan
    if isinstance(state.padding, Padding):
        return plan.pads[state.axis][side] if plan is not None else 0
    return state.padding[min(state.axis, len(state.padding) - 1)][side]


def _number(text: str) -> int:
    try:
        return parse_int(text)
    except SpecError:
        raise
    except ValueError:
        raise SpecError(f"{text!r} is not a whole number ≥ 0") from None


def _choice_index(text: str, count: int, name: str) -> int:
    value = _number(text)
    if count == 0:
        raise SpecError(f"there is no {name} to choose: the layer has no output")
    if value >= count:
        raise SpecError(f"{name} {value} does not exist: there are {count} (0..{count - 1})")
    return value
