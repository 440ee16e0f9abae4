"""JSON-ready dicts for ``chain MODEL`` (a model file): one record per ONNX node or Keras
layer, in graph order (pure).

>>> from convcalc.network.graph import GraphRun, LayerSpec
>>> run = GraphRun(1)
>>> x = run.input("x", (None, 3, 9), (2,))
>>> y, done = run.window(x, LayerSpec(1, "", "conv", (3,), (2,), channels=4), 1)
>>> _ = run.emit("c", "Conv", [x], [y], done, kind="conv")
>>> d = graph_dict(run.result("m", "onnx", [("x", x)]))
>>> d["layers"][0]["output"], d["layers"][0]["pads"], d["totals"]
({'shape': [None, 4, 4], 'spatial': [4], 'channels': 4}, [[0, 0]], {'params': 40, 'macs': 144})
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from convcalc.network.graph import GraphResult, GraphRow
from convcalc.report.network_json import number

__all__ = ["WINDOW_KINDS", "graph_dict", "graph_runs_dict"]

JSON = dict[str, Any]

WINDOW_KINDS = ("conv", "pool", "deconv")
"""Rows that carry ``pads``."""


def _output(r: GraphRow) -> JSON:
    return {"shape": list(r.shape), "spatial": list(r.spatial), "channels": r.channels}


def row_dict(r: GraphRow) -> JSON:
    """One node or layer."""
    data: JSON = {"name": r.name, "op": r.op, "inputs": list(r.inputs), "output": _output(r)}
    if len(r.extra):
        data["other_outputs"] = [list(s) for s in r.extra]
    if r.kind in WINDOW_KINDS and r.pads is not None:
        data["pads"] = [list(p) for p in r.pads]
    if r.window is not None and r.window.output_padding is not None:
        data["output_padding"] = list(r.window.output_padding)
    data["receptive_field"] = None if r.rf is None else list(r.rf)
    data["jump"] = None if r.jump is None else [number(j) for j in r.jump]
    data["params"] = r.params
    data["macs"] = r.macs
    if r.note:
        data["note"] = r.note
    return data


def graph_dict(result: GraphResult) -> JSON:
    """One model at one input size."""
    return {
        "model": result.name,
        "format": result.format,
        "inputs": [{"name": n, "shape": list(s)} for n, s in result.inputs],
        "output": _output(result.rows[-1]) if result.rows else None,
        "totals": {"params": result.params, "macs": result.macs},
        "layers": [row_dict(r) for r in result.rows],
    }


def graph_runs_dict(results: Sequence[GraphResult]) -> JSON:
    """Several input sizes side by side, and the layers whose pads differ between them."""
    varying = []
    for rows in zip(*(r.rows for r in results), strict=True):
        pads = [r.pads for r in rows]
        if rows[0].kind in WINDOW_KINDS and len(set(pads)) > 1:
            varying.append(
                {
                    "name": rows[0].name,
                    "pads": [None if p is None else [list(x) for x in p] for p in pads],
                    "output": [list(r.shape) for r in rows],
                }
            )
    return {
        "model": results[0].name,
        "runs": [graph_dict(r) for r in results],
        "input_dependent": varying,
    }
