"""``convcalc demo``: the primer's examples, run through the real commands."""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path

import click

__all__ = ["demo"]

# An 8×8 image: a bright square on a dark background (its edges light up under Sobel).
SQUARE = "\n".join(
    " ".join("9" if 2 <= r <= 5 and 2 <= c <= 5 else "0" for c in range(8)) for r in range(8)
)

STEPS = (
    (
        "The primer's example: input 13, kernel 6, stride 5 under TensorFlow SAME",
        "shape conv -i 13 -k 6 -s 5 -p same",
    ),
    (
        "...and where its windows fall (valid drops the last two inputs)",
        "diagram conv -i 13 -k 6 -s 5 -p valid",
    ),
    (
        "The two trains: [1, 2, 3] convolved with [0, 1, 0.5], full padding",
        "run conv --flip -p full --kernel [0,1,0.5] trains.json",
    ),
    (
        "Edge extraction: Sobel-x over a built-in 8×8 square",
        "run conv --kernel sobel-x -p same square.txt",
    ),
    (
        "A transposed convolution back from 7: which sizes, which output_padding?",
        "shape invert -o 7 -k 3 -s 2 -p 1",
    ),
)


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """A short tour on built-in examples: shapes, a diagram, two runs, an inversion.

    \b
    convcalc demo
    """
    root = ctx.find_root().command
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "square.txt").write_text(SQUARE + "\n")
        Path(folder, "trains.json").write_text("[1, 2, 3]\n")
        for number, (title, command) in enumerate(STEPS, start=1):
            click.secho(f"\n{number}. {title}", bold=True)
            click.secho(f"$ convcalc {command}", fg="cyan")
            if command.endswith("square.txt"):
                click.echo(f"(square.txt)\n{SQUARE}\n")
            words = [
                str(Path(folder, w)) if w in ("square.txt", "trains.json") else w
                for w in shlex.split(command)
            ]
            root.main(words, prog_name="convcalc", standalone_mode=False)
