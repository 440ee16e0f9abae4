"""``convcalc demo``: the primer's examples, run through the real commands.

``convcalc demo --write-examples DIR`` writes the files the demo and the manual's examples
read (:data:`EXAMPLES`), so that every example can be copied and run from DIR.
"""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path

import click

from convcalc.errors import ConvcalcError

__all__ = ["demo"]

# An 8×8 image: a bright square on a dark background (its edges light up under Sobel).
SQUARE = "\n".join(
    " ".join("9" if 2 <= r <= 5 and 2 <= c <= 5 else "0" for c in range(8)) for r in range(8)
)

# The manual's image (an edge for Sobel and the Laplacian) and pooling grid.
IMAGE = "\n".join(
    " ".join("9" if 1 <= r <= 3 and 2 <= c <= 4 else "0" for c in range(6)) for r in range(5)
)
GRID = "[[1, 5, 2, 0],\n [3, 4, 8, 7],\n [0, 0, 1, 2],\n [6, 0, 0, 1]]"

EXAMPLES = {
    "trains.json": "[1, 2, 3]\n",
    "square.txt": SQUARE + "\n",
    "image.txt": IMAGE + "\n",
    "grid.json": GRID + "\n",
}
"""The example files by name: the demo's and the manual's inputs (docs/examples/)."""

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
        "Edge extraction: Sobel-x over a built-in 8×8 square, and its picture (--show)",
        "run conv --kernel sobel-x -p same square.txt --show",
    ),
    (
        "A transposed convolution back from 7: which sizes, which output_padding?",
        "shape invert -o 7 -k 3 -s 2 -p 1",
    ),
    (
        "The primer's matrix: a 4×4 input, a 3×3 kernel → y = C·x with C 4×16 "
        "(its transpose Cᵀ is the transposed convolution)",
        "matrix conv -i 4x4 -k 3 -w 100",
    ),
)


@click.command()
@click.option(
    "--write-examples",
    metavar="DIR",
    help="Write the example files (" + ", ".join(EXAMPLES) + ") to DIR instead of "
    "running the tour; the manual's examples run from there.",
)
@click.pass_context
def demo(ctx: click.Context, write_examples: str | None) -> None:
    """A short tour on built-in examples: shapes, a diagram, two runs, an inversion, a matrix.

    \b
    convcalc demo
    convcalc demo --write-examples examples && cd examples
    """
    if write_examples is not None:
        _write_examples(Path(write_examples))
        return
    root = ctx.find_root().command
    with tempfile.TemporaryDirectory() as folder:
        for name, text in EXAMPLES.items():
            Path(folder, name).write_text(text)
        for number, (title, command) in enumerate(STEPS, start=1):
            click.secho(f"\n{number}. {title}", bold=True)
            click.secho(f"$ convcalc {command}", fg="cyan")
            if "square.txt" in command:
                click.echo(f"(square.txt)\n{SQUARE}\n")
            words = [str(Path(folder, w)) if w in EXAMPLES else w for w in shlex.split(command)]
            root.main(words, prog_name="convcalc", standalone_mode=False)


def _write_examples(folder: Path) -> None:
    """Write :data:`EXAMPLES` into *folder* (created if needed); a file already there with
    other content is left alone and reported, never overwritten."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in EXAMPLES.items():
            path = folder / name
            if path.exists() and path.read_text(errors="replace") != text:
                raise ConvcalcError(f"{str(path)!r} exists with other content; not overwritten")
            path.write_text(text)
    except OSError as exc:
        raise ConvcalcError(
            f"cannot write the examples to {str(folder)!r}: {exc.strerror or exc}"
        ) from None
    click.echo(f"wrote {', '.join(EXAMPLES)} to {folder}")
