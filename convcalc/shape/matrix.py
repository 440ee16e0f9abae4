"""Convolution as a matrix, ``y = C·x``: which input cell each output reads per kernel tap
(pure, standard library only).

Flatten the input and the output row-major; a convolution is then ``y = C·x`` with ``C[r, c]``
the kernel tap that output ``r`` multiplies input ``c`` by (zero when none does), and the
transposed convolution is ``x̂ = Cᵀ·ŷ``. Every index comes from the shape engine's plans:
window ``j`` of an axis reads :meth:`AxisPlan.taps(j) <convcalc.shape.window.AxisPlan.taps>`;
indices outside the input are pad cells (zeros), so their columns vanish. A transposed
convolution is the transpose of the forward convolution whose gradient it is
(:func:`adjoint_axis`).

>>> from convcalc.shape import conv_plan
>>> m = conv_matrix_map(conv_plan((4, 4), 3))
>>> m.shape, list(m.reads[0].taps(0))
((4, 16), [0, 1, 2])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from convcalc.errors import SpecError
from convcalc.shape.axes import Shape
from convcalc.shape.transpose import DeconvAxis, DeconvPlan
from convcalc.shape.window import AxisPlan, WindowPlan

__all__ = [
    "DEFAULT_MAX_CELLS",
    "AxisReads",
    "MatrixMap",
    "adjoint_axis",
    "check_cells",
    "conv_matrix_map",
    "deconv_matrix_map",
    "index_label",
    "label_separator",
    "matrix_view_line",
    "transpose_map",
    "unravel",
]

DEFAULT_MAX_CELLS = 250_000
"""Largest matrix (rows × columns) built unless ``--max-cells`` allows more."""


@dataclass(frozen=True, slots=True)
class AxisReads:
    """One axis: window ``j`` reads input ``starts[j] + offsets[t]`` at tap ``t`` (outside
    ``[0, input)``: a pad cell). Both are ranges taken from the plan's
    :meth:`~convcalc.shape.window.AxisPlan.window_start` and
    :meth:`~convcalc.shape.window.AxisPlan.taps`, so they cost nothing to hold.

    >>> from convcalc.shape import conv_axis
    >>> r = AxisReads.of(conv_axis(5, 3, stride=2, padding=(1, 1)))
    >>> r.starts, r.offsets, list(r.taps(1))
    (range(-1, 4, 2), range(0, 3), [1, 2, 3])
    """

    starts: range
    offsets: range

    @classmethod
    def of(cls, axis: AxisPlan) -> AxisReads:
        first = axis.taps(0)
        last = axis.window_start(axis.output - 1)
        return cls(
            range(first.start, last + 1, axis.stride),
            range(0, first.stop - first.start, first.step),
        )

    def taps(self, j: int) -> range:
        """The input indices window *j* reads, tap by tap."""
        start = self.starts[j]
        return range(start, start + self.offsets.stop, self.offsets.step)


@dataclass(frozen=True, slots=True)
class MatrixMap:
    """The index map of ``C`` for one layer.

    The windows of a convolution (or pooling) are listed: ``windows`` outputs read
    ``inputs`` cells, per axis :class:`AxisReads`. For a convolution ``C`` has one row per
    window and one column per input cell; for a transposed convolution (``transposed``) ``C`` is the
    transpose: one row per cell of its output, one column per cell of its input.
    """

    windows: Shape
    inputs: Shape
    kernel: Shape
    reads: tuple[AxisReads, ...]
    transposed: bool = False

    @property
    def rows(self) -> Shape:
        """The shape whose row-major cells label ``C``'s rows."""
        return self.inputs if self.transposed else self.windows

    @property
    def columns(self) -> Shape:
        """The shape whose row-major cells label ``C``'s columns."""
        return self.windows if self.transposed else self.inputs

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)`` of ``C``."""
        return (math.prod(self.rows), math.prod(self.columns))


def check_cells(rows: int, columns: int, max_cells: int) -> None:
    """Refuse a matrix of more than *max_cells* entries, naming its size.

    >>> check_cells(400, 1000, 250_000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    convcalc.errors.SpecError: the matrix is 400 × 1000 = 400000 cells, over the limit of ...
    """
    cells = rows * columns
    if cells > max_cells:
        raise SpecError(
            f"the matrix is {rows} × {columns} = {cells} cells, over the limit of "
            f"{max_cells} (--max-cells)"
        )


def _all_reads(axes: Sequence[AxisPlan], max_cells: int) -> tuple[AxisReads, ...]:
    """Every axis' reads; refused when one lists more than *max_cells* taps (a kernel far
    wider than the input, over huge pads), or the kernel has more taps than that.

    >>> from convcalc.shape import conv_axis
    >>> _all_reads([conv_axis(1, 10**6, padding=(10**6, 0))], 1000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    convcalc.errors.SpecError: axis 0: 2 windows × 1000000 taps = 2000000 taps to list, over ...
    """
    for axis, a in enumerate(axes):
        if a.output * a.kernel > max_cells:
            raise SpecError(
                f"axis {axis}: {a.output} windows × {a.kernel} taps = {a.output * a.kernel} "
                f"taps to list, over the limit of {max_cells} (--max-cells)"
            )
    taps = math.prod(a.kernel for a in axes)
    if taps > max_cells:
        raise SpecError(f"the kernel has {taps} taps, over the limit of {max_cells} (--max-cells)")
    return tuple(AxisReads.of(a) for a in axes)


def conv_matrix_map(plan: WindowPlan, max_cells: int = DEFAULT_MAX_CELLS) -> MatrixMap:
    """The map of ``C`` for a convolution or pooling plan; refused above *max_cells*.

    >>> from convcalc.shape import conv_plan
    >>> m = conv_matrix_map(conv_plan((5,), 3, stride=2, padding="same"))
    >>> m.shape, [list(m.reads[0].taps(j)) for j in range(3)]
    ((3, 5), [[-1, 0, 1], [1, 2, 3], [3, 4, 5]])
    """
    check_cells(math.prod(plan.output), math.prod(plan.input), max_cells)
    return MatrixMap(
        plan.output,
        plan.input,
        tuple(a.kernel for a in plan.axes),
        _all_reads(plan.axes, max_cells),
    )


def adjoint_axis(axis: DeconvAxis) -> AxisPlan:
    """The forward convolution axis whose transpose (gradient) this transposed convolution is:
    from the transposed convolution's output back to its input, with the same kernel, stride,
    dilation and pads; ``output_padding`` cells at the end are read by no window beyond the
    crop, so its ``pad_high`` is ``pad_high − output_padding`` (negative when those cells are
    real).

    >>> from convcalc.shape.transpose import deconv_axis
    >>> a = adjoint_axis(deconv_axis(3, 3, stride=2, padding=(1, 1), output_padding=1))
    >>> a.input, a.output, a.pads, [list(a.taps(j)) for j in range(a.output)]
    (6, 3, (1, 0), [[-1, 0, 1], [1, 2, 3], [3, 4, 5]])
    """
    return AxisPlan(
        axis.output,
        axis.kernel,
        axis.stride,
        axis.dilation,
        axis.pad_low,
        axis.pad_high - axis.output_padding,
        axis.input,
    )


def deconv_matrix_map(plan: DeconvPlan, max_cells: int = DEFAULT_MAX_CELLS) -> MatrixMap:
    """The map of ``C`` for a transposed convolution: the transpose of its adjoint's.

    >>> from convcalc.shape.transpose import deconv_plan
    >>> m = deconv_matrix_map(deconv_plan((2, 2), 3))
    >>> m.shape, m.rows, m.columns
    ((16, 4), (4, 4), (2, 2))
    """
    check_cells(math.prod(plan.output), math.prod(plan.input), max_cells)
    axes = [adjoint_axis(a) for a in plan.axes]
    return MatrixMap(
        plan.input,
        plan.output,
        tuple(a.kernel for a in axes),
        _all_reads(axes, max_cells),
        transposed=True,
    )


def transpose_map(m: MatrixMap) -> MatrixMap:
    """The same windows with ``C`` transposed (``--transpose``).

    >>> from convcalc.shape import conv_plan
    >>> transpose_map(conv_matrix_map(conv_plan((4, 4), 3))).shape
    (16, 4)
    """
    return MatrixMap(m.windows, m.inputs, m.kernel, m.reads, not m.transposed)


def index_label(prefix: str, index: Shape, shape: Shape) -> str:
    """A cell's name: digits run together while every axis is ≤ 10, else comma-separated.

    >>> index_label("w", (0, 2), (3, 3)), index_label("x", (3, 11), (4, 12))
    ('w02', 'x3,11')
    """
    return prefix + label_separator(shape).join(str(i) for i in index)


def label_separator(shape: Shape) -> str:
    """How :func:`index_label` joins indices: ``""`` while every axis is ≤ 10, else ``","``."""
    return "" if all(n <= 10 for n in shape) else ","


def unravel(flat: int, shape: Shape) -> Shape:
    """Row-major multi-index of *flat* in *shape*.

    >>> unravel(7, (4, 4))
    (1, 3)
    """
    out = []
    for n in reversed(shape):
        flat, i = divmod(flat, n)
        out.append(i)
    return tuple(reversed(out))


def matrix_view_line(plan: DeconvPlan) -> str:
    """One line for a transposed convolution's explanations: its matrix view, and the
    ``convcalc matrix`` command that prints it.

    >>> from convcalc.shape.transpose import deconv_plan
    >>> line = matrix_view_line(deconv_plan((3,), 3, stride=2, padding=1))
    >>> for part in line.split("; "):
    ...     print(part)
    as a matrix: y = Cᵀ·x, C the 3 × 5 matrix of the convolution from 5 to 3
    print it: convcalc matrix deconv -i 3 -k 3 -s 2 -d 1 -p 1:1 --output-padding 0
    """

    def sizes(values: Shape) -> str:
        return "x".join(str(v) for v in values)

    rows, cols = math.prod(plan.input), math.prod(plan.output)
    pads = "x".join(f"{a.pad_low}:{a.pad_high}" for a in plan.axes)
    command = (
        f"convcalc matrix deconv -i {sizes(plan.input)} "
        f"-k {sizes(tuple(a.kernel for a in plan.axes))} "
        f"-s {sizes(tuple(a.stride for a in plan.axes))} "
        f"-d {sizes(tuple(a.dilation for a in plan.axes))} -p {pads} "
        f"--output-padding {sizes(plan.output_padding)}"
    )
    return (
        f"as a matrix: y = Cᵀ·x, C the {rows} × {cols} matrix of the convolution from "
        f"{'×'.join(map(str, plan.output))} to {'×'.join(map(str, plan.input))}; "
        f"print it: {command}"
    )
