"""``convcalc shape conv|pool|deconv|invert``: sizes and pads, from the shape engine alone.

Each command passes its geometry options (``-s``, ``-d``, ``-p`` and the like, named as the
engine's keywords) straight to the shape engine's plan function, and :func:`_report` prints
the plan: ``--json`` as one JSON object (schema in :mod:`convcalc.report.shape_json`), else a
table in plain styled text (:mod:`convcalc.report.shape_text`). Neither path loads NumPy or
Rich.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

from convcalc.cli import LazyGroup
from convcalc.cli.params import (
    CEIL_MODE,
    INPUT,
    OUTPUT_PADDING,
    OUTPUT_SIZE,
    SIZES,
    geometry_options,
)
from convcalc.report import shape_json as jsonable

__all__ = ["shape"]

Sizes = tuple[int, ...]

JSON_FLAG = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object instead of the table."
)
EXPLAIN = click.option(
    "--explain", is_flag=True, help="Show the arithmetic step by step, in the primer's terms."
)


def _print_json(data: dict[str, Any], explain: list[str] | None = None) -> None:
    import json

    click.echo(json.dumps(data if explain is None else {**data, "explain": explain}))


def _steps(op: str, plan: Any) -> list[str]:
    from convcalc.shape.explain import explain_invert, explain_plan

    return explain_invert(plan) if op == "invert" else explain_plan(plan.axes)


def _print_steps(lines: list[str] | None) -> None:
    if lines:
        click.echo("\nstep by step:\n" + "\n".join(lines))


def _print_table(text: str) -> None:
    """Print a report; styles only on a terminal and never with ``NO_COLOR`` set."""
    click.echo(text, color=False if os.environ.get("NO_COLOR") else None)


_TITLES = {
    "conv": "convolution",
    "pool": "pooling",
    "deconv": "transposed convolution",
    "invert": "inputs of the convolution",
}
_JSON: dict[str, Callable[[Any], dict[str, Any]]] = {
    "conv": jsonable.window_dict,
    "pool": jsonable.window_dict,
    "deconv": jsonable.deconv_dict,
    "invert": jsonable.invert_dict,
}


def _report(op: str, plan: Any, *, as_json: bool, explain: bool) -> None:
    """Print *plan* (what the engine planned for *op*) as one JSON object or as its table,
    with the arithmetic step by step when *explain* is set."""
    steps = _steps(op, plan) if explain else None
    if as_json:
        return _print_json({"op": op, **_JSON[op](plan)}, steps)
    from convcalc.report import shape_text

    tables: dict[str, Callable[[Any, str], str]] = {
        "deconv": shape_text.deconv_report,
        "invert": shape_text.invert_report,
    }
    _print_table(tables.get(op, shape_text.window_report)(plan, _TITLES[op]))
    _print_steps(steps)


@click.group(cls=LazyGroup, lazy={"resize": "convcalc.cli.resize_cmd:shape_resize"})
def shape() -> None:
    """Output sizes and exact pad splits (no arrays, no NumPy).

    \b
    convcalc shape conv -i 13 -k 6 -s 5 -p same
    convcalc shape pool -i 112x112 -k 3 -s 2 -p 1 --ceil-mode
    convcalc shape deconv -i 7 -k 3 -s 2 -p 1 --output-padding 1
    convcalc shape invert -o 7 -k 3 -s 2 -p same
    convcalc shape resize -i 5 --scale 2 --mode linear --convention torch
    """


@shape.command()
@INPUT
@geometry_options()
@JSON_FLAG
@EXPLAIN
def conv(input_: Sizes, kernel: Sizes, as_json: bool, explain: bool, **geometry: Any) -> None:
    """Convolution: output size and (before, after) pads per axis.

    \b
    convcalc shape conv -i 13 -k 6 -s 5 -p same        TF SAME: pads (1, 2), output 3
    convcalc shape conv -i 224x224 -k 7 -s 2 -p 3      PyTorch padding=3
    convcalc shape conv -i 10 -k 3 -d 2 -p causal --json
    convcalc shape conv -i 12 -k 3 -s 3 -p same --explain
    """
    from convcalc.shape.window import conv_plan

    _report("conv", conv_plan(input_, kernel, **geometry), as_json=as_json, explain=explain)


@shape.command()
@INPUT
@geometry_options(stride_default=None)
@CEIL_MODE
@JSON_FLAG
@EXPLAIN
def pool(input_: Sizes, kernel: Sizes, as_json: bool, explain: bool, **geometry: Any) -> None:
    """Pooling: output size and pads; the stride defaults to the window.

    \b
    convcalc shape pool -i 112x112 -k 3 -s 2 -p 1
    convcalc shape pool -i 5 -k 2 -p 1 --ceil-mode
    """
    from convcalc.shape.window import pool_plan

    _report("pool", pool_plan(input_, kernel, **geometry), as_json=as_json, explain=explain)


@shape.command()
@INPUT
@geometry_options(padding_default="0")
@OUTPUT_PADDING
@OUTPUT_SIZE
@JSON_FLAG
@EXPLAIN
def deconv(input_: Sizes, kernel: Sizes, as_json: bool, explain: bool, **geometry: Any) -> None:
    """Transposed convolution: output size, crop, output_padding and reachable sizes.

    Explicit pads follow PyTorch's ConvTranspose; a mode name (same, valid, ...) follows
    TensorFlow / Keras.

    \b
    convcalc shape deconv -i 7 -k 3 -s 2 -p 1 --output-padding 1     PyTorch: 14
    convcalc shape deconv -i 7 -k 3 -s 2 -p 1 --output-size 14       which output_padding?
    convcalc shape deconv -i 4 -k 3 -s 2 -p same                     Keras default: 8
    """
    from convcalc.shape.transpose import deconv_plan

    _report("deconv", deconv_plan(input_, kernel, **geometry), as_json=as_json, explain=explain)


@shape.command()
@click.option(
    "-o",
    "--output",
    "output",
    type=SIZES,
    required=True,
    metavar="SIZES",
    help="The convolution's output size (= the transposed convolution's input).",
)
@geometry_options()
@JSON_FLAG
@EXPLAIN
def invert(output: Sizes, kernel: Sizes, as_json: bool, explain: bool, **geometry: Any) -> None:
    """Every conv input size that gives OUTPUT, and the output_padding that brings a
    transposed convolution back to it.

    \b
    convcalc shape invert -o 14 -k 3 -s 2 -p 1        27 or 28? output_padding 0 or 1
    convcalc shape invert -o 7x7 -k 3 -s 2 -p same --json
    """
    from convcalc.shape.invert import invert_plan

    per_axis = invert_plan(output, kernel, **geometry)
    _report("invert", per_axis, as_json=as_json, explain=explain)
