"""The ``convcalc`` command line: a thin Click layer over the shape engine and executor.

Errors are mapped in one place (:class:`ConvcalcGroup`): a :class:`ConvcalcError` becomes
``Error: <message>`` on stderr with exit status 1; a malformed command line is one line too,
``Error: <message> (see 'convcalc … --help')``, with exit status 2.
A closed pipe (``convcalc run … | head``) ends quietly with :data:`PIPE_CLOSED_STATUS`,
whatever the output format. NumPy and Rich are imported only inside the commands that need
them.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import sys
from typing import IO, Any

import click

from convcalc import __version__
from convcalc.errors import ConvcalcError

__all__ = ["PIPE_CLOSED_STATUS", "LazyGroup", "cli", "main", "manual_page"]

PIPE_CLOSED_STATUS = 0
"""Exit status when the reader of stdout goes away (``| head``): 0, as the pipeline
``yes | head`` reports; the reader chose to stop, nothing went wrong on convcalc's side."""

# Subcommands load on first use, so a shape query never imports the executor's modules.
COMMANDS = {
    "shape": "convcalc.cli.shape_cmd:shape",
    "completion": "convcalc.cli.completion_cmd:completion",
    "diagram": "convcalc.cli.diagram_cmd:diagram",
    "chain": "convcalc.cli.chain_cmd:chain",
    "compare": "convcalc.cli.compare_cmd:compare",
    "port": "convcalc.cli.port_cmd:port",
    "solve": "convcalc.cli.solve_cmd:solve",
    "run": "convcalc.cli.run_cmd:run",
    "demo": "convcalc.cli.demo_cmd:demo",
    "matrix": "convcalc.cli.matrix_cmd:matrix",
    "explore": "convcalc.cli.explore_cmd:explore",
    "show": "convcalc.cli.show_cmd:show",
}


class OneLineUsageError(click.UsageError):
    """A malformed command line, shown as one line that names the help to read (exit 2)::

    Error: Missing option '-i' / '--input'. (see 'convcalc shape conv --help')
    """

    def show(self, file: IO[Any] | None = None) -> None:
        hint = f" (see '{self.ctx.command_path} --help')" if self.ctx is not None else ""
        message = " ".join(self.format_message().split())  # Click lists choices on lines
        click.echo(f"Error: {message}{hint}", file=file, err=file is None)


def _one_line(exc: click.UsageError) -> click.UsageError:
    """*exc* as a :class:`OneLineUsageError`; ``convcalc shape`` alone still prints its help."""
    if isinstance(exc, OneLineUsageError | click.exceptions.NoArgsIsHelpError):
        return exc
    return OneLineUsageError(exc.format_message(), exc.ctx)


def manual_page(command: str) -> str:
    """The manual page of a top-level command, named at the end of its help (and of its
    subcommands' help).

    >>> manual_page("shape")
    'docs/commands/shape.md'
    """
    return f"docs/commands/{command}.md"


MANUAL_MARK = "Manual: "


def _name_the_page(command: click.Command, page: str) -> None:
    """End *command*'s help, and its subcommands' (those loaded, and the lazy ones when
    they load), with ``Manual: <page>``."""
    if MANUAL_MARK not in (command.epilog or ""):
        command.epilog = "\n\n".join(filter(None, [command.epilog, MANUAL_MARK + page]))
    if isinstance(command, LazyGroup):
        command.manual = page
    for sub in getattr(command, "commands", {}).values():
        _name_the_page(sub, page)


class LazyGroup(click.Group):
    """A group whose subcommands in ``lazy`` (name → ``"module:attribute"``) are imported
    on first use, so a command loads only the modules it runs."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})
        self.manual: str | None = None  # the manual page its subcommands' help names

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module, attr = self.lazy[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            if self.manual is not None:
                _name_the_page(command, self.manual)
            return command
        return super().get_command(ctx, cmd_name)


class ConvcalcGroup(LazyGroup):
    """The top-level group: lazily loaded subcommands, and every :class:`ConvcalcError`
    turned into a one-line Click error (exit status 1)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, lazy=COMMANDS, **kwargs)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None and cmd_name in self.lazy:
            _name_the_page(command, manual_page(cmd_name))
        return command

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _one_line(exc) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _one_line(exc) from exc
        except ConvcalcError as exc:
            raise click.ClickException(str(exc)) from exc
        except MemoryError as exc:  # an allocation the memory checks did not foresee
            detail = str(exc).splitlines()[0] if str(exc) else "the allocation failed"
            raise click.ClickException(f"not enough memory: {detail}") from None
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            _silence_stdout()
            ctx.exit(PIPE_CLOSED_STATUS)


@click.group(
    cls=ConvcalcGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=MANUAL_MARK + "docs/index.md (build: sphinx-build docs docs/_build)",
)
@click.version_option(__version__, prog_name="convcalc")
def cli() -> None:
    """Convolution, transposed-convolution and pooling calculator.

    \b
    convcalc demo                                        a tour on built-in examples
    convcalc shape conv -i 224x224 -k 7 -s 2 -p same     output size and pad split
    convcalc shape invert -o 7 -k 3 -s 2 -p 1            inputs that give 7, output_padding
    convcalc run conv --kernel sobel-x -p same img.txt   run a layer on an array
    convcalc diagram conv -i 13 -k 6 -s 5 -p same        the padded grid and its windows
    convcalc chain -i 224x224x3 resnet18                 a whole network, receptive fields
    convcalc compare conv -i 6 -k 3 -s 2 -p same         every framework side by side
    convcalc port --from tf --to torch conv -i 224 -k 7 -s 2 -p same
    convcalc solve deconv -i 7 --to 14 -k 3 -s 2         which padding/output_padding
    convcalc matrix conv -i 4x4 -k 3                     the layer as y = C·x (and Cᵀ)
    convcalc explore                                     the padded grid, live (keys)
    convcalc completion bash                             shell completion script
    """


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no real stdout
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main() -> None:
    """Console-script entry point; a closed pipe (``| head``) ends quietly with
    :data:`PIPE_CLOSED_STATUS`."""
    try:
        cli.main(prog_name="convcalc")
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - cli.main always exits in standalone mode
        code = 0
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    sys.exit(code)
