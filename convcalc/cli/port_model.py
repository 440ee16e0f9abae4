"""``convcalc port MODEL --to FW``: the porting audit of a whole model file.

``port`` is a group of one-layer commands (``port --from tf --to torch conv …``);
:class:`PortGroup` sends a command line whose first word names a model file (``.onnx``,
``.keras``, a Keras ``.json``) to the hidden ``model`` subcommand instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from convcalc.cli.layer_params import JSON_FLAG, console, emit_json

__all__ = ["PortGroup", "port_model"]

MODEL_WORD_SUFFIXES = (".onnx", ".keras", ".json")


def _is_model(word: str) -> bool:
    return word.lower().endswith(MODEL_WORD_SUFFIXES)


class PortGroup(click.Group):
    """``port MODEL --to torch [-i SIZE] [--json]`` → ``port --to torch model MODEL …``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        model = next((a for a in args if _is_model(a) and a not in self.commands), None)
        if model is None or any(a in self.commands for a in args):
            return super().parse_args(ctx, args)
        group: list[str] = []
        rest: list[str] = []
        i = 0
        while i < len(args):
            a = args[i]
            if a in ("--to", "--from") and i + 1 < len(args):
                group += args[i : i + 2]
                i += 2
                continue
            (group if a.startswith(("--to=", "--from=")) else rest).append(a)
            i += 1
        return super().parse_args(ctx, [*group, "model", *rest])


@click.command("model", hidden=True)
@click.argument("model")
@click.option(
    "-i",
    "--input",
    "size",
    metavar="SHAPE",
    help="Input spatial size (224x224) or full shape batch first (1x3x224x224).",
)
@click.option("--all", "show_all", is_flag=True, help="Show the portable layers too.")
@JSON_FLAG
def port_model(model: str, size: str | None, show_all: bool, as_json: bool) -> None:
    """Audit every conv, pool and transposed conv of MODEL for the --to framework."""
    ctx = click.get_current_context()
    target = ctx.obj["to"]
    result = _evaluate(model, size)
    from convcalc.report.port_model import audit_dict, audit_report

    data = audit_dict(result, target)
    if as_json:
        emit_json(data)
        return
    console().print(audit_report(data, show_all))


def _evaluate(word: str, size: str | None) -> Any:
    from convcalc.errors import SpecError

    path = Path(word)
    if word.lower().endswith(".onnx"):
        from convcalc.network.readers.onnx import load_onnx, run_onnx

        return run_onnx(load_onnx(path), size, path.stem)
    from convcalc.network.readers.keras import read_keras, run_keras

    result = run_keras(read_keras(path), size)
    if not result.rows:
        raise SpecError(f"{path}: the model has no layers")
    return result
