"""``convcalc chain MODEL``: a model file (``.onnx``, ``.keras``, Keras ``.json``) run
through the shape engine at its own input size or at each ``-i``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from convcalc.cli.layer_params import console, emit_json
from convcalc.errors import SpecError

__all__ = ["MODEL_SUFFIXES", "chain_model", "keras_json"]

MODEL_SUFFIXES = (".onnx", ".keras")
"""Suffixes that always name a model file (a ``.json`` is one when it holds a Keras
config)."""


def keras_json(word: str) -> dict[str, Any] | None:
    """The Keras config in the ``.json`` file *word*, or ``None`` (a spec file, or none)."""
    path = Path(word)
    if not word.lower().endswith(".json"):
        return None
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except (OSError, ValueError):
        return None
    if b'"class_name"' not in head:
        return None
    from convcalc.network.readers.keras import is_keras_config, read_keras

    data = read_keras(path)
    return data if is_keras_config(data) else None


def chain_model(
    word: str,
    sizes: Sequence[str],
    as_json: bool,
    show_all: bool,
    keras: dict[str, Any] | None = None,
) -> None:
    """Run the model in file *word* at each of *sizes* (the file's own size if none)."""
    from convcalc.network.graph import GraphResult

    path = Path(word)
    runs: list[str | None] = list(sizes) or [None]
    results: list[GraphResult] = []
    if word.lower().endswith(".onnx"):
        from convcalc.network.readers.onnx import load_onnx, run_onnx

        model = load_onnx(path)
        results = [run_onnx(model, s, path.stem) for s in runs]
    else:
        from convcalc.network.readers.keras import read_keras, run_keras

        data = keras if keras is not None else read_keras(path)
        results = [run_keras(data, s) for s in runs]
    if not results[0].rows:
        raise SpecError(f"{path}: the model has no layers")
    if as_json:
        from convcalc.report.graph_json import graph_dict, graph_runs_dict

        emit_json(graph_dict(results[0]) if len(results) == 1 else graph_runs_dict(results))
        return
    from convcalc.report.graph_table import graph_report

    out = console()
    for r in results:
        out.print(graph_report(r, show_all))
    if len(results) > 1:
        from convcalc.report.graph_table import varying_graph_report

        out.print(varying_graph_report(results))
