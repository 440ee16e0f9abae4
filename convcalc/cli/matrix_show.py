"""How ``convcalc matrix`` shows one matrix: text (a table, or a sparsity picture when it is
wider than the line), ``--json``, ``--save``, ``--check`` (NumPy is imported here).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import click

from convcalc.errors import ConvcalcError, SpecError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from convcalc.cli.matrix_cmd import View
    from convcalc.execute.matrix import MatrixCheck
    from convcalc.shape import DeconvPlan, WindowPlan
    from convcalc.shape.matrix import MatrixMap

__all__ = ["show"]

EQUATIONS = {
    # kind, --transpose: (rows' tensor, columns' tensor, the equation)
    ("conv", False): ("y", "x", "y = C·x"),
    ("conv", True): ("x", "y", "x̂ = Cᵀ·y, the transposed convolution (not an inverse)"),
    ("deconv", False): ("y", "x", "y = C·x, C = Aᵀ for the convolution A from y's shape to x's"),
    ("deconv", True): ("x", "y", "x = Cᵀ·y = A·y, the convolution whose gradient it is"),
    ("pool avg", False): ("y", "x", "y = C·x, C = 1/divisor on each window"),
    ("pool avg", True): ("x", "y", "x̂ = Cᵀ·y, the average pool's gradient"),
}


def show(
    kind: str,
    m: MatrixMap,
    plan: WindowPlan | DeconvPlan,
    kernel: npt.NDArray[np.float64] | None,
    include_pad: bool | None,
    view: View,
) -> None:
    """Print (or save, or check) the matrix of one layer as *view* asks."""
    import numpy as np

    from convcalc.execute import pool_divisor
    from convcalc.execute.matrix import check_matrix, dense_matrix, pool_matrix, tap_matrix
    from convcalc.shape import WindowPlan
    from convcalc.shape.matrix import transpose_map

    if view.transpose:
        m = transpose_map(m)
    taps = tap_matrix(m)
    pool = plan if isinstance(plan, WindowPlan) and include_pad is not None else None
    dense: npt.NDArray[np.float64] | None = None
    if pool is not None:
        dense = pool_matrix(m, pool, bool(include_pad))
    elif kernel is not None:
        dense = dense_matrix(taps, kernel)
    checked = None
    if view.check:
        weights = kernel
        numbers = dense
        if numbers is None:  # symbols: check with random weights
            weights = np.random.default_rng(1).uniform(-1.0, 1.0, size=m.kernel)
            numbers = dense_matrix(taps, weights)
        checked = check_matrix(numbers, m, plan, weights, include_pad)
    if view.save is not None:
        _save(view.save, dense)
    rows_name, cols_name, equation = EQUATIONS[(kind, view.transpose)]
    if view.as_json:
        _echo_json(kind, m, taps, dense, kernel, checked)
    else:
        divisor = None if pool is None else pool_divisor(pool, bool(include_pad)).ravel()
        texts = partial(_entries, m, kernel=kernel, divisor=divisor)
        title = f"{equation}    ({kind}, {_shape(m.rows)} ← {_shape(m.columns)})"
        nonzero = taps >= 0 if dense is None else dense != 0
        _echo_text(m, taps, (rows_name, cols_name, title), view, texts, nonzero)
        if checked is not None:
            click.echo(_check_line(checked, view.transpose))
    if checked is not None and not checked.agrees:
        raise ConvcalcError(
            f"C·v differs from {checked.operation} by {checked.difference:.3g}, over the "
            f"float tolerance {checked.tolerance:.3g}"
        )


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape)


def _entries(
    m: MatrixMap,
    taps: npt.NDArray[np.int64],
    kernel: npt.NDArray[np.float64] | None,
    divisor: npt.NDArray[np.int64] | None,
) -> list[list[str]]:
    """Each entry's text: ``w01``, a weight, or ``1/4`` (average pooling: *divisor* per
    window, the rows of C and the columns of Cᵀ)."""
    import numpy as np

    from convcalc.report.matrix_text import ZERO, entry_text, number_text

    if divisor is not None:
        labels = np.array([f"1/{d}" if d > 0 else "nan" for d in divisor.tolist()] + [ZERO])
        window = np.arange(divisor.size).reshape((1, -1) if m.transposed else (-1, 1))
        index = np.where(taps >= 0, window, divisor.size)
        return labels.astype(object)[index].tolist()  # type: ignore[no-any-return]
    if kernel is not None:
        return entry_text(taps, [number_text(float(v)) for v in kernel.ravel()])
    return entry_text(taps, _symbols(m))


def _echo_text(
    m: MatrixMap,
    taps: npt.NDArray[np.int64],
    names: tuple[str, str, str],
    view: View,
    texts: Callable[[npt.NDArray[np.int64]], list[list[str]]],
    nonzero: npt.NDArray[np.bool_],
) -> None:
    """The table, or the sparsity picture when it is wider than the line; the summary
    (counting *nonzero* entries: a zero weight is a zero)."""
    from convcalc.execute.matrix import padded_taps
    from convcalc.report import matrix_text as rt

    rows = rt.cell_labels(names[0], m.rows)
    cols = rt.cell_labels(names[1], m.columns)
    shown = taps
    if view.pads:
        p = padded_taps(m, view.max_cells)
        shown = p.taps
        padded = rt.padded_labels(names[1] if not m.transposed else names[0], p.index, p.pad)
        rows, cols = (padded, cols) if m.transposed else (rows, padded)
    click.echo(names[2])
    width = view.width or shutil.get_terminal_size().columns
    narrowest = max(map(len, rows)) + 3 + 2 * len(cols) - 1  # entries of 1 character
    entries = texts(shown) if narrowest <= width else None
    table = narrowest if entries is None else rt.table_width(entries, rows, cols)
    if entries is not None and table <= width:
        click.echo(rt.render_table(entries, rows, cols))
    else:
        click.echo(rt.render_sparsity(shown >= 0))
        click.echo(
            f"(one character per entry, {rt.FILLED} a tap and {rt.ZERO} a zero: the table "
            f"would be {'at least ' if entries is None else ''}{table} characters wide, "
            f"over {width})"
        )
    if view.pads:
        click.echo(
            "p… rows: cells of the full transposed result that the padding crops"
            if m.transposed
            else "p… columns: pad cells; they multiply zeros, so they vanish from the matrix"
        )
    click.echo(rt.summary_line("Cᵀ" if view.transpose else "C", nonzero))


def _symbols(m: MatrixMap) -> list[str]:
    """``w00 … w22``: the kernel taps, row-major."""
    from convcalc.report.matrix_text import cell_labels

    return cell_labels("w", m.kernel)


def _check_line(checked: MatrixCheck, transposed: bool) -> str:
    product = "Cᵀ·y" if transposed else "C·x"
    verdict = "agrees with" if checked.agrees else "DIFFERS from"
    line = (
        f"check: {product} {verdict} {checked.operation} on a random input: largest "
        f"difference {checked.difference:.3g} (float64 tolerance {checked.tolerance:.3g})"
    )
    if checked.skipped:
        line += f"; {checked.skipped} cell(s) pool padding only (NaN there) were left out"
    return line


def _save(path: str, dense: npt.NDArray[np.float64] | None) -> None:
    from convcalc.arrays import formats as arrayio

    if dense is None:
        raise SpecError("--save needs numbers: give the kernel values with --kernel")
    fmt = arrayio.format_for_path(path) or "npy"
    arrayio.write_outputs([(path, lambda stream: arrayio.write_array(dense, fmt, stream))])


def _echo_json(
    kind: str,
    m: MatrixMap,
    taps: npt.NDArray[np.int64],
    dense: npt.NDArray[np.float64] | None,
    kernel: npt.NDArray[np.float64] | None,
    checked: MatrixCheck | None,
) -> None:
    from convcalc.report.matrix_text import matrix_document

    names = [] if kind == "pool avg" else _symbols(m)
    doc: dict[str, Any] = matrix_document(
        kind=kind,
        transposed=m.transposed,
        rows=m.rows,
        columns=m.columns,
        taps=taps,
        names=names,
        dense=dense,
    )
    if kernel is not None:
        doc["kernel"] = kernel.tolist()
    if checked is not None:
        doc["check"] = {
            "operation": checked.operation,
            "largest_difference": checked.difference,
            "tolerance": checked.tolerance,
            "agrees": checked.agrees,
        }
    click.echo(json.dumps(doc, allow_nan=True))
