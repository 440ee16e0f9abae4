"""Arrays for ``convcalc diagram --values``: reading them, and the output values to print.

NumPy is imported here only; ``convcalc diagram`` loads this module only with ``--values``.

The output values come from :func:`compute_output`, an interim executor kept in one place
on purpose: a direct NumPy dot product per window (convolution, pooling) and a scatter
(transposed convolution), fine for the small arrays a diagram shows.
"""

from __future__ import annotations

import json
import math
import os
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from convcalc.errors import ArrayFormatError
from convcalc.layout import DiagramValues, ValueTable
from convcalc.shape import DeconvPlan, WindowPlan

__all__ = ["Op", "compute_output", "diagram_values", "load_array"]

Op = Literal["conv", "deconv", "max", "avg"]
Array = NDArray[np.float64]


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
    except (OSError, ValueError, TypeError) as exc:
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
    """The layer's output for input *x* (and *kernel*), computed directly.

    Convolution is cross-correlation (PyTorch, TensorFlow); padding is zero, ignored by
    max pooling and counted by average pooling only with *include_pad*; a transposed
    convolution scatters ``x[i]·w[t]`` to ``i·s + t·d`` and keeps cells ``pad_low ..``.

    >>> from convcalc.shape import conv_plan
    >>> compute_output(conv_plan((4,), 2), np.arange(4.0), np.ones(2), "conv").tolist()
    [1.0, 3.0, 5.0]
    """
    # TODO(lead): switch to convcalc.execute once merged
    if isinstance(plan, DeconvPlan):
        assert kernel is not None
        return _scatter(plan, x, kernel)
    out = np.empty(plan.output)
    for idx in np.ndindex(*plan.output):
        taps = [np.asarray(a.taps(j)) for a, j in zip(plan.axes, idx, strict=True)]
        inside = [(t >= 0) & (t < a.input) for t, a in zip(taps, plan.axes, strict=True)]
        padded = [
            (t >= -a.pad_low) & (t < a.input + a.pad_high)
            for t, a in zip(taps, plan.axes, strict=True)
        ]
        clipped = [np.clip(t, 0, a.input - 1) for t, a in zip(taps, plan.axes, strict=True)]
        window = x[np.ix_(*clipped)]
        mask = _outer(inside)
        if op == "conv":
            assert kernel is not None
            out[idx] = float(np.sum(np.where(mask, window, 0.0) * kernel))
        elif op == "max":
            out[idx] = float(np.max(window[mask])) if mask.any() else -math.inf
        else:
            count = _outer(padded).sum() if include_pad else mask.sum()
            total = float(np.sum(np.where(mask, window, 0.0)))
            out[idx] = total / count if count else math.nan
    return out


def _outer(masks: list[NDArray[np.bool_]]) -> NDArray[np.bool_]:
    result = masks[0]
    for m in masks[1:]:
        result = np.logical_and.outer(result, m)
    return result


def _scatter(plan: DeconvPlan, x: Array, kernel: Array) -> Array:
    axes = plan.axes
    full = np.zeros([a.full for a in axes])
    for tap in np.ndindex(*kernel.shape):
        where = tuple(
            slice(t * a.dilation, t * a.dilation + a.stretched, a.stride)
            for t, a in zip(tap, axes, strict=True)
        )
        full[where] += x * kernel[tap]
    out = np.zeros(plan.output)
    src = tuple(slice(a.pad_low, min(a.pad_low + a.output, a.full)) for a in axes)
    dst = tuple(slice(0, max(min(a.output, a.full - a.pad_low), 0)) for a in axes)
    out[dst] = full[src]
    return out


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
    if op in ("conv", "deconv"):
        shape = tuple(a.kernel for a in plan.axes)
        if kernel is None:
            kernel = np.ones(shape)
        _check_shape(kernel, shape, "--kernel-values")
    out = compute_output(plan, x, kernel, op, include_pad=include_pad)
    return DiagramValues(
        input=ValueTable.from_nested(x.tolist()),
        output=ValueTable.from_nested(out.tolist()),
        kernel=None if kernel is None else ValueTable.from_nested(kernel.tolist()),
    )
