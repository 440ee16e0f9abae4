"""``convcalc solve conv|pool|deconv -i N --to M``: parameter sets that reach a size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from convcalc.cli.layer_params import JSON_FLAG, console, emit_json, print_rich
from convcalc.cli.params import PADDING, SIZES, input_option, stack_options

__all__ = ["solve"]

F = TypeVar("F", bound=Callable[..., Any])


def _options(op: str) -> Callable[[F], F]:
    pool = [click.option("--ceil-mode", is_flag=True, help="Pool in ceil mode.")]
    return stack_options(
        input_option("Input size: 224 or 224x224."),
        click.option(
            "--to",
            "target",
            type=SIZES,
            required=True,
            metavar="SIZES",
            help="Wanted output size.",
        ),
        click.option("-k", "--kernel", type=SIZES, help="Fix the kernel (else 1..--max-kernel)."),
        click.option("-s", "--stride", type=SIZES, help="Fix the stride (else 1..--max-stride)."),
        click.option(
            "-d", "--dilation", type=SIZES, help="Fix the dilation (else 1..--max-dilation)."
        ),
        click.option(
            "-p",
            "--padding",
            type=PADDING,
            help="Fix the padding (a mode or pads); else modes and pads are tried.",
        ),
        click.option("--max-kernel", type=click.IntRange(1, 64), default=7, show_default=True),
        click.option("--max-stride", type=click.IntRange(1, 64), default=4, show_default=True),
        click.option("--max-dilation", type=click.IntRange(1, 16), default=1, show_default=True),
        click.option(
            "--limit",
            type=click.IntRange(1, 1000),
            default=12,
            show_default=True,
            help="Show at most this many solutions per axis (1 to 1000).",
        ),
        *(pool if op == "pool" else []),
        JSON_FLAG,
    )


def _run(op: str, params: dict[str, Any]) -> None:
    from convcalc.errors import SpecError

    size, target = params["input_"], params["target"]
    if len(size) != len(target):
        raise SpecError(f"--to has {len(target)} values but -i has {len(size)}")
    per_axis, names = _solve_axes(op, params)
    if params["as_json"]:
        from convcalc.report.network_json import solve_dict

        return emit_json(solve_dict(op, size, target, per_axis))
    _print(op, size, target, per_axis, names)
    return None


def _axis_values(params: dict[str, Any], name: str, maximum: int, a: int) -> list[int]:
    """The values of --kernel/--stride/--dilation tried on axis *a* (1..*maximum* if unset)."""
    from convcalc.errors import SpecError

    value, ndim = params[name], len(params["input_"])
    if value is None:
        return list(range(1, maximum + 1))
    if len(value) not in (1, ndim):
        raise SpecError(f"--{name} has {len(value)} values but -i has {ndim}")
    return [value[a] if len(value) == ndim else value[0]]


def _axis_padding(params: dict[str, Any], a: int) -> list[Any] | None:
    """The padding fixed on axis *a* (a mode or one pair), or ``None``: search them."""
    from convcalc.errors import SpecError
    from convcalc.shape import Padding

    value, ndim = params["padding"], len(params["input_"])
    if value is None:
        return None
    if isinstance(value, Padding):
        return [value]
    entries = list(value) * ndim if len(value) == 1 else list(value)
    if len(entries) != ndim:
        raise SpecError(f"--padding has {len(entries)} entries but -i has {ndim}")
    entry = entries[a]
    return [entry if isinstance(entry, tuple) else (entry, entry)]


def _solve_axes(op: str, params: dict[str, Any]) -> tuple[list[Any], list[str]]:
    """The ranked solutions of each distinct axis, and the axis names for the titles."""
    from convcalc.errors import ConvcalcError

    size, target = params["input_"], params["target"]
    ndim = len(size)
    keys, per_axis, names = [], [], []
    same = len(set(size)) == 1 and len(set(target)) == 1
    for a in range(ndim):
        fixed = (
            tuple(_axis_values(params, n, 1, a)) if params[n] else ()
            for n in ("kernel", "stride", "dilation")
        )
        key = (size[a], target[a], *fixed)
        if key in keys:
            continue
        keys.append(key)
        name = "" if ndim == 1 or same else f" (axis {a})"
        try:
            per_axis.append(_solve_one(op, params, a))
        except ConvcalcError as exc:
            if not name:
                raise
            raise type(exc)(f"axis {a}: {exc}") from None
        names.append(name)
    return per_axis, names


def _solve_one(op: str, params: dict[str, Any], a: int) -> list[Any]:
    from convcalc.frameworks.solve import solve_axis

    return solve_axis(
        op,
        params["input_"][a],
        params["target"][a],
        kernels=_axis_values(params, "kernel", params["max_kernel"], a),
        strides=_axis_values(params, "stride", params["max_stride"], a),
        dilations=_axis_values(params, "dilation", params["max_dilation"], a),
        paddings=_axis_padding(params, a),
        ceil_mode=params.get("ceil_mode", False),
        limit=params["limit"],
    )


def _print(op: str, size: Any, target: Any, per_axis: list[Any], names: list[str]) -> None:
    from convcalc.report.network_table import solve_report

    title = (
        f"{op}: {size[0]} → {target[0]}"
        if len(set(size)) == 1 and len(set(target)) == 1
        else f"{op}: {'×'.join(map(str, size))} → {'×'.join(map(str, target))}"
    )
    out = console()
    out.print(solve_report(title, per_axis, op == "deconv", names, out.width))
    if op == "deconv" and any(per_axis):
        from rich.text import Text

        print_rich(
            Text(
                "kept cells: (before, after) cropped from the full (in − 1)·s + k_eff result; a "
                "negative 'after' means zero cells appended. Equal sizes with different kept cells "
                "are shifted copies of each other.",
                style="dim",
            )
        )


@click.group()
def solve() -> None:
    """Which kernel, stride, padding, dilation (and output_padding) reach a size.

    Fix what you know; everything else is searched over small ranges. Solutions are
    ranked simplest first and spelled for PyTorch, TensorFlow/Keras and ONNX.

    \b
    convcalc solve conv -i 224 --to 112 -k 7 -s 2          which padding?
    convcalc solve deconv -i 7 --to 14 -k 3 -s 2           padding 1 + output_padding 1, or TF same
    convcalc solve deconv -i 7 --to 14                     every kernel/stride/padding
    convcalc solve pool -i 112 --to 56 --json
    """


@solve.command("conv")
@_options("conv")
def solve_conv(**params: Any) -> None:
    """Convolutions that take -i to --to.

    \b
    convcalc solve conv -i 224 --to 112 -k 7 -s 2
    convcalc solve conv -i 224x224 --to 112x112 --max-kernel 5
    """
    _run("conv", params)


@solve.command("pool")
@_options("pool")
def solve_pool(**params: Any) -> None:
    """Pools that take -i to --to.

    \b
    convcalc solve pool -i 112 --to 56 -k 3
    """
    _run("pool", params)


@solve.command("deconv")
@_options("deconv")
def solve_deconv(**params: Any) -> None:
    """Transposed convolutions that take -i to --to (PyTorch padding + output_padding,
    TensorFlow/Keras modes with output_shape).

    \b
    convcalc solve deconv -i 7 --to 14 -k 3 -s 2
    convcalc solve deconv -i 7 --to 14 --json
    """
    _run("deconv", params)
