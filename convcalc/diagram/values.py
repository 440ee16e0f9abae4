"""Arrays for ``convcalc diagram --values``: reading them, and the output values to print.

NumPy is imported here only; ``convcalc diagram`` loads this module only with ``--values``.

The output values come from the executor (:mod:`convcalc.execute`) with the plan's exact
geometry, so a diagram shows the numbers ``convcalc run`` computes. A diagram draws a few
rows of numbers, so the layers it computes are bounded (:data:`MAX_VALUE_CELLS`,
:data:`MAX_VALUE_WORK`): larger ones end in a one-line error, and are drawn without values.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from convcalc.diagram.layout import DiagramValues, ValueTable, deconv_layout, window_grid
from convcalc.errors import ArrayFormatError
from convcalc.shape import DeconvPlan, WindowPlan

__all__ = [
    "MAX_VALUE_CELLS",
    "MAX_VALUE_WORK",
    "Op",
    "check_value_limits",
    "compute_output",
    "diagram_values",
    "load_array",
]

Op = Literal["conv", "deconv", "max", "avg"]
Array = NDArray[np.floating[Any]]

MAX_VALUE_CELLS = 2**16
"""The most cells a ``--values`` diagram computes (256 × 256): its padded grid (for a
transposed convolution, the bordered grid) holds at most this many, and so does its
output."""

MAX_VALUE_WORK = 2**22
"""The most multiply-adds (output cells × kernel taps) a ``--values`` diagram computes."""


def load_array(spec: str, what: str, stdin: str | None = None) -> Array:
    """An array from inline JSON (``[[1, 2], [3, 4]]``), a ``.json``/``.txt``/``.npy`` file,
    or ``-`` (JSON on stdin, passed in as *stdin*).

    >>> load_array("[[1, 2], [3, 4.5]]", "--values").tolist()
    [[1.0, 2.0], [3.0, 4.5]]
    """
    try:
        if spec == "-":
            data = _parse_text(stdin or "", what)
        elif os.path.isfile(spec):
            if spec.endswith(".npy"):
                data = np.load(spec, allow_pickle=False)
            else:
                with open(spec, encoding="utf-8") as fh:
                    data = _parse_text(fh.read(), what)
        else:
            data = _parse_text(spec, what)
        array = np.asarray(data, dtype=np.float64)
    except RecursionError:
        raise ArrayFormatError(f"cannot read {what} {_short(spec)}: nested too deeply") from None
    except (OSError, ValueError, TypeError, OverflowError) as exc:
        if isinstance(exc, ArrayFormatError):
            raise
        raise ArrayFormatError(f"cannot read {what} {_short(spec)}: {exc}") from None
    if array.ndim == 0 or array.size == 0:
        raise ArrayFormatError(f"{what} must be a non-empty array, got {_short(spec)}")
    if not np.all(np.isfinite(array)):
        raise ArrayFormatError(f"{what} holds NaN or infinite numbers")
    return array


def _short(spec: str) -> str:
    return repr(spec if len(spec) <= 40 else spec[:37] + "...")


def _parse_text(text: str, what: str) -> object:
    text = text.strip()
    if not text:
        raise ArrayFormatError(f"{what} is empty: give a JSON array such as [[1, 2], [3, 4]]")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        rows = [line.split() for line in text.splitlines() if line.strip()]
        try:
            table = [[float(v) for v in row] for row in rows]
        except ValueError:
            raise ArrayFormatError(
                f"{what} is neither JSON nor whitespace-separated numbers: {_short(text)}"
            ) from None
        return table[0] if len(table) == 1 else table


def _check_shape(array: Array, shape: tuple[int, ...], what: str) -> None:
    if array.shape != shape:
        got = "×".join(map(str, array.shape))
        want = "×".join(map(str, shape))
        raise ArrayFormatError(f"{what} has shape {got} but the layer needs {want}")


def compute_output(
    plan: WindowPlan | DeconvPlan,
    x: Array,
    kernel: Array | None,
    op: Op,
    *,
    include_pad: bool = True,
) -> Array:
    """The layer's output for input *x* (and *kernel*), from the executor with the plan's
    exact geometry (explicit pads, ceil mode, output size).

    Convolution is cross-correlation (PyTorch, TensorFlow); max pooling ignores padding;
    average pooling counts pad cells only with *include_pad*.

    >>> from convcalc.shape import conv_plan
    >>> compute_output(conv_plan((4,), 2), np.arange(4.0), np.ones(2), "conv").tolist()
    [1.0, 3.0, 5.0]

    Overflow gives ±inf (as in the frameworks), without NumPy's warnings.
    """
    with np.errstate(all="ignore"):
        return _output(plan, x, kernel, op, include_pad)


def _output(
    plan: WindowPlan | DeconvPlan, x: Array, kernel: Array | None, op: Op, include_pad: bool
) -> Array:
    from convcalc import execute

    s = [a.stride for a in plan.axes]
    d = [a.dilation for a in plan.axes]
    p = [a.pads for a in plan.axes]
    if isinstance(plan, DeconvPlan):
        assert kernel is not None
        return execute.conv_transpose(
            x, kernel, stride=s, dilation=d, padding=p, output_size=plan.output
        )
    if op == "conv":
        assert kernel is not None
        return execute.conv(x, kernel, stride=s, dilation=d, padding=p)
    window = [a.kernel for a in plan.axes]
    ceil = plan.axes[0].ceil_mode
    if op == "max":
        return execute.max_pool(x, window, stride=s, dilation=d, padding=p, ceil_mode=ceil)
    return execute.avg_pool(
        x, window, stride=s, dilation=d, padding=p, ceil_mode=ceil, count_include_pad=include_pad
    )


def diagram_values(
    plan: WindowPlan | DeconvPlan,
    x: Array,
    kernel: Array | None,
    op: Op,
    *,
    include_pad: bool = True,
) -> DiagramValues:
    """Check the shapes, compute the output and package everything for the renderer.

    A convolution without a kernel uses ones (window sums).
    """
    _check_shape(x, plan.input, "--values (the input)")
    check_value_limits(plan)
    if op in ("conv", "deconv"):
        shape = tuple(a.kernel for a in plan.axes)
        if kernel is None:
            kernel = np.ones(shape)
        _check_shape(kernel, shape, "--kernel-values")
    out = compute_output(plan, x, kernel, op, include_pad=include_pad)
    return DiagramValues(
        input=_table(x),
        output=_table(out),
        kernel=None if kernel is None else _table(kernel),
    )


def _log2(n: int) -> int:
    return n.bit_length() - 1


def _table(array: Array) -> ValueTable:
    return ValueTable(tuple(int(n) for n in array.shape), tuple(array.ravel().tolist()))


def check_value_limits(plan: WindowPlan | DeconvPlan) -> None:
    """Refuse a layer too large to compute for a diagram (:data:`MAX_VALUE_CELLS`,
    :data:`MAX_VALUE_WORK`), before anything is allocated; the arithmetic is on the plan.

    >>> from convcalc.shape import conv_plan
    >>> check_value_limits(conv_plan((5,), 3, padding=2))   # fine: returns None
    >>> try:
    ...     check_value_limits(conv_plan((5,), 3, padding=200000))
    ... except ArrayFormatError as exc:
    ...     print(str(exc).split(";")[0])
    --values computes at most 65536 cells (MAX_VALUE_CELLS = 2**16), but this layer's \
padded grid has 400005 cells
    """
    if isinstance(plan, DeconvPlan):
        grid, what = deconv_layout(plan).conv.shape, "bordered grid"
    else:
        grid, what = window_grid(plan).shape, "padded grid"
    for name, shape in ((what, grid), ("output", plan.output)):
        cells = math.prod(shape)
        if cells > MAX_VALUE_CELLS:
            size = f"{cells} cells" + (f" ({'×'.join(map(str, shape))})" if len(shape) > 1 else "")
            limit = f"{MAX_VALUE_CELLS} cells (MAX_VALUE_CELLS = 2**{_log2(MAX_VALUE_CELLS)})"
            raise ArrayFormatError(
                f"--values computes at most {limit}, "
                f"but this layer's {name} has {size}; leave out --values to draw its geometry"
            )
    work = math.prod(plan.output) * math.prod(a.kernel for a in plan.axes)
    if work > MAX_VALUE_WORK:
        limit = f"{MAX_VALUE_WORK} multiply-adds (MAX_VALUE_WORK = 2**{_log2(MAX_VALUE_WORK)})"
        raise ArrayFormatError(
            f"--values computes at most {limit}, "
            f"but this layer needs {work} (output cells × kernel taps); leave out --values to "
            "draw its geometry"
        )
