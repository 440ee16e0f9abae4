"""The rounding-aware comparison passes rounding and still catches real bugs at float32."""

from __future__ import annotations

import numpy as np
import pytest
from floatcheck import assert_float_close, conv_terms, float_tolerance

from convcalc.execute import conv, conv_transpose

RNG = np.random.default_rng(12)
X = RNG.standard_normal((2, 8, 16, 16)).astype(np.float32)
W = RNG.standard_normal((6, 8, 3, 3)).astype(np.float32)


def _check(actual: np.ndarray, expected: np.ndarray) -> None:
    assert_float_close(actual, expected, dtype=np.float32, terms=conv_terms(W), operands=(X, W))


def test_float32_against_float64_passes() -> None:
    got = conv(X, W, padding=1, layout="nchw")
    exact = conv(X.astype(np.float64), W.astype(np.float64), padding=1, layout="nchw")
    _check(got, exact)
    # ... and the gap it allows is a small fraction of one product |x·w|.
    assert float_tolerance(np.float32, terms=72, scale=1.0) < 1e-3


def test_one_dropped_tap_fails() -> None:
    reference = conv(X, W, padding=1, layout="nchw")
    dropped = W.copy()
    flat = np.argsort(np.abs(W[0, 0]).ravel())[4]  # a tap of median size in filter 0
    dropped[0, 0].flat[flat] = 0.0
    with pytest.raises(AssertionError):
        _check(conv(X, dropped, padding=1, layout="nchw"), reference)


def test_pad_split_off_by_one_fails() -> None:
    right = conv(X, W, padding=[(1, 1), (1, 1)], layout="nchw")
    shifted = conv(X, W, padding=[(0, 2), (1, 1)], layout="nchw")
    assert shifted.shape == right.shape
    with pytest.raises(AssertionError):
        _check(shifted, right)


def test_transposed_output_padding_at_the_wrong_end_fails() -> None:
    wt = RNG.standard_normal((8, 4, 4, 4)).astype(np.float32)
    terms = conv_terms(wt, transposed=True)
    right = conv_transpose(X, wt, stride=2, padding=[(1, 2), (1, 1)], layout="nchw")
    wrong = conv_transpose(X, wt, stride=2, padding=[(2, 1), (1, 1)], layout="nchw")
    assert wrong.shape == right.shape
    with pytest.raises(AssertionError):
        assert_float_close(wrong, right, dtype=np.float32, terms=terms, operands=(X, wt))


def test_shapes_must_match() -> None:
    with pytest.raises(AssertionError, match="shape"):
        assert_float_close(np.zeros(3), np.zeros(4), dtype=np.float64, terms=1, operands=())
