"""The add-into-zeros col2im kernels of the transposed convolution (any groups, any rank).

* :func:`phase_col2im` — per output phase, one GEMM for that phase's taps and one long
  contiguous slice-add per tap into a phase buffer; used when padding the input's inner
  axes to the buffer pitch grows the GEMM little.
* :func:`gemm_col2im` — the general case: the columns ``W_gᵀ · x`` one chunk at a time,
  scattered with one strided slice-add per kernel tap (never ``np.add.at``).

Both expect *out* zero-filled and add into it.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

from convcalc.execute import _base
from convcalc.execute._base import FloatArray, plan_chunks, prod, tap_span
from convcalc.execute._phases import AxisPhases, phase_cells, tap_offset
from convcalc.shape import DeconvPlan

__all__ = ["PHASE_BLOCK_BYTES", "gemm_col2im", "phase_col2im"]

PHASE_BLOCK_BYTES = 2**20
"""Preferred size of one phase's columns per chunk in the phase-wise col2im (about L2, so
the slice-adds read them from cache)."""


class _Phase(NamedTuple):
    """One output phase of :func:`phase_col2im`: its GEMM and where its taps land."""

    weights: FloatArray  # (G, taps·O/G, C/G)
    offsets: list[int]  # flat offset of each tap's block in the phase buffer
    crop: tuple[slice, ...]  # the phase's output cells inside the buffer
    cells: tuple[slice, ...]  # ...and inside the output (strided)


def _phase_plans(
    w: FloatArray, phases: list[AxisPhases], groups: int, extents: list[int]
) -> list[_Phase]:
    """Every output phase some tap reaches and that has cells, with its weights and taps."""
    per_in, per_out = w.shape[0] // groups, w.shape[1]
    kernel = w.shape[2:]
    pitch = [prod(extents[a + 1 :]) for a in range(len(extents))]
    by_tap = w.reshape(groups, per_in, per_out, prod(kernel))
    plans = []
    for phase in itertools.product(*(range(len(p.sizes)) for p in phases)):
        sizes = [p.sizes[q] for p, q in zip(phases, phase, strict=True)]
        members = [
            (index, tap_offset(phases, tap, pitch))
            for index, tap in enumerate(np.ndindex(*kernel))
            if all(p.phase[t] == q for p, t, q in zip(phases, tap, phase, strict=True))
        ]
        if not members or min(sizes) == 0:
            continue
        chosen = by_tap[..., [index for index, _ in members]]  # (G, C/G, O/G, taps)
        weights = np.ascontiguousarray(chosen.transpose(0, 3, 2, 1)).reshape(groups, -1, per_in)
        crop = tuple(slice(p.origin, p.origin + m) for p, m in zip(phases, sizes, strict=True))
        plans.append(
            _Phase(weights, [offset for _, offset in members], crop, phase_cells(phases, phase))
        )
    return plans


def phase_col2im(
    x: FloatArray,
    w: FloatArray,
    phases: list[AxisPhases],
    groups: int,
    out: FloatArray,
    budget: int,
) -> None:
    """Per chunk of whole images and per output phase: one GEMM gives the columns of that
    phase's taps only (they stay in cache), each tap is one long contiguous slice-add of a
    shifted block into the phase buffer, and one strided copy puts the phase into *out*.

    No worker threads here: OpenBLAS' threads keep spinning after each GEMM, and on a small
    machine extra threads would only compete with them."""
    n, channels = x.shape[:2]
    per_in, filters = channels // groups, out.shape[1]
    spatial = x.shape[2:]
    extents = [p.extent for p in phases]
    padded = (spatial[0], *extents[1:])  # inner axes padded to the buffer pitch
    cells, size = prod(padded), prod(extents)
    plans = _phase_plans(w, phases, groups, extents)
    if not plans:
        return
    most = max(len(plan.offsets) for plan in plans)
    per_image = filters * most * cells * out.itemsize
    per_chunk = min(n, max(1, min(PHASE_BLOCK_BYTES, budget) // per_image))
    staged = _base.workspace("staged", groups * per_in * per_chunk * cells, out.dtype)
    staged = staged.reshape(groups, per_in, per_chunk, *padded)
    staged.fill(0)  # the padding cells stay zero; chunks overwrite the real cells only
    columns = _base.workspace("columns", filters * most * per_chunk * cells, out.dtype)
    buffer = _base.workspace("phase", filters * per_chunk * size, out.dtype)
    real = tuple(slice(0, m) for m in spatial)
    for n0 in range(0, n, per_chunk):
        count = min(per_chunk, n - n0)
        stage = staged[:, :, :count]
        source = x[n0 : n0 + count].reshape(count, groups, per_in, *spatial)
        stage[(slice(None), slice(None), slice(None), *real)] = np.moveaxis(source, 0, 2)
        flat = stage.reshape(groups, per_in, count * cells)
        buf = buffer[: filters * count * size].reshape(groups, -1, count, size)
        for plan in plans:
            grid = _phase_grid(plan, flat, columns, buf, extents)
            target = out[(slice(n0, n0 + count), slice(None), *plan.cells)]
            target[...] = np.moveaxis(grid, 0, 1)


def _phase_grid(
    plan: _Phase, flat: FloatArray, columns: FloatArray, buf: FloatArray, extents: list[int]
) -> FloatArray:
    """One phase of a chunk: its GEMM, each tap's block added at its offset into *buf*
    ``(G, O/G, images, cells)``; returns the phase's output cells ``(O, images, ...)``."""
    groups, per_out, count, size = buf.shape
    filters, cells = groups * per_out, flat.shape[2] // count
    taps = len(plan.offsets)
    cols = columns[: filters * taps * count * cells].reshape(groups, -1, count * cells)
    np.matmul(plan.weights, flat, out=cols)
    cols = cols.reshape(groups, taps, per_out, count, cells)
    delta = plan.offsets[0]  # the first tap is copied; only the rest of the buffer zeroed
    length = min(cells, size - delta)
    buf[..., :delta] = 0
    buf[..., delta + length :] = 0
    buf[..., delta : delta + length] = cols[:, 0, ..., :length]
    for t, delta in enumerate(plan.offsets[1:], start=1):
        length = min(cells, size - delta)
        buf[..., delta : delta + length] += cols[:, t, ..., :length]
    return buf.reshape(filters, count, *extents)[(slice(None), slice(None), *plan.crop)]


