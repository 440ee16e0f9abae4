"""The diagram grid model (convcalc.diagram.layout) agrees with the shape engine.

For many random geometries the cells are enumerated one by one and counted: pad cells per
side, dropped and overhang cells, windows, stretched zeros and borders must match the
engine's plan, and the run-length counts the renderer uses must match the enumeration.
"""

from __future__ import annotations

import doctest
import importlib
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convcalc.diagram.layout import (
    Cell,
    Kind,
    Strip,
    ValueTable,
    deconv_layout,
    deconv_strip,
    stretched_strip,
    window_grid,
    window_strip,
)
from convcalc.diagram.layout.runs import congruent, size
from convcalc.errors import SpecError
from convcalc.shape import (
    AxisPlan,
    DeconvAxis,
    Padding,
    conv_axis,
    conv_plan,
    deconv_axis,
    deconv_plan,
    pool_plan,
)

FAST = settings(max_examples=300, deadline=None)

paddings = st.one_of(
    st.sampled_from(list(Padding)),
    st.tuples(st.integers(0, 4), st.integers(0, 4)),
)


@pytest.mark.parametrize(
    "module",
    [
        "convcalc.diagram.layout",
        "convcalc.diagram.layout.kinds",
        "convcalc.diagram.layout.runs",
        "convcalc.diagram.layout.strips",
        "convcalc.diagram.layout.grids",
        "convcalc.diagram.cells",
        "convcalc.diagram.figure",
        "convcalc.diagram.words",
        "convcalc.diagram.window",
        "convcalc.shape.explain",
        "convcalc.shape.window",
    ],
)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0 and result.attempted > 0


def cells(strip: Strip) -> list[Cell]:
    return [strip.cell(p) for p in range(strip.length)]


def check_run_counts(strip: Strip) -> Counter[Kind]:
    """The run-length counts and kinds equal an enumeration of the cells."""
    counted = Counter(c.kind for c in cells(strip))
    for kind in Kind:
        assert strip.count(kind) == counted[kind], kind
    assert strip.kinds() == set(counted)
    return counted


@st.composite
def window_axes(draw: st.DrawFn) -> AxisPlan:
    n = draw(st.integers(1, 40))
    kernel = draw(st.integers(1, 7))
    try:
        return conv_axis(
            n,
            kernel,
            stride=draw(st.integers(1, 6)),
            dilation=draw(st.integers(1, 3)),
            padding=draw(paddings),
            ceil_mode=draw(st.booleans()),
        )
    except SpecError:
        return conv_axis(n, 1)


@FAST
@given(window_axes())
def test_window_strip_counts_match_engine(axis: AxisPlan) -> None:
    strip = window_strip(axis)
    counted = check_run_counts(strip)
    assert counted[Kind.PAD_BEFORE] == axis.pad_low
    assert counted[Kind.PAD_AFTER] == axis.pad_high
    assert counted[Kind.DROPPED] == axis.dropped
    assert counted[Kind.OVERHANG] == axis.overhang
    assert counted[Kind.INPUT] + counted[Kind.DROPPED] == axis.input
    assert strip.length == axis.padded + axis.overhang
    assert strip.outputs == axis.output
    # Input cells are numbered 0..n-1 in order; pads are on their sides.
    seq = cells(strip)
    indices = [c.index for c in seq if c.index is not None]
    assert indices == [(i,) for i in range(axis.input)]
    assert all(c.kind is Kind.PAD_BEFORE for c in seq[: axis.pad_low])
    # Every window reads its engine taps, inside the strip.
    last_tap = -1
    for j in range(strip.outputs):
        taps = list(strip.window(j))
        assert [p - axis.pad_low for p in taps] == list(axis.taps(j))
        assert taps[0] >= 0 and taps[-1] < strip.length
        last_tap = max(last_tap, taps[-1])
    # Dropped cells lie past every window; input cells do not.
    for p, c in enumerate(seq):
        if c.kind is Kind.DROPPED:
            assert p > last_tap
        if c.kind is Kind.INPUT:
            assert p <= last_tap
    # The dropped ceil-mode window starts inside the right padding.
    dropped = strip.ceil_dropped
    if dropped is not None:
        assert axis.ceil_mode
        assert dropped.start >= axis.pad_low + axis.input


@st.composite
def deconv_axes(draw: st.DrawFn) -> DeconvAxis:
    n = draw(st.integers(1, 12))
    kernel = draw(st.integers(1, 6))
    stride = draw(st.integers(1, 5))
    dilation = draw(st.integers(1, 3))
    named = draw(st.booleans())
    try:
        if named:
            return deconv_axis(
                n,
                kernel,
                stride=stride,
                dilation=dilation,
                padding=draw(st.sampled_from([Padding.SAME, Padding.VALID, Padding.FULL])),
            )
        limit = max(stride, dilation) - 1
        return deconv_axis(
            n,
            kernel,
            stride=stride,
            dilation=dilation,
            padding=draw(st.tuples(st.integers(0, 8), st.integers(0, 8))),
            output_padding=draw(st.integers(0, limit)),
        )
    except SpecError:
        return deconv_axis(n, kernel, stride=stride)


