"""``convcalc port MODEL --to FW``: a porting audit of every conv, pool and transposed conv
of a model file, at the input size it was evaluated at (JSON and a Rich table).

Each window is rebuilt in convcalc's own terms (:class:`~convcalc.frameworks.layer.Layer`
with the pads the model resolved) and handed to :func:`~convcalc.frameworks.port.port_layer`
— the same recipes as ``port conv|pool|deconv``. A layer is *portable* when the target's
own layer arguments reproduce it: no explicit pad before it, no crop after it, no
sum/count construction for an average pool.

>>> from convcalc.network.graph import GraphRun, LayerSpec
>>> run = GraphRun(2)
>>> x = run.input("x", (None, 224, 224, 3), (1, 2))
>>> y, done = run.window(x, LayerSpec(0, "", "conv", (3,), (2,), padding=((0, 1), (0, 1)),
...                                   channels=8), -1)
>>> _ = run.emit("Conv1", "Conv2D", [x], [y], done, kind="conv")
>>> d = audit_dict(run.result("m", "keras", [("x", x)]), "torch")
>>> d["layers"][0]["portable"], d["summary"]
(False, '1 of 1 layers need an explicit pad in torch')
>>> d["layers"][0]["code"][0]
'x = F.pad(x, (0, 1, 0, 1))  # (left, right, top, bottom)'
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from convcalc.errors import ConvcalcError
from convcalc.frameworks.layer import NAMES, make_layer
from convcalc.frameworks.port import port_layer
from convcalc.frameworks.recipe import Recipe
from convcalc.frameworks.render import render
from convcalc.network.graph import GraphResult, GraphRow, Window

__all__ = ["audit_dict", "audit_report"]

JSON = dict[str, Any]


def _layer_of(w: Window) -> Any:
    return make_layer(
        w.op,
        w.input,
        w.kernel,
        stride=w.stride,
        dilation=w.dilation,
        padding=w.pads,
        pool=w.pool,
        ceil_mode=w.ceil_mode,
        count_pad=w.count_pad,
        output_padding=w.output_padding,
    )


def _portable(recipe: Recipe) -> bool:
    needs_pad = recipe.pre_pad is not None and any(a or b for a, b in recipe.pre_pad)
    return recipe.exact and not needs_pad and recipe.crop is None and not recipe.divide_by_count


def _audit_row(r: GraphRow, target: str) -> JSON:
    w = r.window
    assert w is not None
    data: JSON = {
        "name": r.name,
        "op": r.op,
        "kind": w.op,
        "input": list(w.input),
        "kernel": list(w.kernel),
        "stride": list(w.stride),
        "pads": [list(p) for p in w.pads],
    }
    if w.pool not in ("max", "avg"):
        return {**data, "portable": None, "code": [], "notes": [f"{r.op} is not ported"]}
    try:
        layer = _layer_of(w)
        recipe = port_layer(layer, target)
    except ConvcalcError as exc:
        return {**data, "portable": False, "code": [], "notes": [str(exc)]}
    return {
        **data,
        "portable": _portable(recipe),
        "exact": recipe.exact,
        "code": render(recipe, layer),
        "notes": list(recipe.notes),
        "recipe": recipe.as_dict(),
    }


def audit_dict(result: GraphResult, target: str) -> JSON:
    """Every window of *result* ported to *target*, and the summary line."""
    rows = [_audit_row(r, target) for r in result.rows if r.window is not None]
    counted = [row for row in rows if row["portable"] is not None]
    need = sum(1 for row in counted if not row["portable"])
    return {
        "model": result.name,
        "format": result.format,
        "to": target,
        "inputs": [{"name": n, "shape": list(s)} for n, s in result.inputs],
        "layers": rows,
        "need_explicit_pad": need,
        "windows": len(counted),
        "summary": f"{need} of {len(counted)} layers need an explicit pad in {target}",
    }


def audit_report(data: JSON, show_all: bool) -> RenderableType:
    """The audit as a table (only the layers that need more than their own arguments,
    unless *show_all*), the summary line last."""
    table = Table(
        title=f"{data['model']} ({data['format']}) → {NAMES.get(data['to'], data['to'])}",
        title_justify="left",
    )
    for head in ("layer", "op", "input", "pads", "portable", f"{data['to']} spelling"):
        table.add_column(head, overflow="fold")
    for row in data["layers"]:
        if row["portable"] and not show_all:
            continue
        mark = {True: Text("yes", "green"), False: Text("no", "bold red"), None: Text("—")}
        table.add_row(
            row["name"],
            row["op"],
            "×".join(map(str, row["input"])),
            " ".join(f"({a},{b})" for a, b in row["pads"]),
            mark[row["portable"]],
            "\n".join(row["code"] or row["notes"]),
        )
    parts: list[RenderableType] = [table] if table.row_count else []
    parts.append(Text(data["summary"]))
    if not show_all and data["windows"] > data["need_explicit_pad"]:
        parts.append(Text("portable layers not shown (--all shows them)", style="dim"))
    return Group(*parts)
