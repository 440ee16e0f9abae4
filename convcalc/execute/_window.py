"""The pixel-shuffle form of a transposed convolution: one GEMM computes every output phase.

Used for ``groups == 1`` with two or more spatial axes when every axis fits the window form
(:class:`AxisWindow`: kernel a multiple of the stride, e.g. kernel 4 / stride 2, the usual
×2 upsampling). Chunks run side by side on worker threads with a one-thread BLAS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from convcalc.execute import _base
from convcalc.execute._base import FloatArray, prod
from convcalc.execute._phases import AxisPhases, SubPixel, phase_cells

__all__ = ["AxisWindow", "window_gemm"]


@dataclass(frozen=True, slots=True)
class AxisWindow:
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
    def of(cls, p: AxisPhases, size: int) -> AxisWindow | None:
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


def window_gemm(task: SubPixel) -> bool:
    """Pixel-shuffle form for ``groups == 1``: one GEMM per chunk computes every output phase.

    The input is staged once into a zero-padded grid (flattened over images and spatial
    axes) and once more per window cell, moved by that cell's flat offset, so the stacked
    copies are the ``(window·C, positions)`` operand; the weights are ``(phases·O,
    window·C)``. Each phase's rows of the result are then copied to its strided cells of
    the output. No adds, no wasted multiply-adds (see :class:`AxisWindow`). Returns
    ``False``, leaving *out* untouched, when an axis does not fit that form or one image's
    temporaries exceed the budget.
    """
    x, phases, out = task.x, task.phases, task.out
    windows = [AxisWindow.of(p, size) for p, size in zip(phases, x.shape[2:], strict=True)]
    if any(win is None for win in windows):
        return False
    wins = [win for win in windows if win is not None]
    channels = x.shape[1]
    lengths = [win.length for win in wins]
    cells = prod(lengths)
    pitch = [prod(lengths[a + 1 :]) for a in range(len(wins))]
    offsets = [
        sum(j * step for j, step in zip(cell, pitch, strict=True))
        for cell in np.ndindex(*(win.width for win in wins))
    ]
    strides = [len(p.sizes) for p in phases]
    per_image = (len(offsets) * channels + prod(strides) * out.shape[1]) * cells * out.itemsize
    count = task.images_per_chunk(per_image, channels * offsets[-1] * out.itemsize)
    if not count:
        return False
    weights = _window_weights(task.w, wins, strides)

    def job(images: slice) -> None:
        part = images.stop - images.start
        staged = _stage_windows(x[images], wins, offsets, out.dtype)
        width = part * cells
        result = _base.workspace("columns", weights.shape[0] * width, out.dtype)
        result = result.reshape(weights.shape[0], width)
        np.matmul(weights, staged[:, :, :width].reshape(-1, width), out=result)
        shaped = result.reshape(*strides, out.shape[1], part, *lengths)
        _shuffle_phases(shaped, phases, wins, out[images])

    task.run(count, job)
    return True


def _window_weights(w: FloatArray, wins: list[AxisWindow], strides: list[int]) -> FloatArray:
    """The ``(phases·O, window·C)`` weight matrix: the tap of each (phase, window cell)."""
    rank = len(wins)
    index: list[Any] = []  # tap of (phase, window cell) per axis: axes a, rank + a of a grid
    for a, win in enumerate(wins):
        shape = [1] * (2 * rank)
        shape[a], shape[rank + a] = strides[a], win.width
        index.append(np.array(win.taps).reshape(shape))
    gathered = w[(slice(None), slice(None), *index)]  # (C, O, *phases, *window cells)
    order = (*range(2, 2 + rank), 1, *range(2 + rank, 2 + 2 * rank), 0)
    cells = prod(win.width for win in wins)
    return gathered.transpose(order).reshape(-1, cells * w.shape[0])


def _stage_windows(
    x: FloatArray, wins: list[AxisWindow], offsets: list[int], dtype: np.dtype[Any]
) -> FloatArray:
    """Images *x* staged into the zero-padded grid (slot 0, flattened, with a zero tail of
    ``offsets[-1]`` cells) and into one more slot per window cell, moved by its offset;
    returns ``(window cells, C, width + tail)``."""
    part, channels = x.shape[:2]
    lengths = [win.length for win in wins]
    width, tail = part * prod(lengths), offsets[-1]
    staged = _base.workspace("staged", len(offsets) * channels * (width + tail), dtype)
    staged = staged.reshape(len(offsets), channels, width + tail)
    first = staged[0]
    first[:, width:] = 0
    grid = first[:, :width].reshape(channels, part, *lengths)
    # input cell i sits at grid cell i - start; cells beyond the input stay zero
    src = tuple(
        slice(max(0, win.start), min(size, win.start + win.length))
        for win, size in zip(wins, x.shape[2:], strict=True)
    )
    dst = tuple(
        slice(s.start - win.start, s.stop - win.start) for s, win in zip(src, wins, strict=True)
    )
    for a, cells_a in enumerate(dst):  # the pad cells around the input
        grid[(slice(None),) * (2 + a) + (slice(None, cells_a.start),)] = 0
        grid[(slice(None),) * (2 + a) + (slice(cells_a.stop, None),)] = 0
    grid[(slice(None), slice(None), *dst)] = np.moveaxis(x, 0, 1)[(slice(None), slice(None), *src)]
    for k, offset in enumerate(offsets[1:], start=1):
        staged[k, :, :width] = first[:, offset : offset + width]
    return staged


def _shuffle_phases(
    shaped: FloatArray, phases: list[AxisPhases], wins: list[AxisWindow], out: FloatArray
) -> None:
    """Copy each phase's rows of the GEMM result ``(*phases, O, images, *grid)`` to its
    strided cells of *out* (these images)."""
    for phase in np.ndindex(*(len(p.sizes) for p in phases)):
        sizes = [p.sizes[q] for p, q in zip(phases, phase, strict=True)]
        if min(sizes) == 0:
            continue
        crop = tuple(
            slice(win.align[q], win.align[q] + m)
            for win, q, m in zip(wins, phase, sizes, strict=True)
        )
        target = out[(slice(None), slice(None), *phase_cells(phases, phase))]
        np.copyto(target, np.moveaxis(shaped[phase][(slice(None), slice(None), *crop)], 1, 0))