@FAST
@given(deconv_axes())
def test_deconv_strip_counts_match_engine(axis: DeconvAxis) -> None:
    k_eff = axis.effective_kernel
    stretched = stretched_strip(axis)
    counted = check_run_counts(stretched)
    assert stretched.length == axis.stretched
    assert counted[Kind.INPUT] == axis.input
    assert counted[Kind.STRETCH_ZERO] == (axis.input - 1) * (axis.stride - 1)

    strip = deconv_strip(axis)
    counted = check_run_counts(strip)
    assert strip.length == axis.output + k_eff - 1
    assert strip.outputs == axis.output
    assert strip.plan is not None and strip.plan.stride == 1
    low, high = max(axis.border_low, 0), max(axis.border_high, 0)
    crop_low, crop_high = max(-axis.border_low, 0), max(-axis.border_high, 0)
    if crop_low <= axis.stretched:  # (huge pads can crop into the trailing zeros too)
        assert counted[Kind.BORDER] + counted[Kind.EXTRA] == low + high
        plain = axis.border_high - axis.output_padding
        assert counted[Kind.EXTRA] == high - min(max(plain, 0), high)
    # The stretched input, minus what large pads crop, sits between the borders.
    seq = cells(strip)
    assert all(c.kind is Kind.BORDER for c in seq[:low])
    indices = [c.index[0] for c in seq if c.index is not None]
    assert indices == sorted(set(indices))
    assert set(indices) <= set(range(axis.input))
    body = seq[low : strip.length - high]
    if crop_low <= axis.stretched:  # otherwise the crop reaches into the trailing zeros
        assert all(c.kind in (Kind.INPUT, Kind.STRETCH_ZERO) for c in body)
    if crop_low + crop_high == 0:
        assert len(body) == axis.stretched
    for j in range(strip.outputs):
        assert list(strip.window(j)) == list(range(j, j + k_eff, axis.dilation))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 7), min_size=2, max_size=2),
    st.integers(1, 3),
    st.integers(1, 3),
    st.tuples(st.integers(0, 1), st.integers(0, 2)),
    st.booleans(),
)
def test_grid_kinds_and_divisors_match_enumeration(
    shape: list[int], kernel: int, stride: int, pads: tuple[int, int], ceil: bool
) -> None:
    try:
        plan = pool_plan(shape, kernel, stride=stride, padding=[pads, pads], ceil_mode=ceil)
    except SpecError:
        return
    grid = window_grid(plan)
    seen = Counter(grid.cell(p).kind for p in grid.positions())
    assert set(grid.kinds()) == set(seen)
    assert grid.steps == plan.output[0] * plan.output[1]
    for step in range(grid.steps):
        out = grid.out_index(step)
        assert grid.step_of(out) == step
        members = [p for p in grid.positions() if grid.in_window(p, out)]
        inputs = sum(grid.cell(p).kind is Kind.INPUT for p in members)
        padded = sum(
            grid.cell(p).kind in (Kind.INPUT, Kind.PAD_BEFORE, Kind.PAD_AFTER) for p in members
        )
        assert grid.divisor(out, include_pad=False) == inputs
        assert grid.divisor(out, include_pad=True) == padded
        assert grid.reads_only_padding(out) == (inputs == 0)


def test_named_examples() -> None:
    same = window_grid(conv_plan((13,), 6, stride=5, padding="same")).strips[0]
    assert (same.count(Kind.PAD_BEFORE), same.count(Kind.PAD_AFTER), same.outputs) == (1, 2, 3)
    valid = window_grid(conv_plan((13,), 6, stride=5)).strips[0]
    dropped = [c.index for c in cells(valid) if c.kind is Kind.DROPPED]
    assert dropped == [(11,), (12,)] and valid.outputs == 2
    lower = window_grid(conv_plan((13,), 6, stride=5, padding="same-lower")).strips[0]
    assert (lower.count(Kind.PAD_BEFORE), lower.count(Kind.PAD_AFTER)) == (2, 1)
    d = deconv_layout(deconv_plan((3, 3), 3, stride=2, padding=1, output_padding=1))
    assert d.stretched.shape == (5, 5) and d.conv.output_shape == (6, 6)
    strip = d.conv.strips[0]
    assert [strip.cell(p).kind for p in (0, 6, 7)] == [Kind.BORDER, Kind.BORDER, Kind.EXTRA]
    # The bottom row is output_padding's: EXTRA beats the left border column.
    assert d.conv.cell((7, 0)).kind is Kind.EXTRA


def test_large_axes_are_not_materialised() -> None:
    strip = window_grid(conv_plan((10**9,), 3, stride=2, padding=1)).strips[0]
    assert strip.cell(10**9 - 1).index == (10**9 - 2,)
    assert strip.count(Kind.INPUT) == 10**9
    big = deconv_layout(deconv_plan((10**6,), 3, stride=2, padding=1))
    assert Kind.STRETCH_ZERO in big.conv.kinds()


def test_value_table() -> None:
    t = ValueTable.from_nested([[1, 2.5], [3, 4]])
    assert t.shape == (2, 2) and t.at((0, 1)) == 2.5
    with pytest.raises(ValueError):
        ValueTable.from_nested([[1, 2], [3]])
    with pytest.raises(ValueError):
        ValueTable.from_nested([["a"]])


@FAST
@given(
    st.integers(-30, 30),
    st.integers(0, 60),
    st.integers(1, 7),
    st.integers(-10, 10),
    st.integers(1, 9),
)
def test_congruent_counts_match_enumeration(
    start: int, length: int, step: int, origin: int, period: int
) -> None:
    """The O(1) count of a stretched run's inputs in a window equals the enumeration."""
    positions = range(start, start + length, step)
    expected = sum(1 for p in positions if (p - origin) % period == 0)
    assert congruent(positions, origin, period) == expected
    assert size(positions) == len(positions)
