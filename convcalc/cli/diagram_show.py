"""How ``convcalc diagram`` shows a diagram: which window is highlighted, every frame with
``--all``, in place with ``--animate``, and a copy with ``--save``.

The work is bounded by what is drawn: at most :data:`MAX_FRAMES` frames of at most
:data:`MAX_WIDTH` columns. A ``--save`` file is checked before anything is drawn and written
whole or not at all. Rich is imported only inside these functions, when drawing.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal

import click

from convcalc.diagram.layout import output_position
from convcalc.errors import ConvcalcError
from convcalc.shape import DeconvPlan, WindowPlan

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

__all__ = ["MAX_FRAMES", "MAX_WIDTH", "SAVE_SUFFIXES", "Build", "show"]

Sizes = tuple[int, ...]
Build = Callable[["tuple[int, ...] | None", frozenset[str]], "RenderableType"]
"""``build(highlight, parts)``: the diagram with that window highlighted, those sections."""

SAVE_SUFFIXES = (".svg", ".html", ".txt")

MAX_FRAMES = 64
"""The most frames ``--all`` and ``--animate`` draw (an 8×8 output); a layer with more
windows is refused: pick one with ``--step`` or ``--at``."""

MAX_WIDTH = 400
"""The widest diagram, in columns: ``--width`` accepts at most this, and a wider terminal
or ``COLUMNS`` is drawn this wide."""


def _highlight(plan: WindowPlan | DeconvPlan, view: dict[str, Any]) -> Sizes | None:
    """The output position of ``--step`` or ``--at``, checked against the output shape."""
    output = plan.output
    step, at = view["step"], view["at"]
    if step is not None and at is not None:
        raise click.UsageError("Give --step or --at, not both.")
    total = math.prod(output)
    if step is not None:
        if step >= total:
            raise click.BadParameter(
                f"{step} is past the last window: this layer has {total} (0..{total - 1}).",
                param_hint="'--step'",
            )
        return output_position(step, output)
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
    console = Console(
        highlight=False,
        color_system=color,
        width=view["width"],
        soft_wrap=False,
        **kwargs,
    )
    if console.width > MAX_WIDTH:
        console.width = MAX_WIDTH
    return console


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
    colour switches. Every option is checked before anything is drawn.
    """
    save = view["save"]
    if save is not None:
        _check_save(save)
    highlight = _highlight(plan, view)
    obj = click.get_current_context().obj
    given = obj.get("console") if isinstance(obj, dict) else None
    console = given if given is not None else _console(view)
    animate = view["animate"] and console.is_terminal
    if view["animate"] and not animate:
        click.echo("warning: --animate needs a terminal; printing one frame.", err=True)
    every = view["all_steps"] or animate
    if every:
        _check_frames(plan, "--animate" if animate else "--all")
    if animate:
        _animate(console, build, _positions(plan), view["delay"])
    else:
        _print_frames(console, build, _positions(plan) if every else [highlight])
    if save is not None:
        last = tuple(n - 1 for n in plan.output)
        shown = [last] if animate else _positions(plan) if every else [highlight]
        _save(save, build, shown, _no_color(view), console.width)


def _check_frames(plan: WindowPlan | DeconvPlan, option: str) -> None:
    """Refuse to draw every window of a layer with more than :data:`MAX_FRAMES`."""
    total = math.prod(plan.output)
    if total > MAX_FRAMES:
        raise click.BadParameter(
            f"this layer has {total} windows, more than the {MAX_FRAMES} frames {option} draws "
            "(MAX_FRAMES); pick one window with --step or --at.",
            param_hint=f"'{option}'",
        )


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
        text = recorder.export_svg(title="convcalc diagram")
    elif lower.endswith(".html"):
        text = recorder.export_html()
    else:
        text = recorder.export_text()
    _write_whole(path, text)
    click.echo(f"convcalc: saved {path}", err=True)


def _check_save(path: str) -> None:
    """Before drawing: the ``--save`` name has a known suffix and its folder exists."""
    if not path.lower().endswith(SAVE_SUFFIXES):
        raise click.BadParameter(
            f"{path!r}: the file name must end in .svg, .html or .txt.", param_hint="'--save'"
        )
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise ConvcalcError(f"cannot save {path!r}: there is no folder {folder!r}")


def _write_whole(path: str, text: str) -> None:
    """Write *text* to a temporary file beside *path*, then rename it over *path*: the file
    is whole or untouched. Any ``OSError`` becomes a one-line :class:`ConvcalcError`."""
    folder = os.path.dirname(path) or "."
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".convcalc-", suffix=".part")
    except OSError as exc:
        raise _save_error(path, exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(temporary, _new_file_mode(path))
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise _save_error(path, exc) from None


def _new_file_mode(path: str) -> int:
    """The mode *path* keeps (when it exists) or an ordinary new file gets (umask)."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _save_error(path: str, exc: OSError) -> ConvcalcError:
    return ConvcalcError(f"cannot save {path!r}: {exc.strerror or exc}")
