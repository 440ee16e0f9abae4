"""``convcalc explore [conv|pool|deconv]``: the padded grid of a layer, live, in the terminal.

The layer options are ``convcalc diagram``'s own (:data:`~convcalc.cli.diagram_cmd.LAYER_OPTIONS`,
``--step``, ``--at``, ``--no-color``), and typed values in the app are read by the same
parameter types (:func:`parse_value`). Textual is imported only once the app starts; when
stdout or stdin is not a terminal the command refuses with one ``Error:`` line (exit 2).
Leaving the app prints the equivalent ``convcalc diagram`` command line on stdout.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from convcalc.cli.diagram_cmd import AT_OPTION, LAYER_OPTIONS, NO_COLOR_OPTION, STEP_OPTION
from convcalc.cli.params import INPUT, PADDING, SIZES, SizesType, stack_options
from convcalc.errors import ConvcalcError, SpecError

__all__ = ["explore", "parse_value"]

_OUTPUT_PADDING = SizesType(minimum=0)


def parse_value(kind: str, text: str) -> object:
    """A value typed in the app, read as the command line reads it: *kind* ``sizes``,
    ``sizes0`` (0 allowed) or ``padding``; a bad value raises :class:`SpecError`.

    >>> parse_value("sizes", "5x5"), parse_value("padding", "1:2")
    ((5, 5), ((1, 2),))
    >>> parse_value("sizes", "0")
    Traceback (most recent call last):
    convcalc.errors.SpecError: '0': every value must be ≥ 1, got 0
    """
    types = {"sizes": SIZES, "sizes0": _OUTPUT_PADDING, "padding": PADDING}
    try:
        return types[kind].convert(text, None, None)
    except click.BadParameter as exc:
        raise SpecError(exc.message) from None


def _need_terminal() -> None:
    for name, stream in (("stdout", sys.stdout), ("stdin", sys.stdin)):
        if not stream.isatty():
            raise click.UsageError(
                f"explore is interactive and {name} is not a terminal; "
                "print a picture with 'convcalc diagram' instead."
            )


def _open(op: str, options: dict[str, Any]) -> None:
    """Start the app on the layer of *options*; print the command line it returns."""
    _need_terminal()
    from convcalc.explore.model import State
    from convcalc.shape import Padding, normalize_padding

    size = options["input_"]
    padding = options["padding"]
    if not isinstance(padding, Padding):
        padding = normalize_padding(padding, len(size))
    state = State(
        op=op,  # type: ignore[arg-type]
        input=size,
        kernel=options["kernel"],
        stride=options["stride"],
        dilation=options["dilation"],
        padding=padding,
        output_padding=options.get("output_padding"),
        output_size=options.get("output_size"),
        ceil_mode=bool(options.get("ceil_mode")),
        pool_type=options.get("pool_op") or "max",
        count_include_pad=options.get("count_include_pad"),
    )
    _start(state, options)


def _start(state: Any, options: dict[str, Any]) -> None:
    from dataclasses import replace

    from convcalc.cli.diagram_show import _highlight
    from convcalc.explore.app import ExploreApp

    plan = state.outcome().plan
    if plan is not None and all(plan.output):
        position = _highlight(plan, options)
        if position is not None:
            step = 0
            for j, n in zip(position, plan.output, strict=True):
                step = step * n + j
            state = replace(state, step=step)
    elif options.get("step") is not None or options.get("at") is not None:
        raise ConvcalcError(f"no window to highlight: {state.outcome().error}")
    line = ExploreApp(state, parse_value, no_color=bool(options.get("no_color"))).run()
    if line:
        click.echo(line)


_VIEW = stack_options(STEP_OPTION, AT_OPTION, NO_COLOR_OPTION)


@click.group(invoke_without_command=True)
@click.pass_context
def explore(ctx: click.Context) -> None:
    """The padded grid of a layer, live: keys change every parameter, the windows, pads
    and dropped cells redraw, with every framework's split and the port recipe beside.

    \b
    convcalc explore                                   the primer's 13, kernel 6, stride 5, same
    convcalc explore conv -i 5x5 -k 3 -s 2 -p 1        any layer, options as diagram's
    convcalc explore pool -i 5 -k 2 --ceil-mode
    convcalc explore deconv -i 3x3 -k 3 -s 2 -p 1 --output-padding 1

    \b
    Keys: ↑↓ choose a parameter, ←→ (or − +) change it, enter type a value, n/p (space)
    next/previous window, a axis, o op, t port target, s side panel, q quit. Leaving prints
    the equivalent 'convcalc diagram' command. Needs a terminal (stdout and stdin).
    """
    if ctx.invoked_subcommand is None:
        _need_terminal()
        from convcalc.explore.model import State

        _start(State(), {"step": None, "at": None, "no_color": False})


def _command(op: str, summary: str) -> click.Command:
    def run(**options: Any) -> None:
        _open(op, options)

    run.__doc__ = summary
    decorated = INPUT(LAYER_OPTIONS[op](_VIEW(run)))
    return explore.command(op)(decorated)


_command("conv", "Explore a convolution (options as 'convcalc diagram conv').")
_command("pool", "Explore a max or average pool (options as 'convcalc diagram pool').")
_command("deconv", "Explore a transposed convolution (options as 'convcalc diagram deconv').")
