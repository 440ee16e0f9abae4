"""Rich tables for ``chain MODEL``: one row per node or layer; layers that change nothing
but values (activations, normalisation, elementwise joins) fold away unless ``--all``."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from convcalc.network.graph import GraphResult, GraphRow
from convcalc.report.graph_json import WINDOW_KINDS
from convcalc.report.network_table import _axes, _big, _count, _frac, _pads

__all__ = ["graph_report", "shown_rows", "varying_graph_report"]


def shown_rows(result: GraphResult, show_all: bool) -> list[GraphRow]:
    """Rows worth a line: every one with *show_all*, else those that change the shape, the
    windows, weights and the last row (not the nodes that only compute weights or shapes).

    >>> from convcalc.network.graph import GraphRun
    >>> run = GraphRun(1)
    >>> x = run.input("x", (1, 2, 5), (2,))
    >>> _ = run.emit("act", "Relu", [x], [run.same(x)])
    >>> _ = run.emit("act2", "Relu", [x], [run.same(x)])
    >>> [r.name for r in shown_rows(run.result("m", "onnx", [("x", x)]), False)]
    ['act2']
    """
    shapes = {n: s for n, s in result.inputs}
    keep = []
    for i, r in enumerate(result.rows):
        before = shapes.get(r.inputs[0]) if r.inputs else None
        shapes[r.name] = r.shape
        changes = not r.constant and (before is None or before != r.shape or r.kind or r.params)
        if show_all or changes or i == len(result.rows) - 1:
            keep.append(r)
    return keep


def _shape(shape: Sequence[int | None]) -> str:
    return "×".join("N" if d is None else str(d) for d in shape) or "scalar"


def graph_report(result: GraphResult, show_all: bool) -> RenderableType:
    """The table, totals, and how many rows were folded away."""
    rows = shown_rows(result, show_all)
    table = Table(title=f"{result.name} ({result.format})", title_justify="left")
    for head in ("layer", "op", "output", "pads", "RF", "jump", "params", "MACs"):
        left = head in ("layer", "op", "output")
        table.add_column(head, justify="left" if left else "right", overflow="fold")
    for r in rows:
        name = Text(r.name)
        if r.kind in WINDOW_KINDS:
            name.stylize("bold")
        table.add_row(
            name,
            r.op,
            _shape(r.shape),
            _pads(r.pads) if r.kind in WINDOW_KINDS else "",
            "" if r.rf is None else _axes(r.rf),
            "" if r.jump is None else _axes([_frac(j) for j in r.jump]),
            _count(r.params),
            _big(r.macs),
        )
    inputs = ", ".join(f"{n} {_shape(s)}" for n, s in result.inputs)
    lines: list[RenderableType] = [
        table,
        Text(f"input {inputs} · params {_count(result.params)} · MACs {_big(result.macs)}"),
    ]
    hidden = len(result.rows) - len(rows)
    if hidden:
        lines.append(
            Text(f"{hidden} shape-preserving or constant layers not shown (--all shows them)")
        )
    notes = [f"{r.name}: {r.note}" for r in rows if r.note]
    lines.extend(Text(n, style="dim") for n in notes)
    return Group(*lines)


def varying_graph_report(results: Sequence[GraphResult]) -> RenderableType:
    """The windows whose pads differ between the input sizes (TensorFlow ``same`` at
    stride > 1), one column per run."""
    from convcalc.report.graph_json import graph_runs_dict

    varying = graph_runs_dict(results)["input_dependent"]
    if not varying:
        return Text("no layer's pads depend on the input size")
    table = Table(title="pads that depend on the input size", title_justify="left")
    table.add_column("layer", overflow="fold")
    for r in results:
        inputs = ", ".join(_shape(s) for _, s in r.inputs)
        table.add_column(f"at {inputs}", justify="right")
    for v in varying:
        cells = [
            f"{_pads(None if p is None else [tuple(x) for x in p])} → {_shape(o)}"
            for p, o in zip(v["pads"], v["output"], strict=True)
        ]
        table.add_row(v["name"], *cells)
    return table
