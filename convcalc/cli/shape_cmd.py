"""``convcalc shape conv|pool|deconv|invert``: sizes and pads, from the shape engine alone.

``--json`` prints one JSON object (schema in :mod:`convcalc.report.shape_json`); the tables are
plain styled text (:mod:`convcalc.report.shape_text`). Neither path loads NumPy or Rich.
"""

from __future__ import annotations

import os
from typing import Any

import click

from convcalc.cli.params import (
    CEIL_MODE,
    INPUT,
    OUTPUT_PADDING,
    OUTPUT_SIZE,
    SIZES,
    PaddingValue,
    geometry_options,
)
from convcalc.cli.resize_cmd import shape_resize
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


def _steps(axes: Any, explain: bool) -> list[str] | None:
    if not explain:
        return None
    from convcalc.shape.explain import explain_plan

    return explain_plan(axes)


def _print_steps(lines: list[str] | None) -> None:
    if lines:
        click.echo("\nstep by step:\n" + "\n".join(lines))


def _print_table(text: str) -> None:
    """Print a report; styles only on a terminal and never with ``NO_COLOR`` set."""
    click.echo(text, color=False if os.environ.get("NO_COLOR") else None)


@click.group()
def shape() -> None:
    """Output sizes and exact pad splits (no arrays, no NumPy).

    \b
    convcalc shape conv -i 13 -k 6 -s 5 -p same
    convcalc shape pool -i 112x112 -k 3 -s 2 -p 1 --ceil-mode
    convcalc shape deconv -i 7 -k 3 -s 2 -p 1 --output-padding 1
    convcalc shape invert -o 7 -k 3 -s 2 -p same
    convcalc shape resize -i 5 --scale 2 --mode linear --convention torch
    """


shape.add_command(shape_resize)


@shape.command()
@INPUT
@geometry_options()
@JSON_FLAG
@EXPLAIN
def conv(
    input_: Sizes,
    kernel: Sizes,
    stride: Sizes,
    dilation: Sizes,
    padding: PaddingValue,
    as_json: bool,
    explain: bool,
) -> None:
    """Convolution: output size and (before, after) pads per axis.

    \b
    convcalc shape conv -i 13 -k 6 -s 5 -p same        TF SAME: pads (1, 2), output 3
    convcalc shape conv -i 224x224 -k 7 -s 2 -p 3      PyTorch padding=3
    convcalc shape conv -i 10 -k 3 -d 2 -p causal --json
    convcalc shape conv -i 12 -k 3 -s 3 -p same --explain
    """
    from convcalc.shape.window import conv_plan

    plan = conv_plan(input_, kernel, stride=stride, dilation=dilation, padding=padding)
    steps = _steps(plan.axes, explain)
    if as_json:
        return _print_json({"op": "conv", **jsonable.window_dict(plan)}, steps)
    from convcalc.report.shape_text import window_report

    _print_table(window_report(plan, "convolution"))
    _print_steps(steps)


@shape.command()
@INPUT
@geometry_options(stride_default=None)
@CEIL_MODE
@JSON_FLAG
@EXPLAIN
def pool(
    input_: Sizes,
    kernel: Sizes,
    stride: Sizes | None,
    dilation: Sizes,
    padding: PaddingValue,
    ceil_mode: bool,
    as_json: bool,
    explain: bool,
) -> None:
    """Pooling: output size and pads; the stride defaults to the window.

    \b
    convcalc shape pool -i 112x112 -k 3 -s 2 -p 1
    convcalc shape pool -i 5 -k 2 -p 1 --ceil-mode
    """
    from convcalc.shape.window import pool_plan

    plan = pool_plan(
        input_, kernel, stride=stride, dilation=dilation, padding=padding, ceil_mode=ceil_mode
    )
    steps = _steps(plan.axes, explain)
    if as_json:
        return _print_json({"op": "pool", **jsonable.window_dict(plan)}, steps)
    from convcalc.report.shape_text import window_report

    _print_table(window_report(plan, "pooling"))
    _print_steps(steps)


@shape.command()
@INPUT
@geometry_options(padding_default="0")
@OUTPUT_PADDING
@OUTPUT_SIZE
@JSON_FLAG
@EXPLAIN
def deconv(
    input_: Sizes,
    kernel: Sizes,
    stride: Sizes,
    dilation: Sizes,
    padding: PaddingValue,
    output_padding: Sizes | None,
    output_size: Sizes | None,
    as_json: bool,
    explain: bool,
) -> None:
    """Transposed convolution: output size, crop, output_padding and reachable sizes.

    Explicit pads follow PyTorch's ConvTranspose; a mode name (same, valid, ...) follows
    TensorFlow / Keras.

    \b
    convcalc shape deconv -i 7 -k 3 -s 2 -p 1 --output-padding 1     PyTorch: 14
    convcalc shape deconv -i 7 -k 3 -s 2 -p 1 --output-size 14       which output_padding?
    convcalc shape deconv -i 4 -k 3 -s 2 -p same                     Keras default: 8
    """
    from convcalc.shape.transpose import deconv_plan

    plan = deconv_plan(
        input_,
        kernel,
        stride=stride,
        dilation=dilation,
        padding=padding,
        output_padding=output_padding,
        output_size=output_size,
    )
    steps = _steps(plan.axes, explain)
    if as_json:
        return _print_json({"op": "deconv", **jsonable.deconv_dict(plan)}, steps)
    from convcalc.report.shape_text import deconv_report

    _print_table(deconv_report(plan, "transposed convolution"))
    _print_steps(steps)


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
def invert(
    output: Sizes,
    kernel: Sizes,
    stride: Sizes,
    dilation: Sizes,
    padding: PaddingValue,
    as_json: bool,
    explain: bool,
) -> None:
    """Every conv input size that gives OUTPUT, and the output_padding that brings a
    transposed convolution back to it.

    \b
    convcalc shape invert -o 14 -k 3 -s 2 -p 1        27 or 28? output_padding 0 or 1
    convcalc shape invert -o 7x7 -k 3 -s 2 -p same --json
    """
    from convcalc.shape.invert import invert_plan

    per_axis = invert_plan(output, kernel, stride=stride, dilation=dilation, padding=padding)
    from convcalc.shape.explain import explain_invert

    steps = explain_invert(per_axis) if explain else None
    if as_json:
        return _print_json({"op": "invert", **jsonable.invert_dict(per_axis)}, steps)
    from convcalc.report.shape_text import invert_report

    _print_table(invert_report(per_axis, "inputs of the convolution"))
    _print_steps(steps)
