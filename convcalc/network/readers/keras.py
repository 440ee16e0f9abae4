"""Keras model files — ``.keras`` (a zip; its ``config.json``) or ``model.to_json()`` —
read with the standard library and run through the shape engine (never imports Keras).

Sequential and Functional models (Keras 3 and the Keras 2 ``{"class_name": "Model", ...}``
form), nested models inlined, one row per layer call.

>>> cfg = {"class_name": "Sequential", "config": {"name": "s", "layers": [
...     {"class_name": "InputLayer", "config": {"batch_shape": [None, 9, 9, 3], "name": "in"}},
...     {"class_name": "Conv2D", "config": {"name": "c", "filters": 4, "kernel_size": 3,
...      "strides": 2, "padding": "same"}}]}}
>>> r = run_keras(cfg, None)
>>> [(row.name, row.shape, row.pads) for row in r.rows]
[('in', (None, 9, 9, 3), None), ('c', (None, 5, 5, 4), ((1, 1), (1, 1)))]
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from convcalc.errors import ConvcalcError, SpecError
from convcalc.network.graph import GraphResult, GraphRun, Value
from convcalc.network.readers.inputs import bind_input
from convcalc.network.readers.keras_layers import LAYERS

__all__ = ["MODEL_CLASSES", "is_keras_config", "read_keras", "run_keras"]

MODEL_CLASSES = ("Functional", "Model", "Sequential")
MAX_CONFIG_BYTES = 256 * 2**20
"""Largest ``config.json`` convcalc reads."""

Key = tuple[str, int, int]


def is_keras_config(data: Any) -> bool:
    """A ``model.to_json()`` object (Keras 2 or 3)."""
    return (
        isinstance(data, dict)
        and data.get("class_name") in MODEL_CLASSES
        and isinstance(data.get("config"), dict)
    )


def read_keras(path: Path) -> dict[str, Any]:
    """The model config of a ``.keras`` zip or a ``.json`` file (one-line errors)."""
    try:
        if path.suffix.lower() == ".keras":
            with zipfile.ZipFile(path) as archive:
                try:
                    info = archive.getinfo("config.json")
                except KeyError:
                    msg = f"{path}: a zip without config.json, not a .keras model"
                    raise SpecError(msg) from None
                if info.file_size > MAX_CONFIG_BYTES:
                    raise SpecError(f"{path}: config.json is larger than convcalc reads")
                raw = archive.read(info)
        else:
            with path.open("rb") as handle:
                raw = handle.read(MAX_CONFIG_BYTES + 1)
            if len(raw) > MAX_CONFIG_BYTES:
                raise SpecError(f"{path}: larger than convcalc reads ({MAX_CONFIG_BYTES} bytes)")
        data = json.loads(raw.decode("utf-8"))
    except ConvcalcError:
        raise
    except FileNotFoundError:
        raise SpecError(f"{path}: no such model file") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise SpecError(f"{path}: not a .keras file (not a readable zip)") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError):
        raise SpecError(f"{path}: its model config is not JSON") from None
    except OSError as exc:
        raise SpecError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if not is_keras_config(data):
        raise SpecError(
            f"{path}: not a Keras model config (no class_name Functional, Model or Sequential)"
        )
    return data  # type: ignore[no-any-return]


def run_keras(data: dict[str, Any], size: str | None, name: str = "") -> GraphResult:
    """Every layer's output at the input *size* (``-i``; the file's when ``None``)."""
    cfg = data["config"]
    inputs = _input_layers(data)
    first = inputs[0][1]
    channels_first = '"channels_first"' in json.dumps(cfg)
    ndim = max(len(first) - 2, 1)
    run = GraphRun(ndim)
    bound: list[tuple[str, Value]] = []
    for layer_name, shape in inputs:
        full, axes = bind_input(layer_name, shape, size, ndim, channels_first)
        bound.append((layer_name, run.input(layer_name, full, axes)))
    run.batch = next((v.shape[0] for _, v in bound if v.shape[0]), 1) or 1
    walker = _Walker(run)
    walker.model(data, [v for _, v in bound], "")
    return run.result(name or str(cfg.get("name", "model")), "keras", bound)


def _layer_name(layer: dict[str, Any]) -> str:
    cfg = layer.get("config") if isinstance(layer.get("config"), dict) else {}
    return str(layer.get("name") or (cfg or {}).get("name") or layer.get("class_name"))


def _input_layers(data: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """(name, batch shape) of the model's inputs, from InputLayer or the first layer."""
    cfg = data["config"]
    layers = cfg.get("layers")
    if not isinstance(layers, list) or not layers:
        raise SpecError("the model config has no layers")
    found = []
    for layer in layers:
        lc = layer.get("config") if isinstance(layer, dict) else None
        if not isinstance(lc, dict):
            raise SpecError("a layer of the model config is not an object with a config")
        if layer.get("class_name") == "InputLayer":
            found.append((_layer_name(layer), _batch_shape(lc)))
        elif (
            layer.get("class_name") in MODEL_CLASSES
            and not found
            and data.get("class_name") == "Sequential"
        ):
            found.extend(_input_layers(layer))
    if found:
        return found
    head = layers[0]["config"]
    shape = head.get("batch_input_shape") or cfg.get("build_input_shape")
    if shape is None:
        raise SpecError("the model config names no input shape (no InputLayer)")
    return [(_layer_name(layers[0]) + "_input", list(shape))]


