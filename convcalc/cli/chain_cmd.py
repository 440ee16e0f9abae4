"""``convcalc chain``: a whole layer stack — shapes, pads, receptive field, parameters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from convcalc.cli.layer_params import JSON_FLAG, console, emit_json, print_rich
from convcalc.errors import SpecError
from convcalc.network.spec import MAX_SPEC_CHARS

if TYPE_CHECKING:
    from convcalc.network.stack import ChainResult

__all__ = ["chain", "load_spec"]


SPEC_FILE_SUFFIXES = (".txt", ".spec", ".json", ".yaml", ".yml")
"""A spec argument ending in one of these is a spec file (read, or an error if it is
missing); any other word is a file only when such a file exists, else it is the layers."""

MODEL_FILE_SUFFIXES = (".h5", ".pt", ".pth", ".pb", ".tflite")
"""Model files convcalc does not read (yet): one ``Error:`` line says so (``.onnx``,
``.keras`` and Keras ``.json`` configs are read by :mod:`convcalc.cli.chain_model`)."""


def load_spec(words: tuple[str, ...]) -> tuple[str, str | None, str | None, int | None]:
    """(spec text, built-in name, default input, dims) from the command's words: a file
    (JSON, or text with one layer per line), a built-in name, or the spec itself."""
    from convcalc.network.zoo import BUILTINS

    text = " ".join(words).strip()
    if len(words) == 1 and _names_a_file(words[0]):
        return _from_file(Path(words[0]))
    if text.lower() in BUILTINS:
        b = BUILTINS[text.lower()]
        return b.spec, b.name, b.input, None
    return text, None, None, None


def _names_a_file(word: str) -> bool:
    """A spec-file suffix, or an existing file (a long spec is never tried as a path)."""
    if word.lower().endswith(SPEC_FILE_SUFFIXES + MODEL_FILE_SUFFIXES):
        return True
    try:
        return Path(word).is_file()
    except (OSError, ValueError):  # name too long, embedded NUL...
        return False


def _from_file(path: Path) -> tuple[str, str | None, str | None, int | None]:
    suffix = path.suffix.lower()
    if suffix in MODEL_FILE_SUFFIXES:
        raise SpecError(
            f"{path}: convcalc does not read model files yet; write the layers as a spec "
            "(convcalc chain --help)"
        )
    if suffix in (".yaml", ".yml"):
        raise SpecError(
            f"{path}: YAML is not supported (no YAML parser among convcalc's dependencies); "
            "use JSON, or a text file with one layer per line"
        )
    raw = _read_text(path)
    if suffix == ".json" or raw.lstrip()[:1] in "[{":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SpecError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        except (ValueError, RecursionError) as exc:  # 5000-digit numbers, deep nesting
            raise SpecError(f"{path}: not a JSON spec convcalc reads ({exc})") from None
        try:
            return _from_json(data, str(path))
        except RecursionError:
            raise SpecError(f"{path}: layers nested too deeply") from None
    return raw, path.name, None, None


def _read_text(path: Path) -> str:
    """The file's text (UTF-8, at most ``MAX_SPEC_CHARS``); every failure is one line."""
    try:
        with path.open(encoding="utf-8") as handle:
            raw = handle.read(MAX_SPEC_CHARS + 1)
    except FileNotFoundError:
        raise SpecError(f"{path}: no such spec file") from None
    except UnicodeDecodeError:
        raise SpecError(f"{path}: not a text spec (not UTF-8)") from None
    except OSError as exc:
        raise SpecError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if len(raw) > MAX_SPEC_CHARS:
        raise SpecError(f"{path}: longer than convcalc reads (limit {MAX_SPEC_CHARS} characters)")
    return raw


