"""The ``convcalc`` command line: a thin Click layer over the shape engine and executor.

Errors are mapped in one place (:class:`ConvcalcGroup`): a :class:`ConvcalcError` becomes
``Error: <message>`` on stderr with exit status 1; malformed options exit with 2.
NumPy and Rich are imported only inside the commands that need them.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from convcalc import __version__
from convcalc.cli.completion_cmd import completion
from convcalc.cli.run_cmd import run
from convcalc.cli.shape_cmd import shape
from convcalc.errors import ConvcalcError

__all__ = ["cli", "main"]


class ConvcalcGroup(click.Group):
    """A group that turns every :class:`ConvcalcError` into a one-line Click error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConvcalcError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(
    cls=ConvcalcGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="convcalc")
def cli() -> None:
    """Convolution, transposed-convolution and pooling calculator.

    \b
    convcalc shape conv -i 224x224 -k 7 -s 2 -p same     output size and pad split
    convcalc shape invert -o 7 -k 3 -s 2 -p 1            inputs that give 7, output_padding
    convcalc run conv --kernel sobel-x -p same img.txt   run a layer on an array
    convcalc completion bash                             shell completion script
    """


cli.add_command(shape)
cli.add_command(completion)
cli.add_command(run)


def main() -> None:
    """Console-script entry point; a closed pipe (``| head``) ends quietly."""
    try:
        cli.main(prog_name="convcalc")
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - cli.main always exits in standalone mode
        code = 0
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)
