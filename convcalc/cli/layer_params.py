"""Options that describe one layer, shared by ``compare``, ``port`` and ``solve``.

Every command that talks about one layer takes the same spelling as ``convcalc shape``:
``-i``, ``-k``, ``-s``, ``-d``, ``-p``; pools add ``--op`` (alias ``--type``),
``--ceil-mode`` and ``--count-include-pad/--no-count-include-pad`` (alias ``--count-pad``);
transposed convs add ``--output-padding``/``--output-size``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from convcalc.cli.params import (
    CEIL_MODE,
    INPUT,
    OUTPUT_PADDING,
    OUTPUT_SIZE,
    count_pad_option,
    geometry_options,
    pool_op_option,
)

__all__ = ["INPUT", "JSON_FLAG", "console", "emit_json", "layer_options", "print_rich"]

F = TypeVar("F", bound=Callable[..., Any])

JSON_FLAG = click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object instead of the tables."
)


def emit_json(data: dict[str, Any]) -> None:
    """Print *data* as one JSON line."""
    click.echo(json.dumps(data))


def console() -> Any:
    """A Rich console (imported here, so ``--json`` never loads Rich)."""
    from rich.console import Console

    return Console(highlight=False)


def print_rich(renderable: Any) -> None:
    """Print with Rich (imported here, so ``--json`` never loads it)."""
    console().print(renderable)


def layer_options(op: str) -> Callable[[F], F]:
    """``-i -k -s -d -p`` plus the options of *op* (``conv``, ``pool`` or ``deconv``)."""

    def decorate(f: F) -> F:
        extra: list[Callable[[F], F]] = []
        if op == "pool":
            extra += [
                pool_op_option("pool"),
                CEIL_MODE,
                count_pad_option(
                    "count_pad",
                    "[default: each framework's own: TF/ONNX exclude, PyTorch includes].",
                ),
            ]
        if op == "deconv":
            extra += [OUTPUT_PADDING, OUTPUT_SIZE]
        for option in reversed(extra):
            f = option(f)
        f = geometry_options(
            padding_default="0" if op == "deconv" else "valid",
            stride_default=None if op == "pool" else "1",
        )(f)
        return INPUT(f)

    return decorate


def layer_kwargs(op: str, params: dict[str, Any]) -> dict[str, Any]:
    """The ``make_layer``/``source_layer`` keyword arguments from a command's parameters."""
    kwargs: dict[str, Any] = {
        "stride": params.get("stride"),
        "dilation": params["dilation"],
        "padding": params["padding"],
    }
    if op == "pool":
        kwargs.update(
            pool=params["pool"], ceil_mode=params["ceil_mode"], count_pad=params["count_pad"]
        )
    if op == "deconv":
        kwargs.update(output_padding=params["output_padding"], output_size=params["output_size"])
    return kwargs