def _from_json(data: Any, where: str) -> tuple[str, str | None, str | None, int | None]:
    if isinstance(data, list):
        data = {"layers": data}
    if not isinstance(data, dict) or "layers" not in data:
        raise SpecError(f"{where}: expected a list of layers or an object with 'layers'")
    layers = data["layers"]
    if isinstance(layers, str):
        spec = layers
    elif isinstance(layers, list):
        spec = ", ".join(
            _layer_text(item, f"{where}: layers[{i}]") for i, item in enumerate(layers)
        )
    else:
        raise SpecError(f"{where}: 'layers' must be a list or a string")
    dims = data.get("dims")
    if dims is not None and not isinstance(dims, int):
        raise SpecError(f"{where}: 'dims' must be an integer")
    name = data.get("name")
    inp = data.get("input")
    return (
        spec,
        name if isinstance(name, str) else None,
        inp if isinstance(inp, str) else None,
        dims,
    )


_KEYS = {
    "kernel": "k",
    "stride": "s",
    "dilation": "d",
    "channels": "c",
    "groups": "g",
    "output_padding": "op",
    "output_size": "o",
    "factor": "f",
}


def _layer_text(item: Any, where: str) -> str:
    """A JSON layer object → the inline spelling (one parser for both forms)."""
    if isinstance(item, str):
        return item
    if not isinstance(item, dict) or "op" not in item:
        raise SpecError(f"{where}: a layer is a string or an object with 'op'")
    op = str(item["op"])
    if op in ("res", "residual"):
        body = ", ".join(_layer_text(x, f"{where}.body") for x in item.get("body", []))
        short = ", ".join(_layer_text(x, f"{where}.shortcut") for x in item.get("shortcut", []))
        text = f"res[{body}{' | ' + short if short else ''}]"
    else:
        parts = [op]
        if "pool" in item:
            parts.append(str(item["pool"]))
        if "ref" in item:
            parts.append(str(item["ref"]))
        for key, prefix in _KEYS.items():
            if key in item:
                value = item[key]
                values = value if isinstance(value, list) else [value]
                parts.append(prefix + "x".join(str(v) for v in values))
        if "padding" in item:
            parts.append(_padding_text(item["padding"], where))
        if "mode" in item:  # upsample: nearest, linear, cubic, ...
            parts.append(str(item["mode"]))
        for flag in ("bn", "ceil", "crop", "dw", "align"):
            if item.get(flag):
                parts.append(flag)
        if item.get("bias") is False:
            parts.append("nobias")
        text = " ".join(parts)
    if "repeat" in item:
        text += f" x{item['repeat']}"
    if "name" in item:
        text += f" @{item['name']}"
    return text


