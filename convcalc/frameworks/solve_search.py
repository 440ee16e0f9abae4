"""Where the solver looks, for one kernel, stride and dilation (pure, standard library only).

The output of a convolution or pool is non-decreasing in its pad, and a transposed
convolution's size before ``output_padding`` is decreasing in its crop, so the pads that
reach a size form an interval. It is found by bisection on the shape engine's own answer
(O(log k) plans, never a loop over the kernel): the engine stays the one source of every
formula. The sizes just below and above the target are kept for the error when nothing fits.

>>> found = Found()
>>> conv_224_to_112 = Setting(size=224, target=112, kernel=7, stride=2, dilation=1)
>>> [c.axis.pads for c in window_candidates("conv", conv_224_to_112, None, False, 12, found)]
[(2, 3), (3, 3), (2, 3)]

(SAME, then ``(p, p)`` and ``(p, p + 1)``; the solver keeps one of two equal layers.)
>>> found = Found()
>>> window_candidates("conv", Setting(10, 1000, 3, 1, 1), None, False, 12, found)
[]
>>> found.below, found.above
(12, None)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from convcalc.errors import ConvcalcError, EmptyOutputError, SpecError
from convcalc.shape import AxisPlan, DeconvAxis, Padding, conv_axis, deconv_axis
from convcalc.shape.axes import Pair, effective_kernel

__all__ = [
    "MAX_SOLUTIONS",
    "Candidate",
    "Found",
    "Setting",
    "deconv_candidates",
    "window_candidates",
]

MAX_SOLUTIONS = 1000
"""Most solutions one solve lists (``--limit`` at most this); asking for all of more than
this many is an error that names this limit."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One parameter set that reaches the target: the padding as asked, the engine's plan of
    the axis, and the rank key (smaller is simpler)."""

    kernel: int
    stride: int
    dilation: int
    padding: Padding | Pair
    axis: AxisPlan | DeconvAxis
    key: tuple[int, ...]

    @property
    def ident(self) -> tuple[int, ...]:
        """Two candidates with the same ident are the same layer."""
        op = self.axis.output_padding if isinstance(self.axis, DeconvAxis) else 0
        return (self.kernel, self.stride, self.dilation, *self.axis.pads, op)


class Setting(NamedTuple):
    """One kernel, stride and dilation tried for taking *size* to *target*."""

    size: int
    target: int
    kernel: int
    stride: int
    dilation: int


@dataclass(slots=True)
class Found:
    """The reachable sizes nearest the target, below and above it, over everything tried."""

    below: int | None = None
    above: int | None = None

    def add(self, target: int, size: int | None) -> None:
        """Note that *size* is reachable (``None`` or < 1: nothing)."""
        if size is None or size < 1 or size == target:
            return
        if size < target and (self.below is None or size > self.below):
            self.below = size
        if size > target and (self.above is None or size < self.above):
            self.above = size


def first_true(test: Callable[[int], bool], low: int, high: int) -> int:
    """The smallest ``p`` in ``[low, high]`` with ``test(p)`` for a *test* that is false then
    true; ``high + 1`` when it is never true.

    >>> first_true(lambda p: p * p >= 50, 0, 100)
    8
    """
    while low <= high:
        mid = (low + high) // 2
        if test(mid):
            high = mid - 1
        else:
            low = mid + 1
    return low


def _take(start: int, stop: int, limit: int | None) -> range:
    """The first *limit* of ``range(start, stop)`` (all of it when *limit* is ``None``)."""
    if limit is None and stop - start > MAX_SOLUTIONS:
        raise SpecError(
            f"more than {MAX_SOLUTIONS} solutions (MAX_SOLUTIONS): fix more parameters or ask "
            "for the first few"
        )
    return range(start, min(stop, start + (MAX_SOLUTIONS if limit is None else limit)))


# --------------------------------------------------------------------------- conv and pool


def window_candidates(
    op: str,
    setting: Setting,
    paddings: Sequence[Padding | Pair] | None,
    ceil_mode: bool,
    limit: int | None,
    found: Found,
) -> list[Candidate]:
    """Conv or pool paddings that take *size* to *target*: the given *paddings*, or SAME,
    VALID and the symmetric ``(p, p)`` and ``(p, p + 1)`` pads below the kernel span."""
    size, target, k, s, d = setting

    def plan(padding: Padding | Pair) -> AxisPlan | None:
        try:
            return conv_axis(size, k, stride=s, dilation=d, padding=padding, ceil_mode=ceil_mode)
        except ConvcalcError:
            return None

    def keep(padding: Padding | Pair, axis: AxisPlan | None) -> list[Candidate]:
        found.add(target, None if axis is None else axis.output)
        if axis is None or axis.output != target:
            return []
        key = (d, int(axis.pad_low != axis.pad_high), k, s, sum(axis.pads))
        named = isinstance(padding, Padding)
        return [Candidate(k, s, d, padding, axis, (*key, int(named)))]

    if paddings is not None:
        return [c for p in paddings for c in keep(p, plan(p))]
    out = [c for mode in (Padding.SAME, Padding.VALID) for c in keep(mode, plan(mode))]
    k_eff = effective_kernel(k, d)
    for extra, count in ((0, k_eff), (1, k_eff - 1)):  # (p, p) and (p, p + 1)
        hits = _pad_interval(partial(_shifted, plan, extra), target, count, found)
        pads = [(p, p + extra) for p in _take(*hits, limit)]
        out += [c for pair in pads for c in keep(pair, plan(pair))]
    return out


def _shifted(plan: Callable[[Pair], AxisPlan | None], extra: int, p: int) -> AxisPlan | None:
    return plan((p, p + extra))


def _pad_interval(
    plan: Callable[[int], AxisPlan | None], target: int, count: int, found: Found
) -> Pair:
    """``[start, stop)``: the pads ``p < count`` whose plan gives *target* (outputs grow with
    ``p``; an empty output counts as 0). Notes the nearest sizes on either side."""

    def output(p: int) -> int:
        axis = plan(p)
        return 0 if axis is None else axis.output

    start = first_true(lambda p: output(p) >= target, 0, count - 1)
    stop = first_true(lambda p: output(p) > target, start, count - 1)
    if start > 0:
        found.add(target, output(start - 1))
    if stop < count:
        found.add(target, output(stop))
    return start, stop


# --------------------------------------------------------------------------- transposed conv


def deconv_candidates(
    setting: Setting,
    paddings: Sequence[Padding | Pair] | None,
    limit: int | None,
    found: Found,
) -> list[Candidate]:
    """Transposed-conv paddings (with the ``output_padding`` they need) that take *size* to
    *target*: the given *paddings*, or SAME, VALID and symmetric crops ``(p, p)``,
    ``p < k_eff``."""
    modes: Iterable[Padding | Pair] = (Padding.SAME, Padding.VALID)
    out = [c for p in (modes if paddings is None else paddings) for c in _deconv(setting, p, found)]
    if paddings is not None:
        return out
    start, stop = _crop_interval(setting, found)
    crops = _take(start, stop, limit)
    return out + [c for p in crops for c in _deconv(setting, (p, p), None)]


def _deconv(setting: Setting, padding: Padding | Pair, found: Found | None) -> list[Candidate]:
    """The candidate *padding* gives, if the engine reaches *target* with it (*found*: first
    look at the sizes it reaches, and note them)."""
    size, target, k, s, d = setting
    if found is not None:
        try:
            reach = deconv_axis(size, k, stride=s, dilation=d, padding=padding).output_range
        except ConvcalcError:
            reach = (1, target)  # no default size: let the engine judge the target itself
        if not reach[0] <= target <= reach[1]:
            found.add(target, reach[0])
            found.add(target, reach[1])
            return []
    try:
        a = deconv_axis(size, k, stride=s, dilation=d, padding=padding, output_size=target)
    except ConvcalcError:
        return []
    if isinstance(padding, Padding):
        key = (d, 0, 1, k, s, sum(a.pads))
    else:
        key = (d, int(a.output_padding > 0), 0, k, s, sum(a.pads))
    return [Candidate(k, s, d, padding, a, key)]


def _crop_interval(setting: Setting, found: Found) -> Pair:
    """``[start, stop)``: the crops ``(p, p)``, ``p < k_eff``, that reach *target* with some
    ``output_padding``. The size before it falls as ``p`` grows: from the first ``p`` whose
    size is at most the target, while the engine accepts the target."""
    size, target, k, s, d = setting

    def plan(p: int, output_size: int | None = None) -> DeconvAxis:
        return deconv_axis(size, k, stride=s, dilation=d, padding=(p, p), output_size=output_size)

    def at_most(p: int) -> bool:
        try:
            return plan(p).default_output <= target
        except EmptyOutputError:
            return True

    def refused(p: int) -> bool:
        try:
            plan(p, target)
        except ConvcalcError:
            return True
        return False

    count = effective_kernel(k, d)
    start = first_true(at_most, 0, count - 1)
    stop = first_true(refused, start, count - 1)
    for p in (start - 1, stop):
        if 0 <= p < count:
            with suppress(ConvcalcError):
                found.add(target, plan(p).output_range[0 if p < start else 1])
    return start, stop
