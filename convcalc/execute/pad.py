"""Pad fills for convolution inputs: zeros, reflect, replicate, circular (PyTorch
``padding_mode``), applied one chunk at a time so the padded copy never exceeds a chunk.

The pads themselves come from the shape engine's plan (``pad_low``/``pad_high``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from convcalc.errors import SpecError
from convcalc.shape import AxisPlan

__all__ = ["PADDING_MODES", "check_padding_mode", "padded_slab"]

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
"""Conv pad fills. ``reflect`` mirrors without repeating the edge (NumPy ``reflect``,
SciPy ``mirror``) and needs pads smaller than the input; ``replicate`` repeats the edge;
``circular`` wraps around and needs pads no larger than the input."""


def check_padding_mode(mode: str, axes: Sequence[AxisPlan]) -> str:
    """Validate *mode* against the plan's pads (PyTorch's limits); return its name.

    >>> from convcalc.shape import conv_plan
    >>> check_padding_mode("reflect", conv_plan((3,), 3, padding=3).axes)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    convcalc.errors.SpecError: padding_mode 'reflect' needs pads smaller than ... for size 3
    """
    name = str(mode).strip().lower()
    if name not in PADDING_MODES:
        raise SpecError(
            f"unknown padding_mode {mode!r}; expected one of {', '.join(PADDING_MODES)}"
        )
    for index, a in enumerate(axes):
        worst = max(a.pad_low, a.pad_high)
        if name == "reflect" and worst >= a.input:
            limit = "smaller than"
        elif name == "circular" and worst > a.input:
            limit = "at most"
        else:
            continue
        raise SpecError(
            f"padding_mode {name!r} needs pads {limit} the input size, but axis {index} has "
            f"pads {a.pads} for size {a.input}"
        )
    return name


def _source_index(start: int, stop: int, n: int, mode: str) -> npt.NDArray[np.intp]:
    """Input index of every padded cell ``start..stop-1`` (input coordinates)."""
    index = np.arange(start, stop)
    if mode == "reflect":
        index = np.abs(index)
        return np.where(index >= n, 2 * (n - 1) - index, index)
    if mode == "replicate":
        return np.clip(index, 0, n - 1)
    return index % n


def padded_slab(
    x: npt.NDArray[Any],
    axes: Sequence[AxisPlan],
    mode: str,
    images: tuple[int, int],
    rows: tuple[int, int],
    workspace: npt.NDArray[Any] | None = None,
) -> npt.NDArray[Any]:
    """Images ``images`` of *x* ``(N, C, *spatial)``, padded as planned, restricted along the
    first spatial axis to padded cells ``rows`` (a view when no pad cell is involved).

    A flat *workspace* of enough elements, reused across chunks, saves allocating (and
    page-faulting) a fresh slab per chunk.

    >>> from convcalc.shape import conv_plan
    >>> x = np.arange(1.0, 4.0).reshape(1, 1, 3)
    >>> padded_slab(x, conv_plan((3,), 3, padding=2).axes, "reflect", (0, 1), (0, 7))
    array([[[3., 2., 1., 2., 3., 2., 1.]]])
    """
    n0, n1 = images
    lo, hi = rows
    first = axes[0]
    start, stop = lo - first.pad_low, hi - first.pad_low
    spans = [(start, stop)] + [(-a.pad_low, a.input + a.pad_high) for a in axes[1:]]
    inside = all(s >= 0 and e <= a.input for (s, e), a in zip(spans, axes, strict=True))
    if inside:
        return x[(slice(n0, n1), slice(None), *(slice(s, e) for s, e in spans))]
    if mode != "zeros":
        maps = [_source_index(s, e, a.input, mode) for (s, e), a in zip(spans, axes, strict=True)]
        index: tuple[Any, ...] = (slice(None), slice(None), *np.ix_(*maps))
        return np.asarray(x[n0:n1][index])
    shape = (n1 - n0, x.shape[1], *(e - s for s, e in spans))
    if workspace is None:
        slab = np.zeros(shape, dtype=x.dtype)
        fresh = True
    else:
        slab = workspace[: prod(shape)].reshape(shape)
        fresh = False
    src: list[slice] = []
    dst: list[slice] = []
    for (s, e), a in zip(spans, axes, strict=True):
        a0, a1 = max(s, 0), min(e, a.input)
        if a1 <= a0:
            slab.fill(0)
            return slab
        src.append(slice(a0, a1))
        dst.append(slice(a0 - s, a1 - s))
    if not fresh:  # zero only the pad cells: the strips before and after each axis' data
        lead = (slice(None), slice(None))
        for axis, cut in enumerate(dst):
            before = (slice(None),) * axis
            slab[(*lead, *before, slice(0, cut.start))] = 0
            slab[(*lead, *before, slice(cut.stop, None))] = 0
    slab[(slice(None), slice(None), *dst)] = x[(slice(n0, n1), slice(None), *src)]
    return slab


def prod(values: Sequence[int]) -> int:
    """Product of ints."""
    result = 1
    for v in values:
        result *= v
    return result
