"""The output-phase view of a transposed convolution, shared by its col2im kernels.

Tap ``t`` sends input ``i`` to output ``y = i·s + t·d − pad_low``; grouped by output phase
``y mod s``, every tap becomes a whole-cell shift of the input on that phase's sub-grid.

>>> from convcalc.shape import deconv_plan
>>> AxisPhases.of(deconv_plan((2,), (3,), stride=2).axes[0])
AxisPhases(phase=(0, 1, 0), shift=(0, 0, 1), sizes=(3, 2), origin=0, extent=3)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from convcalc.execute import _base
from convcalc.execute._base import FloatArray, ceil_div, prod, run_gemm_chunks
from convcalc.shape import DeconvAxis

__all__ = ["STACKED_BLOCK_BYTES", "AxisPhases", "SubPixel", "phase_cells", "tap_offset"]

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


@dataclass(frozen=True, slots=True)
class SubPixel:
    """What a sub-pixel kernel (:mod:`._window`, :mod:`._stacked`; ``groups == 1``) fills
    *out* from: the input ``(N, C, *spatial)``, the weights ``(C, O, *k)``, every axis'
    phases, and the byte cap of one chunk's temporaries. Either kernel runs chunks of whole
    images, or returns ``False``, leaving *out* untouched, when it does not apply."""

    x: FloatArray
    w: FloatArray
    phases: list[AxisPhases]
    out: FloatArray
    budget: int

    def images_per_chunk(self, per_image: int, fixed: int) -> int:
        """Images per chunk: about :data:`STACKED_BLOCK_BYTES` of temporaries (*per_image*
        each, plus *fixed*), at least one chunk per worker thread; 0 when one image exceeds
        the budget."""
        n: int = self.x.shape[0]
        if per_image + fixed > self.budget:
            return 0
        count = min(n, max(1, (min(STACKED_BLOCK_BYTES, self.budget) - fixed) // per_image))
        return min(count, ceil_div(n, _base.threads()))

    def run(self, count: int, job: Callable[[slice], None]) -> None:
        """*job* on every *count* images (given as their slice), side by side with a
        one-thread BLAS when that pays (:func:`~convcalc.execute._base.run_gemm_chunks`)."""
        n, channels = self.x.shape[:2]
        work = self.out.size * channels * prod(self.w.shape[2:])

        def chunk(n0: int) -> None:
            job(slice(n0, min(n0 + count, n)))

        run_gemm_chunks(chunk, range(0, n, count), work)


def tap_offset(phases: list[AxisPhases], tap: tuple[int, ...], pitch: list[int]) -> int:
    """Flat buffer offset of one tap's shifted block."""
    return sum(
        (p.shift[t] + p.origin) * step for p, t, step in zip(phases, tap, pitch, strict=True)
    )