def _batch_shape(cfg: dict[str, Any]) -> list[Any]:
    shape = cfg.get("batch_shape") or cfg.get("batch_input_shape")
    if shape is None and cfg.get("shape") is not None:
        shape = [None, *cfg["shape"]]
    if not isinstance(shape, list) or len(shape) < 2:
        raise SpecError(f"InputLayer {cfg.get('name')!r} has no batch shape")
    return shape


class _Walker:
    """Calls the layers of a (nested) model in graph order."""

    def __init__(self, run: GraphRun) -> None:
        self.run = run
        self.calls = 0

    def model(self, data: dict[str, Any], ins: list[Value], prefix: str) -> list[Value]:
        cfg = data["config"]
        if data["class_name"] == "Sequential":
            return self._sequential(cfg["layers"], ins)
        return self._functional(cfg, ins)

    def _sequential(self, layers: list[Any], ins: list[Value]) -> list[Value]:
        x = ins
        for layer in layers:
            if layer.get("class_name") == "InputLayer":
                x = self.call(layer, x, input_layer=True)
            else:
                x = self.call(layer, x)
        return x

    def _functional(self, cfg: dict[str, Any], ins: list[Value]) -> list[Value]:
        tensors: dict[Key, Value] = {}
        given = cfg.get("input_layers") or []
        if given and isinstance(given[0], str):  # one input written flat: [name, 0, 0]
            given = [given]
        names = [str(n[0]) for n in given if isinstance(n, list) and n]
        pending: list[tuple[dict[str, Any], int, list[Key]]] = []
        for layer in cfg["layers"]:
            nodes = layer.get("inbound_nodes") or []
            if layer.get("class_name") == "InputLayer":
                name = _layer_name(layer)
                at = names.index(name) if name in names else len(tensors)
                if at >= len(ins):
                    raise SpecError(f"input layer {name!r} has no input")
                tensors[(name, 0, 0)] = self.call(layer, [ins[at]], input_layer=True)[0]
            for i, node in enumerate(nodes):
                pending.append((layer, i, list(_history(node))))
        while pending:
            ready = [p for p in pending if all(k in tensors for k in p[2])]
            if not ready:
                missing = next(k for k in pending[0][2] if k not in tensors)
                raise SpecError(
                    f"layer {_layer_name(pending[0][0])!r} reads {missing[0]!r}, "
                    "which no layer produces"
                )
            for layer, i, keys in ready:
                outs = self.call(layer, [tensors[k] for k in keys])
                for j, v in enumerate(outs):
                    tensors[(_layer_name(layer), i, j)] = v
            pending = [p for p in pending if not any(p is r for r in ready)]
        outputs = cfg.get("output_layers") or []
        if outputs and isinstance(outputs[0], str):
            outputs = [outputs]
        return [
            tensors[(str(o[0]), int(o[1]), int(o[2]))]
            for o in outputs
            if (str(o[0]), int(o[1]), int(o[2])) in tensors
        ]

    def call(self, layer: Any, ins: list[Value], input_layer: bool = False) -> list[Value]:
        """One layer call (a nested model's layers are inlined)."""
        if not isinstance(layer, dict) or not isinstance(layer.get("config"), dict):
            raise SpecError("a layer of the model config is not an object with a config")
        cls, name = str(layer.get("class_name")), _layer_name(layer)
        self.calls += 1
        if cls in MODEL_CLASSES:
            return self.model(layer, ins, name + "/")
        if not ins:
            raise SpecError(f"layer {name!r} ({cls}) has no input")
        if input_layer:
            self.run.emit(name, cls, [], ins)
            return [Value(v.shape, v.axes, v.node, v.const, name) for v in ins]
        fn = LAYERS.get(cls)
        if fn is None:
            raise SpecError(f"layer {name!r}: unknown Keras layer class {cls!r}")
        try:
            out = fn(self.run, layer["config"], ins)
            values = [Value(v.shape, v.axes, v.node, v.const, name) for v in out.values]
            self.run.emit(
                name, cls, ins, values, out.done, kind=out.kind, params=out.params, macs=out.macs
            )
        except ConvcalcError as exc:
            raise type(exc)(f"layer {name!r} ({cls}): {exc}") from None
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise SpecError(f"layer {name!r} ({cls}): unreadable config ({exc!r})") from None
        return values


def _history(node: Any) -> Iterator[Key]:
    """The (layer, node, tensor) keys a Keras 2 or 3 inbound node reads, in order."""
    if isinstance(node, dict):
        if node.get("class_name") == "__keras_tensor__":
            h = node["config"]["keras_history"]
            yield (str(h[0]), int(h[1]), int(h[2]))
            return
        for key in ("args", "kwargs"):
            if key in node:
                yield from _history(node[key])
        if "args" not in node:
            for value in node.values():
                yield from _history(value)
    elif isinstance(node, list):
        if len(node) >= 3 and isinstance(node[0], str) and isinstance(node[1], int):
            yield (node[0], node[1], int(node[2]))  # Keras 2: [name, node, tensor, kwargs]
            return
        for item in node:
            yield from _history(item)
