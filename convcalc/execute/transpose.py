"""Transposed convolution ("deconvolution") on NumPy arrays: GEMM, then col2im by slice-adds.

(Layers with one group and two or more spatial axes take a sub-pixel path: when the kernel
is a multiple of the stride on every axis (kernel 4 / stride 2, the usual ×2 upsampling),
:func:`_window_gemm` computes every output phase in one GEMM and shuffles the phases into
the output; otherwise :func:`_stacked_col2im` sums the last axis' taps inside the GEMM.
Their chunks run side by side on worker threads with a one-thread BLAS.)

Input cell ``i`` and kernel tap ``t`` land on output cell ``i·s + t·d − pad_low`` (cells
outside ``[0, output)`` are cropped); the plan from :func:`convcalc.shape.deconv_plan`
supplies ``pad_low`` and the output size, so PyTorch semantics (explicit pads,
``output_padding``) and TensorFlow semantics (``same``/``valid``, ``output_shape``) are one
code path. The columns ``W_gᵀ · x`` are computed one chunk at a time and scattered with one
strided slice-add per kernel tap (never ``np.add.at``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convcalc.errors import ArrayFormatError
from convcalc.execute import _base
from convcalc.execute._base import (
    FloatArray,
    as_compute,
    ceil_div,
    plain_ints,
    plan_chunks,
    prod,
    run_gemm_chunks,
    tap_span,
)
from convcalc.execute.conv import check_groups, prepare_bias
from convcalc.execute.layout import Layout, get_layout
from convcalc.shape import DeconvAxis, DeconvPlan, PaddingArg, deconv_plan

__all__ = ["PHASE_BLOCK_BYTES", "PHASE_MAX_GROWTH", "conv_transpose"]

PHASE_BLOCK_BYTES = 2**20
"""Preferred size of one phase's columns per chunk in the phase-wise col2im (about L2, so
the slice-adds read them from cache)."""

STACKED_BLOCK_BYTES = 16 * 2**20
"""Preferred size of one chunk's staged slots plus GEMM result in the sub-pixel path."""

PHASE_MAX_GROWTH = 1.5
"""The phase-wise col2im pads the input's inner axes so every kernel tap is one flat shift;
it is used when that padding grows the GEMM by at most this factor."""


def conv_transpose(
    x: npt.ArrayLike,
    kernel: npt.ArrayLike,
    *,
    bias: npt.ArrayLike | None = None,
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = 0,
    output_padding: int | Sequence[int] | None = None,
    output_size: Sequence[int] | None = None,
    groups: int = 1,
    layout: str | Layout = "plain",
    budget: int | None = None,
) -> FloatArray:
    """Transposed convolution, the adjoint of :func:`~convcalc.execute.conv` (same
    stride, dilation and pads).

    Explicit pads follow PyTorch ``conv_transposeNd`` (``output_padding`` cells appended at
    the end); a mode name (``same``, ``valid``) follows TensorFlow/Keras: the size defaults to
    Keras' and ``output_size`` picks any size TensorFlow accepts (see
    :func:`convcalc.shape.deconv_plan`). Weights: ``(C_in, O/groups, *k)`` under ``nc…``
    layouts, ``(*k, O/groups, C_in)`` under ``n…c`` layouts, ``*k`` under ``plain``.

    >>> conv_transpose([1, 2], [1, 10, 100], stride=2)
    array([  1.,  10., 102.,  20., 200.])
    >>> conv_transpose([1, 2], [1, 10, 100], stride=2, padding="same").tolist()
    [1.0, 10.0, 102.0, 20.0]
    """
    lay = get_layout(layout)
    xa = as_compute(x, None, "input")
    rank = lay.spatial_rank(xa)
    wa = lay.deconv_weight(as_compute(kernel, xa.dtype, "kernel"), rank)
    xf = lay.to_first(xa)
    channels = xf.shape[1]
    if wa.shape[0] != channels:
        raise ArrayFormatError(
            f"the kernel is laid out for {wa.shape[0]} input channel(s) (C_in) but the input "
            f"has {channels}"
        )
    per_out = wa.shape[1]
    groups = check_groups(plain_ints(groups), channels)
    plan = deconv_plan(
        xf.shape[2:],
        wa.shape[2:],
        stride=plain_ints(stride),
        dilation=plain_ints(dilation),
        padding=plain_ints(padding),
        output_padding=plain_ints(output_padding),
        output_size=plain_ints(output_size),
    )
    filters = per_out * groups
    b = prepare_bias(bias, filters, xa.dtype)
    out = np.empty((xf.shape[0], filters, *plan.output), dtype=xa.dtype)
    cap = max(_base.CHUNK_BUDGET if budget is None else budget, 1)
    phases = [_AxisPhases.of(a) for a in plan.axes]
    # The sub-pixel path writes every output cell; the others add into zeros.
    if not (
        out.size
        and xf.size
        and groups == 1
        and rank >= 2
        and (_window_gemm(xf, wa, phases, out, cap) or _stacked_col2im(xf, wa, phases, out, cap))
    ):
        out.fill(0)
        if out.size and xf.size:
            inner = prod(p.extent for p in phases[1:]) / max(prod(xf.shape[3:]), 1)
            image_bytes = filters * prod(wa.shape[2:]) * xf.shape[2] * out.itemsize
            if inner <= PHASE_MAX_GROWTH and image_bytes * inner <= cap:
                _phase_col2im(xf, wa, phases, groups, out, cap)
            else:
                _gemm_col2im(np.ascontiguousarray(xf), wa, plan, groups, out, cap)
    if b is not None:
        out += b.reshape((1, filters) + (1,) * rank)
    return lay.from_first(out)


