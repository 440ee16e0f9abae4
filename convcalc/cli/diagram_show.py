"""How ``convcalc diagram`` shows a diagram: which window is highlighted, every frame with
``--all``, in place with ``--animate``, and a copy with ``--save``.

Rich is imported only inside these functions, when drawing.
"""

from __future__ import annotations

import io
import itertools
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

import click

from convcalc.shape import DeconvPlan, WindowPlan

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

__all__ = ["SAVE_SUFFIXES", "Build", "show"]

Sizes = tuple[int, ...]
Build = Callable[["tuple[int, ...] | None", frozenset[str]], "RenderableType"]
"""``build(highlight, parts)``: the diagram with that window highlighted, those sections."""

SAVE_SUFFIXES = (".svg", ".html", ".txt")


def _highlight(plan: WindowPlan | DeconvPlan, view: dict[str, Any]) -> Sizes | None:
    """The output position of ``--step`` or ``--at``, checked against the output shape."""
    output = plan.output
    step, at = view["step"], view["at"]
    if step is not None and at is not None:
        raise click.UsageError("Give --step or --at, not both.")
    total = 1
    for n in output:
        total *= n
    if step is not None:
        if step >= total:
            raise click.BadParameter(
                f"{step} is past the last window: this layer has {total} (0..{total - 1}).",
                param_hint="'--step'",
            )
        position = []
        for n in reversed(output):
            step, r = divmod(step, n)
            position.append(r)
        return tuple(reversed(position))
    if at is not None:
        if len(at) != len(output):
            raise click.BadParameter(
                f"{','.join(map(str, at))} has {len(at)} coordinate(s) but the output has "
                f"{len(output)} axes.",
                param_hint="'--at'",
            )
        if any(j >= n for j, n in zip(at, output, strict=True)):
            shape = "×".join(map(str, output))
            raise click.BadParameter(
                f"{','.join(map(str, at))} is outside the {shape} output.", param_hint="'--at'"
            )
        return tuple(at)
    return None


def _no_color(view: dict[str, Any]) -> bool:
    return bool(view["no_color"]) or bool(os.environ.get("NO_COLOR"))


def _console(view: dict[str, Any], **kwargs: Any) -> Console:
    from rich.console import Console

    color: Literal["auto"] | None = None if _no_color(view) else "auto"
    return Console(
        highlight=False,
        color_system=color,
        width=view["width"],
        soft_wrap=False,
        **kwargs,
    )


def _positions(plan: WindowPlan | DeconvPlan) -> Iterable[Sizes]:
    """Every output position, row-major, lazily."""
    return itertools.product(*(range(n) for n in plan.output))


def _with_parts(frames: Iterable[Sizes | None]) -> Iterator[tuple[Sizes | None, frozenset[str]]]:
    """Each frame with its sections: the title once at the top, the legend and summary
    once after the last frame."""
    from convcalc.diagram.figure import PARTS

    frames = iter(frames)
    current = next(frames)
    first = True
    for following in frames:
        yield current, PARTS - {"legend", "summary"} - (set() if first else {"title"})
        first, current = False, following
    yield current, PARTS if first else PARTS - {"title"}


def _print_frames(console: Console, build: Build, frames: Iterable[Sizes | None]) -> None:
    for i, (frame, parts) in enumerate(_with_parts(frames)):
        if i:
            console.print()
        console.print(build(frame, parts))


def show(build: Build, plan: WindowPlan | DeconvPlan, view: dict[str, Any]) -> None:
    """Print the diagram (or every frame), animate it on a terminal, save it.

    The console comes from ``ctx.obj["console"]`` when the caller passes one (tests,
    embedding); otherwise it follows the terminal, ``COLUMNS``, ``--width`` and the
    colour switches.
    """
    save = view["save"]
    if save is not None and not save.lower().endswith(SAVE_SUFFIXES):
        raise click.BadParameter(
            f"{save!r}: the file name must end in .svg, .html or .txt.", param_hint="'--save'"
        )
    highlight = _highlight(plan, view)
    obj = click.get_current_context().obj
    given = obj.get("console") if isinstance(obj, dict) else None
    console = given if given is not None else _console(view)
    animate = view["animate"] and console.is_terminal
    if view["animate"] and not animate:
        click.echo("convcalc: --animate needs a terminal; printing one frame.", err=True)
    every = view["all_steps"] or animate
    if animate:
        _animate(console, build, _positions(plan), view["delay"])
    else:
        _print_frames(console, build, _positions(plan) if every else [highlight])
    if save is not None:
        last = tuple(n - 1 for n in plan.output)
        shown = [last] if animate else _positions(plan) if every else [highlight]
        _save(save, build, shown, _no_color(view), console.width)


def _animate(console: Console, build: Build, frames: Iterable[Sizes], delay: float) -> None:
    """Redraw in place, one window per frame (Rich Live); the last frame stays."""
    from rich.live import Live

    from convcalc.diagram.figure import PARTS

    with Live(console=console, auto_refresh=False) as live:
        for frame in frames:
            live.update(build(frame, PARTS), refresh=True)
            time.sleep(delay)


def _save(
    path: str, build: Build, frames: Iterable[Sizes | None], no_color: bool, width: int
) -> None:
    """Record the frames on a console of their own (colours kept unless turned off) and
    export them by the file's suffix."""
    from rich.console import Console

    recorder = Console(
        highlight=False,
        color_system=None if no_color else "truecolor",
        width=width,
        record=True,
        file=io.StringIO(),
        force_terminal=True,
        soft_wrap=False,
    )
    _print_frames(recorder, build, frames)
    lower = path.lower()
    if lower.endswith(".svg"):
        recorder.save_svg(path, title="convcalc diagram")
    elif lower.endswith(".html"):
        recorder.save_html(path)
    else:
        recorder.save_text(path)
    click.echo(f"convcalc: saved {path}", err=True)
