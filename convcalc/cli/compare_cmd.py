"""``convcalc compare conv|pool|deconv``: one layer under every framework's convention."""

from __future__ import annotations

from typing import Any

import click

from convcalc.cli.layer_params import JSON_FLAG, console, emit_json, layer_kwargs, layer_options
from convcalc.cli.resize_cmd import compare_resize

__all__ = ["compare"]

FRAMEWORK_LIST = "tf,keras,torch,onnx,jax,scipy,caffe"


def _run(op: str, params: dict[str, Any]) -> None:
    from convcalc.frameworks.compare import compare_layer
    from convcalc.frameworks.layer import FRAMEWORKS, make_layer, same_pads_at
    from convcalc.shape import Padding
    from convcalc.shape.explain import explain_plan

    wanted = [f.strip() for f in params["frameworks"].split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FRAMEWORKS]
    if unknown:
        raise click.BadParameter(
            f"unknown framework {unknown[0]!r}; choose from {FRAMEWORK_LIST}",
            param_hint="--frameworks",
        )
    layer = make_layer(op, params["input_"], params["kernel"], **layer_kwargs(op, params))
    rows = compare_layer(layer, wanted)
    plan = layer.plan()
    explain = explain_plan(plan.axes) if params["explain"] else []
    notes = []
    if layer.padding is Padding.SAME and op != "deconv" and any(s > 1 for s in layer.stride):
        bigger = tuple(n + 1 for n in layer.input)
        notes.append(
            f"SAME with stride > 1 depends on the input size: at {'×'.join(map(str, bigger))} "
            f"the pads are {', '.join(map(str, same_pads_at(layer, bigger)))}."
        )
    if any(r.verdict.value != "exact" for r in rows):
        notes.append("convcalc port --from <fw> --to <fw> … prints an exact construction.")
    if params["as_json"]:
        from convcalc.report.network_json import compare_dict

        data = compare_dict(layer, rows, explain)
        data["notes"] = notes
        return emit_json(data)
    from convcalc.report.network_table import compare_report

    pads = ", ".join(f"({a}, {b})" for a, b in plan.pads)
    title = (
        f"{op} · input {'×'.join(map(str, layer.input))} · kernel {_v(layer.kernel)} · "
        f"stride {_v(layer.stride)}"
        + (f" · dilation {_v(layer.dilation)}" if any(d > 1 for d in layer.dilation) else "")
        + f" · padding {_padding(params['padding'])} → output "
        f"{'×'.join(map(str, plan.output))}, {'crop' if op == 'deconv' else 'pads'} {pads}"
    )
    out = console()
    out.print(compare_report(layer, rows, title, explain, notes, out.width))
    return None


def _v(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "×".join(map(str, values))


def _padding(value: Any) -> str:
    from convcalc.shape import Padding

    if isinstance(value, Padding):
        return value.value
    return "x".join(str(v) if isinstance(v, int) else f"{v[0]}:{v[1]}" for v in value)


def _common(f: Any) -> Any:
    f = click.option(
        "--frameworks",
        default=FRAMEWORK_LIST,
        show_default=True,
        help="Comma-separated subset to show.",
    )(f)
    f = click.option("--explain", is_flag=True, help="Add the engine's arithmetic, step by step.")(
        f
    )
    return JSON_FLAG(f)


@click.group()
def compare() -> None:
    """One layer under every framework's convention, side by side.

    The layer is given in convcalc's terms (same = TensorFlow SAME, explicit pads = PyTorch
    padding); each framework's usual spelling is then planned and judged: exact, shifted
    (same size, windows moved), another size, another divisor, or not expressible.

    \b
    convcalc compare conv -i 6 -k 3 -s 2 -p same
    convcalc compare pool -i 6 -k 3 -s 2 -p same --type avg
    convcalc compare deconv -i 7 -k 3 -s 2 -p same --json
    """


compare.add_command(compare_resize)


@compare.command("conv")
@layer_options("conv")
@_common
def compare_conv(**params: Any) -> None:
    """Convolution under TF, Keras, PyTorch, ONNX, JAX, SciPy and Caffe.

    \b
    convcalc compare conv -i 6 -k 3 -s 2 -p same     TF (0, 1) vs PyTorch padding=1 (1, 1)
    convcalc compare conv -i 8 -k 4 -p same          even kernel: where the odd pad goes
    """
    _run("conv", params)


@compare.command("pool")
@layer_options("pool")
@_common
def compare_pool(**params: Any) -> None:
    """Pooling: output size, pads, ceil rounding and the average divisor per framework.

    \b
    convcalc compare pool -i 6 -k 3 -s 2 -p same --type avg
    convcalc compare pool -i 112 -k 3 -s 2 -p 1
    """
    _run("pool", params)


@compare.command("deconv")
@layer_options("deconv")
@_common
def compare_deconv(**params: Any) -> None:
    """Transposed convolution: output size and which cells of the full result each
    framework keeps (a named mode = TensorFlow/Keras, explicit pads = PyTorch).

    \b
    convcalc compare deconv -i 7 -k 3 -s 2 -p same
    convcalc compare deconv -i 7 -k 3 -s 2 -p 1 --output-padding 1
    """
    _run("deconv", params)
