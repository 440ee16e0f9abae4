"""Rich renderables for ``chain``, ``compare``, ``port`` and ``solve``.

No arithmetic on geometry happens here: rows come from :mod:`convcalc.network.stack`,
:mod:`convcalc.frameworks.compare`, :mod:`convcalc.frameworks.port` and
:mod:`convcalc.frameworks.solve`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from convcalc.frameworks.compare import Row, Verdict
from convcalc.frameworks.layer import Layer, pads_text, shape_text
from convcalc.frameworks.recipe import Recipe
from convcalc.frameworks.solve import Solution
from convcalc.network.stack import ChainResult, ChainRow
from convcalc.shape import DeconvPlan, WindowPlan
from convcalc.shape.axes import Pair, Shape

__all__ = ["chain_report", "compare_report", "port_report", "solve_report", "varying_report"]


def _axes(values: Sequence[object]) -> str:
    """One value when every axis agrees, else ``a×b``."""
    if not values:
        return "—"
    texts = [str(v) for v in values]
    return texts[0] if len(set(texts)) == 1 else "×".join(texts)


def _frac(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def _shape(spatial: Shape, channels: int | None) -> str:
    """``112²×64`` for square inputs, ``112×96×64`` otherwise, ``1000`` once flattened."""
    chans = str(channels) if channels is not None else "?"
    if not spatial:
        return chans
    if len(spatial) > 1 and len(set(spatial)) == 1:
        return f"{spatial[0]}{'²' if len(spatial) == 2 else '³'}×{chans}"
    return "×".join([str(v) for v in spatial] + [chans])


def _pads(pads: Sequence[Pair] | None) -> str:
    if pads is None:
        return ""
    texts = [f"({a},{b})" for a, b in pads]
    return texts[0] if len(set(texts)) == 1 else " ".join(texts)


def _count(value: int | None) -> str:
    if value is None:
        return "?"
    return f"{value:,}" if value else "—"


def _big(value: int | None) -> str:
    if value is None:
        return "?"
    for unit, size in (("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if value >= size:
            return f"{value / size:.2f}{unit}"
    return str(value) if value else "—"


def _name(row: ChainRow) -> Text:
    indent = "  " * row.depth + ("↳ " if row.branch == "shortcut" else "")
    text = Text(indent + row.text)
    if row.op in ("add", "cat"):
        text.stylize("bold")
    return text


def chain_report(result: ChainResult, title: str, width: int = 120) -> RenderableType:
    """One row per layer, totals at the bottom, notes below. Narrow terminals drop
    ``start`` and ``activations`` (below 110 columns), then ``MACs`` (below 96); ``--json``
    always has everything."""
    dropped = ({"start", "activations"} if width < 110 else set()) | (
        {"MACs"} if width < 96 else set()
    )
    columns = _chain_columns(result)
    keep = [name not in dropped for name, _, _ in columns]
    cells = [_input_cells(result)] + [_cells(r) for r in result.rows]
    table = _chain_table(title, columns, keep, cells, width)
    for row_cells in cells:
        table.add_row(*[c for c, shown in zip(row_cells, keep, strict=True) if shown])
    notes = [f"[{r.index}] {r.note}" for r in result.rows if r.note]
    legend = Text(
        "RF: receptive field (input cells); jump: input cells between neighbouring units; "
        "start: centre of unit 0 in input coordinates. Params count BatchNorm as 2 per "
        "channel; MACs are multiply-accumulates"
        + (f" for a batch of {result.batch}" if result.batch > 1 else "")
        + ".",
        style="dim",
    )
    parts: list[RenderableType] = [table]
    if notes:
        parts.append(Text("\n".join(notes)))
    parts.append(legend)
    return Group(*parts)


Column = tuple[str, str, str]  # name, footer, justify


def _chain_columns(result: ChainResult) -> list[Column]:
    return [
        ("#", "", "right"),
        ("layer", "total", "left"),
        ("output", "", "right"),
        ("pads", "", "right"),
        ("RF", "", "right"),
        ("jump", "", "right"),
        ("start", "", "right"),
        ("params", _count(result.params), "right"),
        ("MACs", _big(result.macs), "right"),
        ("activations", _big(result.activations), "right"),
    ]


def _chain_table(
    title: str,
    columns: Sequence[Column],
    keep: Sequence[bool],
    cells: Sequence[Sequence[str | Text]],
    width: int,
) -> Table:
    """The empty table: the shown columns, the layer column narrowed to fit *width*."""
    table = Table(title=title, title_justify="left", header_style="bold", show_footer=True)
    widths = [
        max([len(name), len(footer)] + [len(str(c[i])) for c in cells[1:]])
        for i, (name, footer, _) in enumerate(columns)
    ]
    others = sum(
        w + 3
        for w, shown, (name, _, _) in zip(widths, keep, columns, strict=True)
        if shown and name != "layer"
    )
    layer_width = max(12, min(44, width - others - 4))
    for (name, footer, justify), shown in zip(columns, keep, strict=True):
        if shown:
            table.add_column(
                name,
                footer=footer,
                justify=justify,  # type: ignore[arg-type]
                no_wrap=True,
                overflow="ellipsis",
                max_width=layer_width if name == "layer" else None,
            )
    return table


def _input_cells(result: ChainResult) -> list[str | Text]:
    """Row 0: the input itself (RF 1, jump 1, start 0)."""
    channels = result.channels
    acts = None if channels is None else channels * _prod(result.input) * result.batch
    shape = _shape(result.input, channels)
    return ["0", "input", shape, "", "1", "1", "0", "", "", _big(acts)]


def _cells(r: ChainRow) -> list[str | Text]:
    return [
        str(r.index),
        _name(r),
        Text(_shape(r.output, r.channels), style="bold cyan"),
        _pads(r.pads) + (" *" if r.note else ""),
        _axes(r.rf),
        _axes([_frac(j) if j else "—" for j in r.jump]),
        _axes([_frac(s) for s in r.start]),
        _count(r.params),
        _big(r.macs),
        _big(r.activations),
    ]


def _prod(values: Sequence[int]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def varying_report(results: Sequence[ChainResult]) -> RenderableType:
    """Layers whose pads change with the input size."""
    table = Table(
        title="pads that depend on the input size", title_justify="left", header_style="bold"
    )
    table.add_column("#", justify="right")
    table.add_column("layer")
    for r in results:
        table.add_column(f"at {'×'.join(map(str, r.input))}", justify="right")
    count = 0
    for rows in zip(*(r.rows for r in results), strict=True):
        if len({r.pads for r in rows}) > 1:
            count += 1
            table.add_row(
                str(rows[0].index),
                rows[0].text,
                *[f"{_pads(r.pads)} → {'×'.join(map(str, r.output))}" for r in rows],
            )
    if not count:
        return Text("No layer's pads depend on the input size across these inputs.")
    return table


_VERDICT = {
    Verdict.EXACT: ("✓ exact", "green"),
    Verdict.SHIFTED: ("⚠ shifted", "yellow"),
    Verdict.SIZE: ("✗ size", "red"),
    Verdict.DIVISOR: ("⚠ divisor", "yellow"),
    Verdict.UNSUPPORTED: ("✗ not expressible", "red"),
    Verdict.NA: ("—", "dim"),
}


def compare_report(
    layer: Layer,
    rows: Sequence[Row],
    title: str,
    explain: Sequence[str],
    notes: Sequence[str],
    width: int = 120,
) -> RenderableType:
    """Every framework side by side; disagreements explained in one line each.

    Below 110 columns the reasons leave the table and become numbered notes under it.
    """
    wide = width >= 110
    table = Table(title=title, title_justify="left", header_style="bold")
    table.add_column("framework")
    table.add_column("spelling", overflow="fold")
    table.add_column("output", justify="right")
    table.add_column("crop" if layer.op == "deconv" else "pads", justify="right", no_wrap=True)
    pool = layer.op == "pool"
    avg = pool and layer.pool == "avg"
    if pool:
        table.add_column("rounding")
    if avg:
        table.add_column("divisor")
    table.add_column("verdict", no_wrap=True)
    if wide:
        table.add_column("why")
    reasons: list[str] = []
    previous = ""
    for r in rows:
        label, style = _VERDICT[r.verdict]
        cells: list[str | Text] = [
            r.framework if r.framework != previous else "",
            r.spelling,
            "" if r.output is None else "×".join(map(str, r.output)),
            _pads(r.pads),
        ]
        if pool:
            cells.append(r.ceil)
        if avg:
            cells.append(r.divisor)
        why = Text(r.why, style="dim" if r.verdict is Verdict.EXACT else "")
        if wide:
            cells += [Text(label, style=style), why]
        elif r.verdict is Verdict.EXACT and r.why == "same windows":
            cells.append(Text(label, style=style))
        else:
            reasons.append(f"[{len(reasons) + 1}] {r.framework} {r.spelling}: {r.why}")
            cells.append(Text(f"{label} [{len(reasons)}]", style=style))
        table.add_row(*cells)
        previous = r.framework
    parts: list[RenderableType] = [table]
    if reasons:
        parts.append(Text("\n".join(reasons)))
    if explain:
        parts.append(Text("\n".join(explain)))
    if notes:
        parts.append(Text("\n".join(notes), style="dim"))
    return Group(*parts)


def port_pads_line(plan: WindowPlan | DeconvPlan) -> str:
    """The line above a recipe: the pads per axis (a transposed convolution's crop: what
    its padding and output_padding take off each end) and the output size.

    >>> from convcalc.shape import deconv_plan
    >>> port_pads_line(deconv_plan((3,), 3, stride=2, padding=((1, 1),), output_padding=1))
    'crop per axis: (1, 0) · output 6'
    """
    if isinstance(plan, DeconvPlan):
        pairs, word = [(a.pad_low, a.pad_high - a.output_padding) for a in plan.axes], "crop"
    else:
        pairs, word = list(plan.pads), "pads"
    return f"{word} per axis: {pads_text(pairs)} · output {shape_text(plan.output)}"


def port_report(
    title: str, recipe: Recipe, code: Sequence[str], pads_line: str, check: str | None
) -> RenderableType:
    """The recipe: a pads line, the code, notes and the check result."""
    from rich.syntax import Syntax

    head = Text(title, style="bold")
    parts: list[RenderableType] = [head, Text(pads_line)]
    if recipe.exact:
        parts.append(
            Syntax(
                "\n".join(code),
                "python",
                theme="ansi_dark",
                background_color="default",
                word_wrap=True,
            )
        )
    else:
        parts.append(Text("no exact equivalent", style="bold red"))
    for note in recipe.notes:
        parts.append(Text(f"note: {note}", style="dim"))
    if check:
        parts.append(Text(check, style="bold"))
    return Group(*parts)


def solve_report(
    title: str,
    per_axis: Sequence[Sequence[Solution]],
    deconv: bool,
    axis_names: Sequence[str],
    width: int = 120,
) -> RenderableType:
    """One table of ranked solutions per distinct axis (the dilation column only when some
    solution dilates; ONNX only on terminals of 120 columns or more)."""
    parts: list[RenderableType] = []
    for name, solutions in zip(axis_names, per_axis, strict=True):
        dilated = any(s.dilation > 1 for s in solutions)
        onnx = width >= 120
        table = Table(title=f"{title}{name}", title_justify="left", header_style="bold")
        for col in ("#", "k", "s", "d", "padding"):
            if col != "d" or dilated:
                table.add_column(
                    col, justify="right" if col != "padding" else "left", overflow="fold"
                )
        table.add_column("PyTorch", overflow="fold")
        table.add_column("TensorFlow / Keras", overflow="fold")
        if onnx:
            table.add_column("ONNX", overflow="fold")
        if deconv:
            table.add_column("kept cells", overflow="fold")
        for i, s in enumerate(solutions, start=1):
            cells = [str(i), str(s.kernel), str(s.stride)]
            cells += [str(s.dilation)] if dilated else []
            cells += [s.label, s.torch, s.tf] + ([s.onnx] if onnx else [])
            if deconv:
                cells.append(s.note)
            table.add_row(*cells)
        if not solutions:
            parts.append(Text(f"{title}{name}: no parameter set in range reaches it"))
        else:
            parts.append(table)
    return Group(*parts)
