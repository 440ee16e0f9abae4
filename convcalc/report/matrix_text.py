"""What ``convcalc matrix`` prints: ``C`` with symbolic or numeric entries, a sparsity
picture when it is wider than the terminal, a summary line, and the JSON document.

Entries are given as text (``w01``, ``1/4``, ``0.5``; ``·`` for a zero). Rows are labelled by
the cell of the result they compute, columns by the cell they read; pad cells, when shown,
are the columns labelled ``p…`` (they multiply zeros, so they vanish from ``C``).

>>> print(render_table([["w0", "w1", "·"], ["·", "w0", "w1"]], ["y0", "y1"], ["x0", "x1", "x2"]))
     x0 x1 x2
y0 │ w0 w1  ·
y1 │  · w0 w1
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from convcalc.shape.matrix import label_separator

__all__ = [
    "ZERO",
    "cell_labels",
    "entry_text",
    "matrix_document",
    "number_text",
    "render_sparsity",
    "render_table",
    "summary_line",
]

ZERO = "·"
FILLED = "■"


def cell_labels(prefix: str, shape: tuple[int, ...]) -> list[str]:
    """Row-major labels of every cell of *shape*, as :func:`~convcalc.shape.matrix.index_label`
    names one.

    >>> cell_labels("x", (2, 2)), cell_labels("x", (1, 11))[-1]
    (['x00', 'x01', 'x10', 'x11'], 'x0,10')
    """
    sep = label_separator(shape)
    names = [[str(i) for i in range(n)] for n in shape]
    return [prefix + sep.join(index) for index in itertools.product(*names)]


def index_columns(shape: tuple[int, ...]) -> list[list[int]]:
    """The N-d index of every cell of *shape*, row-major (the JSON index maps).

    >>> index_columns((2, 2))
    [[0, 0], [0, 1], [1, 0], [1, 1]]
    """
    grids = np.unravel_index(np.arange(int(np.prod(shape))), shape)
    return np.stack(grids, axis=1).tolist()  # type: ignore[no-any-return]


def padded_labels(
    prefix: str, index: npt.NDArray[np.int64], pad: npt.NDArray[np.bool_]
) -> list[str]:
    """Labels of padded-grid cells: real cells ``x…``, pad cells ``p…`` (comma-separated
    where an index is negative or above 9).

    >>> padded_labels("x", np.array([[-1], [0]]), np.array([True, False]))
    ['p-1', 'x0']
    """
    sep = "," if (index < 0).any() or (index > 9).any() else ""
    return [
        ("p" if is_pad else prefix) + sep.join(str(int(i)) for i in row)
        for row, is_pad in zip(index, pad, strict=True)
    ]


def number_text(value: float) -> str:
    """A weight as short text: ``2``, ``0.5``, ``-1.25e-05``.

    >>> number_text(2.0), number_text(0.1 + 0.2), number_text(-1.25e-05)
    ('2', '0.3', '-1.25e-05')
    """
    return f"{value:.4g}"


def entry_text(taps: npt.NDArray[np.int64], names: Sequence[str]) -> list[list[str]]:
    """Each entry's text: ``names[tap]``, or :data:`ZERO` where the tap is -1.

    >>> entry_text(np.array([[0, -1]]), ["w0"])
    [['w0', '·']]
    """
    table = np.array([*names, ZERO], dtype=object)
    return table[taps].tolist()  # type: ignore[no-any-return]


def render_table(entries: list[list[str]], rows: Sequence[str], columns: Sequence[str]) -> str:
    """The matrix as aligned text, one right-aligned column per input cell."""
    width = max(len(s) for s in [*columns, *(e for row in entries for e in row)])
    gutter = max(len(r) for r in rows)
    head = " " * (gutter + 3) + " ".join([c.rjust(width) for c in columns])
    lines = [head.rstrip()]
    lines += [
        f"{label.ljust(gutter)} │ " + " ".join([e.rjust(width) for e in row])
        for label, row in zip(rows, entries, strict=True)
    ]
    return "\n".join(lines)


def table_width(entries: list[list[str]], rows: Sequence[str], columns: Sequence[str]) -> int:
    """Characters per line of :func:`render_table`."""
    width = max(len(s) for s in [*columns, *(e for row in entries for e in row)])
    return max(len(r) for r in rows) + 3 + len(columns) * (width + 1) - 1


def render_sparsity(nonzero: npt.NDArray[np.bool_]) -> str:
    """One character per entry: :data:`FILLED` for a non-zero, :data:`ZERO` for a zero.

    >>> print(render_sparsity(np.array([[True, False], [False, True]])))
    ■·
    ·■
    """
    rows, cols = nonzero.shape
    if not rows or not cols:
        return ""
    cells = np.ascontiguousarray(np.where(nonzero, FILLED, ZERO).astype("<U1"))
    return "\n".join(cells.view(f"<U{cols}").ravel().tolist())


def summary_line(name: str, nonzero: npt.NDArray[np.bool_]) -> str:
    """Rows × columns, non-zeros per row and the density.

    >>> summary_line("C", np.array([[True, True, False], [False, True, True]]))
    'C: 2 × 3, 2 non-zeros per row, density 66.7% (4 of 6)'
    """
    rows, cols = nonzero.shape
    per_row = nonzero.sum(axis=1)
    low, high = (int(per_row.min()), int(per_row.max())) if rows else (0, 0)
    count = int(nonzero.sum())
    spread = str(low) if low == high else f"{low}–{high}"
    density = 100.0 * count / max(rows * cols, 1)
    shown = f"{density:.1f}" if density >= 0.1 or count == 0 else f"{density:.2g}"
    return (
        f"{name}: {rows} × {cols}, {spread} non-zeros per row, "
        f"density {shown}% ({count} of {rows * cols})"
    )


def matrix_document(
    *,
    kind: str,
    transposed: bool,
    rows: tuple[int, ...],
    columns: tuple[int, ...],
    taps: npt.NDArray[np.int64],
    names: Sequence[str],
    dense: npt.NDArray[np.float64] | None,
) -> dict[str, Any]:
    """The ``--json`` document: the shape, the row and column index maps (the N-d cell of
    each row and column), the tap of every entry (-1: zero), and the dense matrix when the
    weights are known (``null`` otherwise).

    >>> d = matrix_document(kind="conv", transposed=False, rows=(1,), columns=(2,),
    ...     taps=np.array([[0, 1]]), names=["w0", "w1"], dense=None)
    >>> d["shape"], d["row_index"], d["column_index"], d["taps"], d["matrix"]
    ([1, 2], [[0]], [[0], [1]], [[0, 1]], None)
    """
    n_rows, n_cols = taps.shape
    return {
        "kind": kind,
        "transposed": transposed,
        "shape": [n_rows, n_cols],
        "row_shape": list(rows),
        "column_shape": list(columns),
        "row_index": index_columns(rows),
        "column_index": index_columns(columns),
        "weights": list(names),
        "taps": taps.tolist(),
        "matrix": None if dense is None else dense.tolist(),
    }
