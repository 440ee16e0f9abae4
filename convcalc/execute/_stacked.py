"""The sub-pixel col2im of a transposed convolution: the last axis' taps summed inside the
GEMM, the other taps by one strided ``np.add`` each, straight into the output.

Used for ``groups == 1`` with two or more spatial axes when the pixel-shuffle form
(:mod:`._window`) does not apply. Chunks run side by side on worker threads with a
one-thread BLAS.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import numpy as np

from convcalc.execute import _base
from convcalc.execute._base import FloatArray, prod
from convcalc.execute._phases import AxisPhases, SubPixel, phase_cells

__all__ = ["stacked_col2im"]


class _Grid(NamedTuple):
    """The flattened, padded grid the slots and GEMM results live in."""

    extents: list[int]  # per axis: holds the input and every output cell
    pitch: list[int]  # flat step of one cell per axis
    cells: int  # cells of one image
    lead: int  # zero cells before the first image
    tail: int  # zero cells after the last image
    lows: list[int]  # least tap shift per axis
    slots: int  # distinct last-axis shifts


def _grid(spatial: tuple[int, ...], phases: list[AxisPhases]) -> _Grid:
    """Grid pitch per axis: holds the input and every output cell; a read ``m - q`` past
    either end lands on pad cells of this row or the neighbouring one, never on data."""
    lows = [min(p.shift) for p in phases]
    highs = [max(p.shift) for p in phases]
    extents = [
        max(size + max(high, 0), max(p.sizes) - min(low, 0), max(p.sizes), size)
        for size, p, low, high in zip(spatial, phases, lows, highs, strict=True)
    ]
    pitch = [prod(extents[a + 1 :]) for a in range(len(spatial))]
    lead = max(0, sum(h * step for h, step in zip(highs[:-1], pitch[:-1], strict=True)), -lows[-1])
    tail = max(0, highs[-1], -sum(q * step for q, step in zip(lows[:-1], pitch[:-1], strict=True)))
    slots = highs[-1] - lows[-1] + 1
    return _Grid(extents, pitch, prod(extents), lead, tail, lows, slots)


def _gemms(w: FloatArray, phases: list[AxisPhases], low: int) -> list[tuple[int, int, FloatArray]]:
    """Per reached last-axis phase ``b``: ``(b, first slot, weights (1, others·O, slots·C))``;
    a slot between two taps of the phase gets zero weights."""
    per_in, per_out = w.shape[:2]
    kernel = w.shape[2:]
    others = prod(kernel[:-1])
    last = phases[-1]
    by_tap = w.reshape(1, per_in, per_out, others, kernel[-1])
    gemms = []
    for b in range(len(last.sizes)):
        members = [t for t in range(kernel[-1]) if last.phase[t] == b]
        if not members or last.sizes[b] == 0:
            continue
        first = min(last.shift[t] for t in members) - low
        used = max(last.shift[t] for t in members) - low - first + 1
        weights = np.zeros((1, others, per_out, used, per_in), dtype=w.dtype)
        for t in members:
            weights[:, :, :, last.shift[t] - low - first] = by_tap[..., t].transpose(0, 3, 2, 1)
        gemms.append((b, first, weights.reshape(1, others * per_out, used * per_in)))
    return gemms


def _outer_taps(
    phases: list[AxisPhases], kernel: tuple[int, ...], grid: _Grid
) -> tuple[list[tuple[int, ...]], list[list[tuple[int, int]]]]:
    """The phases of every axis but the last, and per phase its taps as ``(index, flat
    offset of the tap's shifted grid)``."""
    phase_grid = list(itertools.product(*(range(len(p.sizes)) for p in phases[:-1])))
    outer = [
        [
            (
                index,
                grid.lead
                - sum(
                    p.shift[t] * step
                    for p, t, step in zip(phases[:-1], tap, grid.pitch[:-1], strict=True)
                ),
            )
            for index, tap in enumerate(np.ndindex(*kernel))
            if all(p.phase[t] == q for p, t, q in zip(phases[:-1], tap, phase, strict=True))
        ]
        for phase in phase_grid
    ]
    return phase_grid, outer


class _Taps(NamedTuple):
    """The GEMMs per last-axis phase and the remaining taps per phase of the other axes."""

    others: int  # taps of every axis but the last
    gemms: list[tuple[int, int, FloatArray]]  # (last-axis phase, first slot, weights)
    phase_grid: list[tuple[int, ...]]
    outer: list[list[tuple[int, int]]]  # per phase_grid entry: (tap index, flat offset)

    def written(self, phases: list[AxisPhases]) -> set[tuple[int, ...]]:
        """The output phases some tap reaches (the others are zeroed at the end)."""
        return {
            (*phase, b)
            for b, _, _ in self.gemms
            for phase, taps in zip(self.phase_grid, self.outer, strict=True)
            if taps and all(p.sizes[q] > 0 for p, q in zip(phases, (*phase, b), strict=True))
        }


def stacked_col2im(task: SubPixel) -> bool:
    """Sub-pixel form: the last axis' taps are summed inside the GEMM (stacked along K), the
    other taps by one strided ``np.add`` each, straight into the output.

    The input is staged once per distinct last-axis shift ``q`` ("slots": the padded input,
    flattened over images and spatial axes, moved by ``q`` cells; slot 0 is copied from the
    input, the others are one long shifted copy of it), so the slots of one last-axis phase,
    stacked, are the ``(taps·C, positions)`` operand of that phase without further copies.
    One GEMM per last-axis phase (K = its taps × C, M = every other tap × O)
    gives, per remaining tap, a grid whose flat shift by that tap's offset is its
    contribution; each output phase is then the sum of its taps' shifted grids, written by one
    strided ``np.add`` (or copy) straight into the output. Grid cells outside the output are
    computed and never read (the inner axes are padded by the taps' shift span).

    Used for ``groups == 1`` with two or more spatial axes, where it took 0.4–1.0× the time
    of :func:`~convcalc.execute._col2im.phase_col2im` on the shapes measured (at parity with
    256 input channels; grouped layers, with batched per-group GEMMs, and 1-D layers were
    slower). Returns ``False``, leaving *out* untouched, when one image's temporaries exceed
    the budget.
    """
    x, w, phases, out = task.x, task.w, task.phases, task.out
    channels = x.shape[1]
    kernel = w.shape[2:]
    grid = _grid(x.shape[2:], phases)
    others = prod(kernel[:-1])
    rows = grid.slots * channels + others * out.shape[1]  # staged slots + GEMM result
    per_image, fixed = rows * grid.cells * out.itemsize, rows * (grid.lead + grid.tail)
    count = task.images_per_chunk(per_image, fixed * out.itemsize)
    if not count:
        return False
    taps = _Taps(others, _gemms(w, phases, grid.lows[-1]), *_outer_taps(phases, kernel[:-1], grid))
    written = taps.written(phases)
    span = grid.lead + count * grid.cells + grid.tail

    def job(images: slice) -> None:
        _chunk(x[images], out[images], phases, grid, taps, written, span)

    task.run(count, job)
    for phase in np.ndindex(*(len(p.sizes) for p in phases)):
        if phase not in written:  # no tap reaches these cells
            out[(slice(None), slice(None), *phase_cells(phases, phase))] = 0
    return True


def _chunk(
    x: FloatArray,
    out: FloatArray,
    phases: list[AxisPhases],
    grid: _Grid,
    taps: _Taps,
    written: set[tuple[int, ...]],
    span: int,
) -> None:
    """Images *x* into *out* (the same images): stage the slots, then per last-axis phase
    one GEMM and the sums of its taps' shifted grids."""
    part, channels = x.shape[:2]
    filters = out.shape[1]
    staged = _stage_slots(x, grid, span, out.dtype)
    grids = _base.workspace("columns", taps.others * filters * span, out.dtype)
    grids = grids.reshape(1, taps.others, filters, span)
    length = grid.lead + part * grid.cells + grid.tail
    target = out.reshape(part, 1, *out.shape[1:])
    for b, first, weights in taps.gemms:
        stack = staged[:, first : first + weights.shape[2] // channels, :, :length]
        result = grids[..., :length]
        np.matmul(weights, stack.reshape(1, -1, length), out=result.reshape(1, -1, length))
        for phase, outer in zip(taps.phase_grid, taps.outer, strict=True):
            full = (*phase, b)
            if full in written:
                sizes = [p.sizes[q] for p, q in zip(phases, full, strict=True)]
                cells = phase_cells(phases, full)
                dst = target[(slice(None), slice(None), slice(None), *cells)]
                _sum_taps(result, outer, grid, sizes, dst)


def _stage_slots(x: FloatArray, grid: _Grid, span: int, dtype: np.dtype[Any]) -> FloatArray:
    """Images *x* staged as slot 0 (the zero-padded grid, flattened) and slot ``s`` = slot 0
    moved by ``s`` cells (one long copy); returns ``(1, slots, C, span)``."""
    part, channels = x.shape[:2]
    spatial = x.shape[2:]
    staged = _base.workspace("staged", grid.slots * channels * span, dtype)
    staged = staged.reshape(1, grid.slots, channels, span)
    length = grid.lead + part * grid.cells + grid.tail
    source = np.moveaxis(x.reshape(part, 1, channels, *spatial), 0, 2)
    start = grid.lead + grid.lows[-1]  # flat cell of input cell 0 in slot 0
    slot = staged[:, 0, :, :length]
    slot[..., :start] = 0
    slot[..., start + part * grid.cells :] = 0
    cells = slot[..., start : start + part * grid.cells].reshape(1, channels, part, *grid.extents)
    for a in range(len(spatial)):
        cells[(slice(None),) * (3 + a) + (slice(spatial[a], None),)] = 0
    cells[(slice(None), slice(None), slice(None), *(slice(0, m) for m in spatial))] = source
    for s in range(1, grid.slots):
        staged[:, s, :, :s] = 0
        staged[:, s, :, s:length] = slot[..., : length - s]
    return staged


def _sum_taps(
    result: FloatArray,
    taps: list[tuple[int, int]],
    grid: _Grid,
    sizes: list[int],
    dst: FloatArray,
) -> None:
    """One output phase: the sum of its taps' shifted grids of the GEMM *result*
    ``(1, others, O, length)``, written into *dst* by one copy or strided adds."""
    part = dst.shape[0]
    views = [
        np.moveaxis(
            result[:, index, :, offset : offset + part * grid.cells].reshape(
                1, result.shape[2], part, *grid.extents
            )[(slice(None), slice(None), slice(None), *map(slice, sizes))],
            2,
            0,
        )
        for index, offset in taps
    ]
    if len(views) == 1:
        np.copyto(dst, views[0])
    else:
        np.add(views[0], views[1], out=dst)
        for view in views[2:]:
            dst += view