def gemm_col2im(
    x: FloatArray, w: FloatArray, plan: DeconvPlan, groups: int, out: FloatArray, budget: int
) -> None:
    """Columns ``W_gᵀ · x`` per chunk of images × input rows, each kernel tap's block added
    to its strided output cells by one slice-add."""
    n, channels = x.shape[:2]
    per_in = channels // groups
    kernel = w.shape[2:]
    taps = prod(kernel)
    filters = out.shape[1]
    weights = np.ascontiguousarray(
        w.reshape(groups, per_in, -1).transpose(0, 2, 1)
    )  # (G, O/G·k, C/G)
    rows, rest_shape = x.shape[2], x.shape[3:]
    rest = prod(rest_shape)
    flat = x.reshape(n, groups, per_in, rows * rest)
    row_bytes = filters * taps * rest * out.itemsize
    chunks = plan_chunks(n, rows, row_bytes, min(_base.BLOCK_BYTES, budget))
    largest = max((c[1] - c[0]) * (c[3] - c[2]) for c in chunks) * filters * taps * rest
    buffer = _base.workspace("columns", largest, out.dtype)
    spans = [
        [tap_span(a.input, a.output, a.stride, t * a.dilation - a.pad_low) for t in range(a.kernel)]
        for a in plan.axes
    ]
    for n0, n1, r0, r1 in chunks:
        count = n1 - n0
        cols = buffer[: count * filters * taps * (r1 - r0) * rest].reshape(
            count, groups, -1, (r1 - r0) * rest
        )
        np.matmul(weights, flat[n0:n1, :, :, r0 * rest : r1 * rest], out=cols)
        cols_t = cols.reshape(count, filters, *kernel, r1 - r0, *rest_shape)
        for tap in np.ndindex(*kernel):
            where = _tap_slices(plan, spans, tap, r0, r1)
            if where is not None:
                src, dst = where
                out[(slice(n0, n1), slice(None), *dst)] += cols_t[
                    (slice(None), slice(None), *tap, *src)
                ]


def _tap_slices(
    plan: DeconvPlan,
    spans: list[list[tuple[int, int]]],
    tap: tuple[int, ...],
    r0: int,
    r1: int,
) -> tuple[list[slice], list[slice]] | None:
    """Input cells (relative to row *r0*) and output cells of one tap for input rows
    ``r0:r1``, or ``None`` when the tap reaches no output cell from them."""
    src: list[slice] = []
    dst: list[slice] = []
    for axis, (t, a) in enumerate(zip(tap, plan.axes, strict=True)):
        i0, i1 = spans[axis][t]
        origin = 0
        if axis == 0:
            i0, i1, origin = max(i0, r0), min(i1, r1), r0
        if i1 <= i0:
            return None
        start = i0 * a.stride + t * a.dilation - a.pad_low
        src.append(slice(i0 - origin, i1 - origin))
        dst.append(slice(start, start + (i1 - i0 - 1) * a.stride + 1, a.stride))
    return src, dst