@dataclass(frozen=True, slots=True)
class _AxisPhases:
    """One axis of a transposed convolution seen per output phase ``y mod s``.

    Tap ``t`` sends input ``i`` to output ``y = i·s + t·d − pad_low``, i.e. to phase
    ``p_t = (t·d − pad_low) mod s`` at cell ``m = i + q_t`` of that phase's sub-grid. In a
    buffer indexed ``m + origin`` (``origin = −min q``) every tap is a whole-cell shift.
    """

    phase: tuple[int, ...]  # p_t per tap
    shift: tuple[int, ...]  # q_t per tap
    sizes: tuple[int, ...]  # output cells of each phase: ceil((output − p) / s)
    origin: int
    extent: int  # buffer length: holds every shifted input cell and every output cell

    @classmethod
    def of(cls, a: DeconvAxis) -> _AxisPhases:
        offsets = [t * a.dilation - a.pad_low for t in range(a.kernel)]
        phase = tuple(o % a.stride for o in offsets)
        shift = tuple((o - p) // a.stride for o, p in zip(offsets, phase, strict=True))
        sizes = tuple(max(0, ceil_div(a.output - p, a.stride)) for p in range(a.stride))
        origin = -min(shift)
        extent = max(a.input + max(shift) + origin, origin + max(sizes))
        return cls(phase, shift, sizes, origin, extent)


def _phase_col2im(
    x: FloatArray,
    w: FloatArray,
    phases: list[_AxisPhases],
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
    per_out = filters // groups
    kernel, spatial = w.shape[2:], x.shape[2:]
    extents = [p.extent for p in phases]
    padded = (spatial[0], *extents[1:])  # inner axes padded to the buffer pitch
    cells, size = prod(padded), prod(extents)
    pitch = [prod(extents[a + 1 :]) for a in range(len(extents))]
    by_tap = w.reshape(groups, per_in, per_out, prod(kernel))
    plans = []  # per phase: weights (G, taps·O/G, C/G), tap offsets, crop, strided target
    for phase in itertools.product(*(range(len(p.sizes)) for p in phases)):
        sizes = [p.sizes[q] for p, q in zip(phases, phase, strict=True)]
        members = [
            (index, _offset(phases, tap, pitch))
            for index, tap in enumerate(np.ndindex(*kernel))
            if all(p.phase[t] == q for p, t, q in zip(phases, tap, phase, strict=True))
        ]
        if not members or min(sizes) == 0:
            continue
        chosen = by_tap[..., [index for index, _ in members]]  # (G, C/G, O/G, taps)
        weights = np.ascontiguousarray(chosen.transpose(0, 3, 2, 1)).reshape(groups, -1, per_in)
        crop = tuple(slice(p.origin, p.origin + m) for p, m in zip(phases, sizes, strict=True))
        plans.append((weights, [offset for _, offset in members], crop, _cells(phases, phase)))
    if not plans:
        return
    most = max(len(offsets) for _, offsets, _, _ in plans)
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
        buf = buffer[: filters * count * size].reshape(groups, per_out, count, size)
        for weights, offsets, crop, where in plans:
            taps = len(offsets)
            cols = columns[: filters * taps * count * cells].reshape(groups, -1, count * cells)
            np.matmul(weights, flat, out=cols)
            cols = cols.reshape(groups, taps, per_out, count, cells)
            delta = offsets[0]  # the first tap is copied; only the rest of the buffer zeroed
            length = min(cells, size - delta)
            buf[..., :delta] = 0
            buf[..., delta + length :] = 0
            buf[..., delta : delta + length] = cols[:, 0, ..., :length]
            for t, delta in enumerate(offsets[1:], start=1):
                length = min(cells, size - delta)
                buf[..., delta : delta + length] += cols[:, t, ..., :length]
            grid = buf.reshape(filters, count, *extents)[(slice(None), slice(None), *crop)]
            target = out[(slice(n0, n0 + count), slice(None), *where)]
            target[...] = np.moveaxis(grid, 0, 1)


@dataclass(frozen=True, slots=True)
class _AxisWindow:
    """One axis of the pixel-shuffle form: output phase ``p``'s cell ``m`` is the sum over a
    ``width``-cell input window, the one starting at input ``g + start`` for grid position
    ``g = m + align[p]``; window cell ``j`` meets kernel tap ``taps[p][j]``.

    Built only when every phase has ``width`` taps with consecutive shifts (no zero
    weights), e.g. kernel 4 / stride 2, kernel 2 / stride 2: then ``width × stride`` equals
    the kernel and the one GEMM does exactly the layer's multiply-adds.
    """

    width: int
    start: int
    align: tuple[int, ...]
    taps: tuple[tuple[int, ...], ...]
    grid: int  # window positions: covers every phase's cells
    length: int  # pitch of the padded input (see below)

    @classmethod
    def of(cls, p: _AxisPhases, size: int) -> _AxisWindow | None:
        """The window form of an axis with *size* input cells, or ``None``.

        The padded input holds ``lead = max(0, -start)`` zero cells, the input, then zeros up
        to ``length``. Windows near the end may run past ``length`` into the next row (or
        image) of the flattened buffer: that is harmless while they only reach its leading
        zeros, so ``length`` is ``grid + width - 1 - lead`` when that holds the input.
        """
        members = [
            sorted((p.shift[t], t) for t in range(len(p.phase)) if p.phase[t] == q)
            for q in range(len(p.sizes))
        ]
        width = len(members[0])
        for group in members:
            shifts = [q for q, _ in group]
            if (
                not width
                or len(group) != width
                or shifts != list(range(shifts[0], shifts[0] + width))
            ):
                return None
        highest = [group[-1][0] for group in members]
        start = -max(highest)
        align = tuple(-h - start for h in highest)
        # window cell j reads input g + start + j = m - shift, so j = highest - shift
        taps = tuple(tuple(t for _, t in reversed(group)) for group in members)
        grid = max(c + cells for c, cells in zip(align, p.sizes, strict=True))
        lead = max(0, -start)
        length = max(grid, lead + size, grid + width - 1 - lead)
        return cls(width, start, align, taps, grid, length)


def _window_gemm(
    x: FloatArray,
    w: FloatArray,
    phases: list[_AxisPhases],
    out: FloatArray,
    budget: int,
) -> bool:
    """Pixel-shuffle form for ``groups == 1``: one GEMM per chunk computes every output phase.

    The input is staged once into a zero-padded grid (flattened over images and spatial
    axes) and once more per window cell, moved by that cell's flat offset, so the stacked
    copies are the ``(window·C, positions)`` operand; the weights are ``(phases·O,
    window·C)``. Each phase's rows of the result are then copied to its strided cells of
    the output. No adds, no wasted multiply-adds (see :class:`_AxisWindow`). Returns
    ``False``, leaving *out* untouched, when an axis does not fit that form or one image's
    temporaries exceed *budget*.
    """
    windows = [_AxisWindow.of(p, size) for p, size in zip(phases, x.shape[2:], strict=True)]
    if any(win is None for win in windows):
        return False
    wins = [win for win in windows if win is not None]
    n, channels = x.shape[:2]
    filters, rank = out.shape[1], len(wins)
    lengths = [win.length for win in wins]
    cells = prod(lengths)
    pitch = [prod(lengths[a + 1 :]) for a in range(rank)]
    offsets = [
        sum(j * step for j, step in zip(cell, pitch, strict=True))
        for cell in np.ndindex(*(win.width for win in wins))
    ]
    strides = [len(p.sizes) for p in phases]
    tail = offsets[-1]
    per_image = (len(offsets) * channels + prod(strides) * filters) * cells * out.itemsize
    count = _images_per_chunk(n, per_image, channels * tail * out.itemsize, budget)
    if not count:
        return False
    index: list[Any] = []  # tap of (phase, window cell) per axis: axes a, rank + a of a grid
    for a, win in enumerate(wins):
        shape = [1] * (2 * rank)
        shape[a], shape[rank + a] = strides[a], win.width
        index.append(np.array(win.taps).reshape(shape))
    gathered = w[(slice(None), slice(None), *index)]  # (C, O, *phases, *window cells)
    order = (*range(2, 2 + rank), 1, *range(2 + rank, 2 + 2 * rank), 0)
    weights = gathered.transpose(order).reshape(-1, len(offsets) * channels)
    # input cell i sits at grid cell i - start; cells beyond the input stay zero
    src = tuple(
        slice(max(0, win.start), min(size, win.start + win.length))
        for win, size in zip(wins, x.shape[2:], strict=True)
    )
    dst = tuple(
        slice(s.start - win.start, s.stop - win.start) for s, win in zip(src, wins, strict=True)
    )

    def job(n0: int) -> None:
        part = min(count, n - n0)
        width = part * cells
        staged = _base.workspace("staged", len(offsets) * channels * (width + tail), out.dtype)
        staged = staged.reshape(len(offsets), channels, width + tail)
        first = staged[0]
        first[:, width:] = 0
        grid = first[:, :width].reshape(channels, part, *lengths)
        for a, cells_a in enumerate(dst):  # the pad cells around the input
            grid[(slice(None),) * (2 + a) + (slice(None, cells_a.start),)] = 0
            grid[(slice(None),) * (2 + a) + (slice(cells_a.stop, None),)] = 0
        grid[(slice(None), slice(None), *dst)] = np.moveaxis(x[n0 : n0 + part], 0, 1)[
            (slice(None), slice(None), *src)
        ]
        for k, offset in enumerate(offsets[1:], start=1):
            staged[k, :, :width] = first[:, offset : offset + width]
        result = _base.workspace("columns", weights.shape[0] * width, out.dtype)
        result = result.reshape(weights.shape[0], width)
        np.matmul(weights, staged[:, :, :width].reshape(-1, width), out=result)
        shaped = result.reshape(*strides, filters, part, *lengths)
        for phase in np.ndindex(*strides):
            sizes = [p.sizes[q] for p, q in zip(phases, phase, strict=True)]
            if min(sizes) == 0:
                continue
            crop = tuple(
                slice(win.align[q], win.align[q] + m)
                for win, q, m in zip(wins, phase, sizes, strict=True)
            )
            target = out[(slice(n0, n0 + part), slice(None), *_cells(phases, phase))]
            np.copyto(target, np.moveaxis(shaped[phase][(slice(None), slice(None), *crop)], 1, 0))

    run_gemm_chunks(job, range(0, n, count), out.size * channels * prod(w.shape[2:]))
    return True


def _stacked_col2im(
    x: FloatArray,
    w: FloatArray,
    phases: list[_AxisPhases],
    out: FloatArray,
    budget: int,
) -> bool:
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
    of :func:`_phase_col2im` on the shapes measured (at parity with 256 input channels;
    grouped layers, with batched per-group GEMMs, and 1-D layers were slower). Returns
    ``False``, leaving *out* untouched, when one image's temporaries exceed *budget*.
    """
    groups = 1
    n, channels = x.shape[:2]
    per_in, filters = channels // groups, out.shape[1]
    per_out = filters // groups
    kernel, spatial = w.shape[2:], x.shape[2:]
    rank = len(spatial)
    lows = [min(p.shift) for p in phases]
    highs = [max(p.shift) for p in phases]
    # Grid pitch per axis: holds the input and every output cell; a read ``m - q`` past
    # either end lands on pad cells of this row or the neighbouring one, never on data.
    extents = [
        max(size + max(high, 0), max(p.sizes) - min(low, 0), max(p.sizes), size)
        for size, p, low, high in zip(spatial, phases, lows, highs, strict=True)
    ]
    pitch = [prod(extents[a + 1 :]) for a in range(rank)]
    cells = prod(extents)
    lead = max(0, sum(h * step for h, step in zip(highs[:-1], pitch[:-1], strict=True)), -lows[-1])
    tail = max(0, highs[-1], -sum(q * step for q, step in zip(lows[:-1], pitch[:-1], strict=True)))
    slots = highs[-1] - lows[-1] + 1
    others = prod(kernel[:-1])
    rows = groups * slots * per_in + others * filters  # staged slots + GEMM result
    count = _images_per_chunk(
        n, rows * cells * out.itemsize, rows * (lead + tail) * out.itemsize, budget
    )
    if not count:
        return False
    last = phases[-1]
    by_tap = w.reshape(groups, per_in, per_out, others, kernel[-1])
    gemms = []  # per last-axis phase: first slot, weights (G, others·O/G, slots·C/G)
    for b in range(len(last.sizes)):
        members = [t for t in range(kernel[-1]) if last.phase[t] == b]
        if not members or last.sizes[b] == 0:
            continue
        first = min(last.shift[t] for t in members) - lows[-1]
        used = max(last.shift[t] for t in members) - lows[-1] - first + 1
        weights = np.zeros((groups, others, per_out, used, per_in), dtype=out.dtype)
        for t in members:
            weights[:, :, :, last.shift[t] - lows[-1] - first] = by_tap[..., t].transpose(
                0, 3, 2, 1
            )
        gemms.append((b, first, weights.reshape(groups, others * per_out, used * per_in)))
    phase_grid = list(itertools.product(*(range(len(p.sizes)) for p in phases[:-1])))
    outer = [
        [
            (
                index,
                lead
                - sum(
                    p.shift[t] * step
                    for p, t, step in zip(phases[:-1], tap, pitch[:-1], strict=True)
                ),
            )
            for index, tap in enumerate(np.ndindex(*kernel[:-1]))
            if all(p.phase[t] == q for p, t, q in zip(phases[:-1], tap, phase, strict=True))
        ]
        for phase in phase_grid
    ]
    written = {  # output phases some tap reaches; the others are zeroed at the end
        (*phase, b)
        for b, _, _ in gemms
        for phase, taps in zip(phase_grid, outer, strict=True)
        if taps and all(p.sizes[q] > 0 for p, q in zip(phases, (*phase, b), strict=True))
    }
    span = lead + count * cells + tail
    real = tuple(slice(0, m) for m in spatial)

    def job(n0: int) -> None:
        staged = _base.workspace("staged", groups * slots * per_in * span, out.dtype)
        staged = staged.reshape(groups, slots, per_in, span)
        grids = _base.workspace("columns", others * filters * span, out.dtype)
        grids = grids.reshape(groups, others, per_out, span)
        part = min(count, n - n0)
        length = lead + part * cells + tail
        source = np.moveaxis(x[n0 : n0 + part].reshape(part, groups, per_in, *spatial), 0, 2)
        start = lead + lows[-1]  # flat cell of input cell 0 in slot 0
        slot = staged[:, 0, :, :length]
        slot[..., :start] = 0
        slot[..., start + part * cells :] = 0
        grid = slot[..., start : start + part * cells].reshape(groups, per_in, part, *extents)
        for a in range(rank):
            grid[(slice(None),) * (3 + a) + (slice(spatial[a], None),)] = 0
        grid[(slice(None), slice(None), slice(None), *real)] = source
        for s in range(1, slots):  # slot s is slot 0 moved by s cells (one long copy)
            staged[:, s, :, :s] = 0
            staged[:, s, :, s:length] = slot[..., : length - s]
        target = out[n0 : n0 + part].reshape(part, groups, per_out, *out.shape[2:])
        for b, first, weights in gemms:
            stack = staged[:, first : first + weights.shape[2] // per_in, :, :length]
            result = grids[..., :length]
            np.matmul(
                weights,
                stack.reshape(groups, -1, length),
                out=result.reshape(groups, -1, length),
            )
            for phase, taps in zip(phase_grid, outer, strict=True):
                if (*phase, b) not in written:
                    continue
                sizes = [p.sizes[q] for p, q in zip(phases, (*phase, b), strict=True)]
                dst = target[(slice(None), slice(None), slice(None), *_cells(phases, (*phase, b)))]
                views = [
                    np.moveaxis(
                        result[:, index, :, offset : offset + part * cells].reshape(
                            groups, per_out, part, *extents
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

    run_gemm_chunks(job, range(0, n, count), out.size * per_in * prod(kernel))
    for phase in np.ndindex(*(len(p.sizes) for p in phases)):
        if phase not in written:  # no tap reaches these cells
            out[(slice(None), slice(None), *_cells(phases, phase))] = 0
    return True


def _cells(phases: list[_AxisPhases], phase: tuple[int, ...]) -> tuple[slice, ...]:
    """The output cells of one phase: ``q, q + s, q + 2s, …`` on every axis."""
    return tuple(slice(q, None, len(p.sizes)) for q, p in zip(phase, phases, strict=True))


def _images_per_chunk(n: int, per_image: int, fixed: int, budget: int) -> int:
    """Images per chunk of a sub-pixel path: about :data:`STACKED_BLOCK_BYTES` of
    temporaries, at least one chunk per worker thread; 0 when one image exceeds *budget*."""
    if per_image + fixed > budget:
        return 0
    count = min(n, max(1, (min(STACKED_BLOCK_BYTES, budget) - fixed) // per_image))
    return min(count, ceil_div(n, _base.threads()))


def _offset(phases: list[_AxisPhases], tap: tuple[int, ...], pitch: list[int]) -> int:
    """Flat buffer offset of one tap's shifted block."""
    return sum(
        (p.shift[t] + p.origin) * step for p, t, step in zip(phases, tap, pitch, strict=True)
    )


def _gemm_col2im(
    x: FloatArray, w: FloatArray, plan: DeconvPlan, groups: int, out: FloatArray, budget: int
) -> None:
    n, channels = x.shape[:2]
    per_in = channels // groups
    kernel = w.shape[2:]
    taps = prod(kernel)
    filters = out.shape[1]
    weights = np.ascontiguousarray(
        w.reshape(groups, per_in, -1).transpose(0, 2, 1)
    )  # (G, O/G·k, C/G)
    axes = plan.axes
    rows, rest_shape = x.shape[2], x.shape[3:]
    rest = prod(rest_shape)
    flat = x.reshape(n, groups, per_in, rows * rest)
    row_bytes = filters * taps * rest * out.itemsize
    chunks = plan_chunks(n, rows, row_bytes, min(_base.BLOCK_BYTES, budget))
    largest = max((c[1] - c[0]) * (c[3] - c[2]) for c in chunks) * filters * taps * rest
    buffer = _base.workspace("columns", largest, out.dtype)
    spans = [
        [tap_span(a.input, a.output, a.stride, t * a.dilation - a.pad_low) for t in range(a.kernel)]
        for a in axes
    ]
    for n0, n1, r0, r1 in chunks:
        count = n1 - n0
        cols = buffer[: count * filters * taps * (r1 - r0) * rest].reshape(
            count, groups, -1, (r1 - r0) * rest
        )
        np.matmul(weights, flat[n0:n1, :, :, r0 * rest : r1 * rest], out=cols)
        cols_t = cols.reshape(count, filters, *kernel, r1 - r0, *rest_shape)
        for tap in np.ndindex(*kernel):
            src: list[slice] = []
            dst: list[slice] = []
            for axis, (t, a) in enumerate(zip(tap, axes, strict=True)):
                i0, i1 = spans[axis][t]
                origin = 0
                if axis == 0:
                    i0, i1, origin = max(i0, r0), min(i1, r1), r0
                if i1 <= i0:
                    break
                start = i0 * a.stride + t * a.dilation - a.pad_low
                src.append(slice(i0 - origin, i1 - origin))
                dst.append(slice(start, start + (i1 - i0 - 1) * a.stride + 1, a.stride))
            else:
                out[(slice(n0, n1), slice(None), *dst)] += cols_t[
                    (slice(None), slice(None), *tap, *src)
                ]
