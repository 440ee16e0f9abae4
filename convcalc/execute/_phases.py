"""The output-phase view of a transposed convolution, shared by its col2im kernels.

Tap ``t`` sends input ``i`` to output ``y = i·s + t·d − pad_low``; grouped by output phase
``y mod s``, every tap becomes a whole-cell shift of the input on that phase's sub-grid.

>>> from convcalc.shape import deconv_plan
>>> AxisPhases.of(deconv_plan((2,), (3,), stride=2).axes[0])
AxisPhases(phase=(0, 1, 0), shift=(0, 0, 1), sizes=(3, 2), origin=0, extent=3)
"""

from __future__ import annotations

from dataclasses import dataclass

from convcalc.execute import _base
from convcalc.execute._base import ceil_div
from convcalc.shape import DeconvAxis

__all__ = ["STACKED_BLOCK_BYTES", "AxisPhases", "images_per_chunk", "phase_cells", "tap_offset"]

STACKED_BLOCK_BYTES = 16 * 2**20
"""Preferred size of one chunk's staged slots plus GEMM result in the sub-pixel path."""


@dataclass(frozen=True, slots=True)
class AxisPhases:
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
    def of(cls, a: DeconvAxis) -> AxisPhases:
        offsets = [t * a.dilation - a.pad_low for t in range(a.kernel)]
        phase = tuple(o % a.stride for o in offsets)
        shift = tuple((o - p) // a.stride for o, p in zip(offsets, phase, strict=True))
        sizes = tuple(max(0, ceil_div(a.output - p, a.stride)) for p in range(a.stride))
        origin = -min(shift)
        extent = max(a.input + max(shift) + origin, origin + max(sizes))
        return cls(phase, shift, sizes, origin, extent)


def phase_cells(phases: list[AxisPhases], phase: tuple[int, ...]) -> tuple[slice, ...]:
    """The output cells of one phase: ``q, q + s, q + 2s, …`` on every axis."""
    return tuple(slice(q, None, len(p.sizes)) for q, p in zip(phase, phases, strict=True))


def images_per_chunk(n: int, per_image: int, fixed: int, budget: int) -> int:
    """Images per chunk of a sub-pixel path: about :data:`STACKED_BLOCK_BYTES` of
    temporaries, at least one chunk per worker thread; 0 when one image exceeds *budget*."""
    if per_image + fixed > budget:
        return 0
    count = min(n, max(1, (min(STACKED_BLOCK_BYTES, budget) - fixed) // per_image))
    return min(count, ceil_div(n, _base.threads()))


def tap_offset(phases: list[AxisPhases], tap: tuple[int, ...], pitch: list[int]) -> int:
    """Flat buffer offset of one tap's shifted block."""
    return sum(
        (p.shift[t] + p.origin) * step for p, t, step in zip(phases, tap, pitch, strict=True)
    )
