"""``convcalc port --from FW --to FW conv|pool|deconv``: the exact equivalent code."""

from __future__ import annotations

from typing import Any

import click

from convcalc.cli.layer_params import JSON_FLAG, emit_json, layer_kwargs, layer_options, print_rich
from convcalc.cli.port_model import PortGroup, port_model
from convcalc.cli.resize_cmd import port_resize

__all__ = ["port"]

PORTABLE = ("tf", "keras", "torch", "onnx")


def _run(op: str, params: dict[str, Any]) -> None:
    from convcalc.frameworks.layer import NAMES
    from convcalc.frameworks.port import port_layer
    from convcalc.frameworks.render import render
    from convcalc.frameworks.source import source_layer

    ctx = click.get_current_context()
    source, target = ctx.obj["from"], ctx.obj["to"]
    if source is None:
        raise click.UsageError("Missing option '--from'.", ctx)
    layer = source_layer(source, op, params["input_"], params["kernel"], **layer_kwargs(op, params))
    recipe = port_layer(layer, target)
    code = render(recipe, layer) if recipe.exact else []
    check = None
    if params["check"]:
        check = _check(layer, source, target)
    if params["as_json"]:
        from convcalc.report.network_json import port_dict

        return emit_json(port_dict(source, layer, recipe, code, check))
    from convcalc.report.network_table import port_pads_line, port_report

    pads_line = port_pads_line(layer.plan())

    title = f"{NAMES[source]} {op} → {NAMES[target]}"
    check_text = None
    if check is not None:
        if check["max_abs_diff"] is not None:
            check_text = (
                f"check: ran {NAMES[source]} and {NAMES[target]} on random data, output "
                f"{'×'.join(map(str, check['target_shape']))}, largest difference "
                f"{check['max_abs_diff']:.3g}"
            )
        else:
            check_text = f"check: not run — {check['reason']}"
    print_rich(port_report(title, recipe, code, pads_line, check_text))
    return None


def _check(layer: Any, source: str, target: str) -> dict[str, Any]:
    import importlib.util

    if importlib.util.find_spec("numpy") is None:  # pragma: no cover - numpy is a dependency
        return {"ran": False, "reason": "numpy is not installed", "max_abs_diff": None}
    from convcalc.frameworks.check import check_port

    return check_port(layer, source, target)


def _common(f: Any) -> Any:
    f = click.option(
        "--check",
        is_flag=True,
        help="Run source and target on random data (needs the frameworks installed) and "
        "print the largest difference.",
    )(f)
    return JSON_FLAG(f)


@click.group(cls=PortGroup)
@click.option(
    "--from",
    "source",
    type=click.Choice(PORTABLE),
    help="Framework the layer is written in (not needed for a model file).",
)
@click.option(
    "--to", "target", type=click.Choice(PORTABLE), required=True, help="Framework to write it in."
)
@click.pass_context
def port(ctx: click.Context, source: str, target: str) -> None:
    """Port one layer exactly between TensorFlow, Keras, PyTorch and ONNX.

    The options are read the way the source framework reads them (-p same is TF/Keras
    SAME, PyTorch padding='same' or ONNX SAME_UPPER; pads are PyTorch-style). The target
    gets its native attributes when they are exact, else an explicit pad (−inf for max
    pooling), a crop, or a sum/count average; when nothing is exact it says why.

    \b
    convcalc port --from tf --to torch conv -i 224 -k 7 -s 2 -p same     F.pad (2, 3)
    convcalc port --from tf --to torch conv -i 225 -k 7 -s 2 -p same     padding=3
    convcalc port --from tf --to torch pool -i 6x6 -k 3 -s 2 -p same --type avg
    convcalc port --from torch --to tf deconv -i 7 -k 3 -s 2 -p 1 --output-padding 1
    convcalc port --from tf --to onnx deconv -i 7 -k 3 -s 2 -p same --output-size 14 --check

    \b
    A model file audits every conv, pool and transposed conv of it (--json, --all, -i):
    convcalc port mobilenet_v2.keras --to torch       N of M layers need an explicit pad
    convcalc port resnet50.onnx --to tf -i 193x193 --json
    """
    ctx.obj = {"from": source, "to": target}


port.add_command(port_resize)


@port.command("conv")
@layer_options("conv")
@_common
def port_conv(**params: Any) -> None:
    """Port a convolution.

    \b
    convcalc port --from tf --to torch conv -i 224x224 -k 7 -s 2 -p same --check
    """
    _run("conv", params)


@port.command("pool")
@layer_options("pool")
@_common
def port_pool(**params: Any) -> None:
    """Port a max or average pool (divisor and ceil rules included).

    \b
    convcalc port --from tf --to torch pool -i 6x6 -k 3 -s 2 -p same --type avg --check
    convcalc port --from torch --to tf pool -i 5 -k 2 -s 2 -p 1 --ceil-mode
    """
    _run("pool", params)


@port.command("deconv")
@layer_options("deconv")
@_common
def port_deconv(**params: Any) -> None:
    """Port a transposed convolution (output_shape ↔ output_padding, crops).

    \b
    convcalc port --from tf --to torch deconv -i 7 -k 3 -s 2 -p same --output-size 14
    convcalc port --from torch --to onnx deconv -i 7 -k 4 -s 2 -p 1
    """
    _run("deconv", params)


port.add_command(port_model)