def _padding_text(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"p{value}"
    if isinstance(value, list):
        parts = []
        for entry in value:
            if isinstance(entry, int):
                parts.append(str(entry))
            elif isinstance(entry, list) and len(entry) == 2:
                parts.append(f"{entry[0]}:{entry[1]}")
            else:
                raise SpecError(f"{where}: bad padding entry {entry!r}")
        return "p" + "x".join(parts)
    raise SpecError(f"{where}: bad padding {value!r}")


def _builtins_help() -> str:
    from convcalc.network.zoo import BUILTINS

    return "\n".join(f"  {b.name:<12} {b.input:<10} {b.description}" for b in BUILTINS.values())


@click.command()
@click.argument("spec", nargs=-1)
@click.option(
    "-i",
    "--input",
    "--input-size",
    "inputs",
    multiple=True,
    metavar="SHAPE",
    help="Input: spatial sizes then channels, e.g. 224x224x3 (8x224x224x3 adds a batch). "
    "Repeat to compare input sizes (TF same with stride > 1 pads differently).",
)
@click.option("--dims", type=click.IntRange(1, 3), help="Spatial axes (default 2).")
@click.option("--channels-first", is_flag=True, help="Read -i as CxHxW (NxCxHxW).")
@click.option("--list", "list_builtins", is_flag=True, help="List the built-in networks.")
@click.option("--all", "show_all", is_flag=True, help="Model files: show every layer in the table.")
@JSON_FLAG
def chain(
    spec: tuple[str, ...],
    inputs: tuple[str, ...],
    dims: int | None,
    channels_first: bool,
    list_builtins: bool,
    show_all: bool,
    as_json: bool,
) -> None:
    """Run a stack of layers: per layer the output shape, pads, receptive field (RF), jump,
    start, parameters, MACs and activation size; totals at the bottom.

    SPEC is a built-in name (resnet18, resnet-stem, vgg16, unet; see --list), a JSON file,
    a text file with one layer per line, or the layers themselves. It may also be a model
    file: .onnx, a Keras .keras or model.to_json() file; -i then gives the input's spatial
    size (224x224) or its full shape batch first (1x224x224x3).

    \b
    convcalc chain -i 224x224x3 resnet18
    convcalc chain -i 224x224x3 resnet18 --json
    convcalc chain -i 64x64x3 "conv k7 s2 p3 c64, pool max k3 s2 p1, conv k3 p1 c64 x2"
    convcalc chain -i 224x224x3 -i 225x225x3 "conv k7 s2 same c32, pool max k3 s2 same"
    convcalc chain unet                       (uses the network's own input, 572x572x1)
    convcalc chain -i 225x225 mobilenet_v2.keras --json

    \b
    Layer words: conv, deconv, pool max|avg, gap, adaptive avg o7, flatten, fc N, bn,
    upsample f2, res[body | shortcut], add NAME, cat NAME [crop], relu/dropout (no-ops).
    Tokens: k3 (k3x5), s2, d2, p1 (p1x2, p1:2, same, valid, same-lower, full, causal),
    c64, g4, dw, nobias, bn, ceil, op1, o14, f2, x2 (repeat), @name (label).
    upsample also: f1.5, o8x6, nearest|nearest-exact|linear|cubic|area, align
    (sizes as PyTorch's F.interpolate), e.g. upsample f2 linear align.
    """
    if list_builtins or not spec:
        return _list_builtins(as_json, hint=not spec and not list_builtins)
    if len(spec) == 1:
        from convcalc.cli.chain_model import MODEL_SUFFIXES, chain_model, keras_json

        keras = keras_json(spec[0])
        if keras is not None or spec[0].lower().endswith(MODEL_SUFFIXES):
            if dims or channels_first:
                raise click.UsageError("--dims and --channels-first are for layer specs")
            return chain_model(spec[0], inputs, as_json, show_all, keras)
    return _chain_spec(spec, inputs, dims, channels_first, as_json)


def _chain_spec(
    spec: tuple[str, ...],
    inputs: tuple[str, ...],
    dims: int | None,
    channels_first: bool,
    as_json: bool,
) -> None:
    """A layer spec (built-in name, spec file or the layers typed) at each input size."""
    from convcalc.network.stack import parse_input, parse_spec, run_chain

    text, name, default_input, file_dims = load_spec(spec)
    layers = parse_spec(text)
    ndim = dims or file_dims or 2
    shapes = inputs or ((default_input,) if default_input else ())
    if not shapes:
        raise click.UsageError("give the input shape with -i, e.g. -i 224x224x3")
    results = []
    for shape_text in shapes:
        spatial, channels, batch = parse_input(shape_text, ndim, channels_first)
        results.append(run_chain(layers, spatial, channels, batch))
    if as_json:
        return _print_json(results, name)
    from convcalc.report.network_table import chain_report, varying_report

    out = console()
    for r in results:
        label = name or "network"
        out.print(chain_report(r, f"{label} on {'×'.join(map(str, r.input))}", out.width))
    if len(results) > 1:
        print_rich(varying_report(results))
    return None


def _list_builtins(as_json: bool, hint: bool) -> None:
    """``--list`` (or no spec at all): the built-in networks, with a *hint* how to go on."""
    from convcalc.network.zoo import BUILTINS

    if as_json:
        builtins = [
            {"name": b.name, "input": b.input, "description": b.description, "spec": b.spec}
            for b in BUILTINS.values()
        ]
        return emit_json({"builtins": builtins})
    click.echo("Built-in networks:\n" + _builtins_help())
    if hint:
        click.echo("\nGive one by name, a spec file or the layers: convcalc chain --help")
    return None


def _print_json(results: list[ChainResult], name: str | None) -> None:
    from convcalc.report.network_json import chain_dict, input_dependent

    if len(results) == 1:
        return emit_json(chain_dict(results[0], name))
    return emit_json(
        {
            "network": name,
            "runs": [chain_dict(r, name) for r in results],
            "input_dependent": input_dependent(results),
        }
    )
