"""JSON-ready dicts for ``chain``, ``compare``, ``port`` and ``solve`` (pure).

Per-axis values are lists; fractions (the jump after a transposed conv, a window centre)
become numbers (an int when whole).

>>> from convcalc.network.stack import parse_spec, run_chain
>>> d = chain_dict(run_chain(parse_spec("conv k7 s2 p3 c64"), (224, 224), 3))
>>> d["output"], d["layers"][0]["receptive_field"], d["totals"]["params"]
({'spatial': [112, 112], 'channels': 64}, [7, 7], 9472)
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from convcalc.frameworks.compare import Row
from convcalc.frameworks.layer import Layer
from convcalc.frameworks.recipe import Recipe
from convcalc.frameworks.solve import Solution
from convcalc.network.stack import ChainResult, ChainRow

__all__ = ["chain_dict", "compare_dict", "layer_dict", "port_dict", "solve_dict"]

JSON = dict[str, Any]


def number(value: Fraction) -> int | float:
    """A fraction as an int when whole, else a float."""
    return int(value) if value.denominator == 1 else float(value)


def _row(r: ChainRow) -> JSON:
    return {
        "index": r.index,
        "name": r.label,
        "text": r.text,
        "op": r.op,
        "branch": r.branch or None,
        "depth": r.depth,
        "input": {"spatial": list(r.input), "channels": r.in_channels},
        "output": {"spatial": list(r.output), "channels": r.channels},
        "pads": None if r.pads is None else [list(p) for p in r.pads],
        "output_padding": None if r.output_padding is None else list(r.output_padding),
        "receptive_field": list(r.rf),
        "jump": [number(j) for j in r.jump],
        "start": [number(s) for s in r.start],
        "effective_padding": list(r.eff_pad),
        "params": r.params,
        "macs": r.macs,
        "activations": r.activations,
        "note": r.note or None,
    }


def chain_dict(result: ChainResult, name: str | None = None) -> JSON:
    """One chain evaluation → dict."""
    last = result.rows[-1]
    return {
        "network": name,
        "input": {
            "spatial": list(result.input),
            "channels": result.channels,
            "batch": result.batch,
        },
        "output": {"spatial": list(last.output), "channels": last.channels},
        "totals": {
            "params": result.params,
            "macs": result.macs,
            "activations": result.activations,
        },
        "layers": [_row(r) for r in result.rows],
    }


def input_dependent(results: Sequence[ChainResult]) -> list[JSON]:
    """Rows whose pads differ between input sizes (TF same with stride > 1)."""
    out = []
    for rows in zip(*(r.rows for r in results), strict=True):
        pads = [r.pads for r in rows]
        outs = [r.output for r in rows]
        if len(set(pads)) > 1:
            out.append(
                {
                    "index": rows[0].index,
                    "text": rows[0].text,
                    "pads": [None if p is None else [list(x) for x in p] for p in pads],
                    "output": [list(o) for o in outs],
                }
            )
    return out


def layer_dict(layer: Layer) -> JSON:
    """The canonical layer (engine terms)."""
    plan = layer.plan()
    padding = (
        layer.padding.value
        if not isinstance(layer.padding, tuple)
        else [list(p) for p in layer.padding]
    )
    data: JSON = {
        "op": layer.op,
        "input": list(layer.input),
        "kernel": list(layer.kernel),
        "stride": list(layer.stride),
        "dilation": list(layer.dilation),
        "padding": padding,
        "pads": [list(a.pads) for a in plan.axes],
        "output": list(plan.output),
    }
    if layer.op == "pool":
        data.update(pool=layer.pool, ceil_mode=layer.ceil_mode, count_pad=layer.count_pad)
    if layer.op == "deconv":
        data["output_padding"] = [a.output_padding for a in plan.axes]  # type: ignore[union-attr]
    return data


def compare_dict(layer: Layer, rows: Sequence[Row], explain: Sequence[str] = ()) -> JSON:
    """Framework comparison → dict."""
    return {
        "layer": layer_dict(layer),
        "frameworks": [
            {
                "framework": r.framework,
                "spelling": r.spelling,
                "output": None if r.output is None else list(r.output),
                "pads": None if r.pads is None else [list(p) for p in r.pads],
                "output_padding": None if r.output_padding is None else list(r.output_padding),
                "divisor": r.divisor or None,
                "rounding": r.ceil or None,
                "verdict": r.verdict.value,
                "why": r.why,
            }
            for r in rows
        ],
        "explain": list(explain),
    }


def port_dict(
    source: str, layer: Layer, recipe: Recipe, code: Sequence[str], check: JSON | None
) -> JSON:
    """A port recipe → dict."""
    return {
        "from": source,
        "to": recipe.framework,
        "layer": layer_dict(layer),
        "recipe": recipe.as_dict(),
        "code": list(code),
        "check": check,
    }


def solve_dict(
    op: str, size: Sequence[int], target: Sequence[int], per_axis: Sequence[Sequence[Solution]]
) -> JSON:
    """Solver results → dict (one list of solutions per distinct axis)."""
    return {
        "op": op,
        "input": list(size),
        "target": list(target),
        "axes": [
            [
                {
                    "kernel": s.kernel,
                    "stride": s.stride,
                    "dilation": s.dilation,
                    "padding": s.padding if isinstance(s.padding, str) else list(s.padding),
                    "pads": list(s.pads),
                    "output_padding": s.output_padding,
                    "output": s.output,
                    "torch": s.torch,
                    "tf": s.tf,
                    "onnx": s.onnx,
                    "note": s.note or None,
                }
                for s in solutions
            ]
            for solutions in per_axis
        ],
    }
