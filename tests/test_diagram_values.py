"""The numbers ``convcalc diagram --values`` prints, and the transposed-convolution picture
checked numerically: sliding the flipped kernel over the layout's bordered grid gives the
same output as scattering the input (the definition)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from floatcheck import assert_float_close
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal

import convcalc.diagram.values
from convcalc.diagram.layout import Kind, deconv_layout, flip
from convcalc.diagram.values import compute_output
from convcalc.errors import SpecError
from convcalc.shape import DeconvPlan, conv_plan, deconv_plan, pool_plan

SMALL = settings(max_examples=80, deadline=None)


def test_doctests() -> None:
    assert doctest.testmod(convcalc.diagram.values).failed == 0


@SMALL
@given(
    st.lists(st.integers(3, 7), min_size=2, max_size=2),
    st.integers(1, 3),
    st.integers(1, 2),
    st.integers(0, 2),
    st.integers(0, 10**6),
)
def test_conv_matches_scipy_correlate(
    shape: list[int], k: int, stride: int, pad: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=shape), rng.normal(size=(k, k))
    try:
        plan = conv_plan(shape, k, stride=stride, padding=pad)
    except SpecError:
        return
    want = signal.correlate(np.pad(x, pad), w, mode="valid")[::stride, ::stride]
    got = compute_output(plan, x, w, "conv")
    assert_float_close(got, want, dtype=x.dtype, terms=w.size, operands=(x, w))


@SMALL
@given(st.integers(2, 9), st.integers(1, 3), st.integers(1, 3), st.integers(0, 1))
def test_pooling_matches_padded_windows(n: int, k: int, stride: int, pad: int) -> None:
    try:
        plan = pool_plan((n, n + 1), k, stride=stride, padding=pad)
    except SpecError:
        return
    x = np.arange(n * (n + 1), dtype=float).reshape(n, n + 1) - 3.0
    o0, o1 = plan.output

    def windows(a: np.ndarray) -> np.ndarray:
        return sliding_window_view(a, (k, k))[::stride, ::stride][:o0, :o1]

    zero = windows(np.pad(x, pad))
    ones = windows(np.pad(np.ones_like(x), pad))
    low = windows(np.pad(x, pad, constant_values=-np.inf))
    np.testing.assert_array_equal(compute_output(plan, x, None, "max"), low.max(axis=(2, 3)))
    got = compute_output(plan, x, None, "avg", include_pad=True)
    assert_float_close(got, zero.mean(axis=(2, 3)), dtype=x.dtype, terms=k * k, operands=(x,))
    with np.errstate(invalid="ignore"):  # a window of padding only: 0 / 0
        excluded = zero.sum(axis=(2, 3)) / ones.sum(axis=(2, 3))
    got = compute_output(plan, x, None, "avg", include_pad=False)
    assert_float_close(got, excluded, dtype=x.dtype, terms=k * k, operands=(x,))


def slide_flipped_kernel(plan: DeconvPlan, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Steps 1-4 of the diagram, numerically: the bordered grid of the layout holds the
    inputs at their INPUT cells and zeros elsewhere; slide the flipped kernel, stride 1."""
    layout = deconv_layout(plan)
    grid = layout.conv
    padded = np.zeros(grid.shape)
    for pos in grid.positions():
        cell = grid.cell(pos)
        if cell.kind is Kind.INPUT:
            assert cell.index is not None
            padded[pos] = x[cell.index]
        else:
            assert cell.kind in (Kind.BORDER, Kind.EXTRA, Kind.STRETCH_ZERO)
    flipped = np.empty_like(w)
    for t in np.ndindex(*w.shape):
        flipped[t] = w[flip(t, w.shape)]
    out = np.empty(plan.output)
    for o in np.ndindex(*plan.output):
        taps = grid.window(o)
        out[o] = np.sum(padded[np.ix_(*[np.asarray(r) for r in taps])] * flipped)
    return out


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 2),
    st.data(),
)
def test_deconv_picture_equals_scatter(ndim: int, data: st.DataObject) -> None:
    n = data.draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim))
    k = data.draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim))
    s = data.draw(st.integers(1, 3))
    d = data.draw(st.integers(1, 2))
    pads = data.draw(st.lists(st.integers(0, 4), min_size=2 * ndim, max_size=2 * ndim))
    padding = [(pads[2 * a], pads[2 * a + 1]) for a in range(ndim)]
    op = data.draw(st.integers(0, max(s, d) - 1))
    try:
        plan = deconv_plan(n, k, stride=s, dilation=d, padding=padding, output_padding=op)
    except SpecError:
        return
    rng = np.random.default_rng(data.draw(st.integers(0, 10**6)))
    x, w = rng.normal(size=n), rng.normal(size=k)
    picture, scatter = slide_flipped_kernel(plan, x, w), compute_output(plan, x, w, "deconv")
    assert_float_close(picture, scatter, dtype=x.dtype, terms=w.size, operands=(x, w))


@pytest.mark.parametrize("padding", ["same", "valid", "full"])
def test_deconv_named_modes_picture_equals_scatter(padding: str) -> None:
    x, w = np.arange(1.0, 5.0), np.array([1.0, -2.0, 0.5])
    for stride in (1, 2, 3):
        plan = deconv_plan((4,), 3, stride=stride, padding=padding)
        # Exact: small integers and halves, whatever the summation order.
        np.testing.assert_array_equal(
            slide_flipped_kernel(plan, x, w), compute_output(plan, x, w, "deconv")
        )


def test_stride_1_deconv_is_full_convolution_cropped() -> None:
    x, w = np.array([1.0, 2.0, 3.0]), np.array([1.0, 10.0, 100.0])
    plan = deconv_plan((3,), 3, padding=[(1, 0)])
    np.testing.assert_array_equal(compute_output(plan, x, w, "deconv"), np.convolve(x, w)[1:])
