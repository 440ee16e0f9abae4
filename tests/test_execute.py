"""The NumPy executor against plain-loop references, NumPy/SciPy, and its own identities."""

from __future__ import annotations

import tracemalloc
from typing import Any, Literal

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
from floatcheck import assert_float_close, assert_inner_products_equal, conv_terms
from hypothesis import given, settings
from hypothesis import strategies as st

import convcalc.execute._phases as phases_module
import convcalc.execute.transpose as transpose_module
from convcalc.arrays.kernels import KERNELS, builtin_kernel
from convcalc.errors import (
    ArrayFormatError,
    ConvcalcError,
    EmptyOutputError,
    NoInverseError,
    SpecError,
)
from convcalc.execute import (
    avg_pool,
    conv,
    conv_transpose,
    get_layout,
    max_pool,
    max_unpool,
)
from convcalc.shape import unpool_axis, unpool_output_shape

Array = np.ndarray[Any, Any]
NP_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}

# ----------------------------------------------------------------- plain-loop references


def ref_conv(
    x: Array,
    w: Array,
    b: Array | None,
    stride: list[int],
    dilation: list[int],
    pads: list[tuple[int, int]],
    groups: int,
    mode: str = "zeros",
) -> Array:
    """Cross-correlation by explicit loops over output cells (channels-first)."""
    n, _channels = x.shape[:2]
    filters, per_in = w.shape[:2]
    per_out = filters // groups
    kernel = w.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0), *pads], mode=NP_MODES[mode])  # type: ignore[call-overload]
    out = [
        (xp.shape[2 + a] - dilation[a] * (kernel[a] - 1) - 1) // stride[a] + 1
        for a in range(len(kernel))
    ]
    y = np.zeros((n, filters, *out))
    for i in range(n):
        for o in range(filters):
            g = o // per_out
            for pos in np.ndindex(*out):
                index = tuple(
                    slice(p * s, p * s + d * (k - 1) + 1, d)
                    for p, s, d, k in zip(pos, stride, dilation, kernel, strict=True)
                )
                window = xp[(i, slice(g * per_in, (g + 1) * per_in), *index)]
                y[(i, o, *pos)] = np.sum(window * w[o]) + (0.0 if b is None else b[o])
    return y


def ref_conv_transpose(
    x: Array,
    w: Array,
    stride: list[int],
    dilation: list[int],
    pads: list[tuple[int, int]],
    extra: list[int],
    groups: int,
) -> Array:
    """Transposed convolution by scattering every input cell (PyTorch semantics)."""
    n, channels = x.shape[:2]
    per_in, per_out = channels // groups, w.shape[1]
    kernel, size = w.shape[2:], x.shape[2:]
    full = [
        (i - 1) * s + d * (k - 1) + 1
        for i, s, d, k in zip(size, stride, dilation, kernel, strict=True)
    ]
    y = np.zeros((n, groups * per_out, *[f + e for f, e in zip(full, extra, strict=True)]))
    for i in range(n):
        for c in range(channels):
            g = c // per_in
            for pos in np.ndindex(*size):
                for t in np.ndindex(*kernel):
                    cell = tuple(
                        p * s + q * d for p, s, q, d in zip(pos, stride, t, dilation, strict=True)
                    )
                    y[(i, slice(g * per_out, (g + 1) * per_out), *cell)] += (
                        x[(i, c, *pos)] * w[(c, slice(None), *t)]
                    )
    sizes = [f - lo - hi + e for (lo, hi), f, e in zip(pads, full, extra, strict=True)]
    if min(sizes) < 1:
        raise ValueError("empty output")
    crop = tuple(slice(lo, lo + m) for (lo, _), m in zip(pads, sizes, strict=True))
    return y[(slice(None), slice(None), *crop)]


def ref_pool(
    x: Array,
    kernel: list[int],
    stride: list[int],
    dilation: list[int],
    pads: list[tuple[int, int]],
    ceil_mode: bool,
    op: str,
    include_pad: bool = True,
) -> tuple[Array, Array | None]:
    """Pooling by explicit loops (PyTorch rules: first maximum, last NaN, ceil drop rule)."""
    n, channels = x.shape[:2]
    size = x.shape[2:]
    out = []
    for i, k, s, d, (lo, hi) in zip(size, kernel, stride, dilation, pads, strict=True):
        room = i + lo + hi - d * (k - 1) - 1
        o = (-(-room // s) if ceil_mode else room // s) + 1
        if ceil_mode and (o - 1) * s >= i + lo:
            o -= 1
        out.append(o)
    y = np.zeros((n, channels, *out))
    idx = np.zeros((n, channels, *out), dtype=np.int64)
    for b in range(n):
        for c in range(channels):
            for pos in np.ndindex(*out):
                best, where, total, count, inside = -np.inf, -1, 0.0, 1, 1
                cells = [
                    [p * s - lo + t * d for t in range(k)]
                    for p, s, lo, d, k in zip(
                        pos, stride, (p[0] for p in pads), dilation, kernel, strict=True
                    )
                ]
                for a, axis_cells in enumerate(cells):
                    lo, hi = pads[a]
                    count *= sum(1 for q in axis_cells if -lo <= q < size[a] + hi)
                    inside *= sum(1 for q in axis_cells if 0 <= q < size[a])
                for tap in np.ndindex(*kernel):
                    cell = tuple(cells[a][t] for a, t in enumerate(tap))
                    if not all(0 <= q < m for q, m in zip(cell, size, strict=True)):
                        continue
                    v = x[(b, c, *cell)]
                    flat = int(np.ravel_multi_index(cell, size))
                    if where < 0 or v > best or np.isnan(v):
                        best, where = v, flat
                    total += v
                if op == "max":
                    y[(b, c, *pos)], idx[(b, c, *pos)] = best, where
                else:
                    divisor = count if include_pad else inside
                    y[(b, c, *pos)] = total / divisor if divisor else np.nan
    return y, (idx if op == "max" else None)


# ----------------------------------------------------------------- strategies


@st.composite
def conv_cases(draw: st.DrawFn) -> dict[str, Any]:
    rank = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    per_in = draw(st.integers(1, 3))
    per_out = draw(st.integers(1, 3))
    size = [draw(st.integers(1, {1: 9, 2: 6, 3: 4}[rank])) for _ in range(rank)]
    kernel = [draw(st.integers(1, 3)) for _ in range(rank)]
    stride = [draw(st.integers(1, 3)) for _ in range(rank)]
    dilation = [draw(st.integers(1, 2)) for _ in range(rank)]
    mode = draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"]))
    limit = {"zeros": 3, "replicate": 3, "reflect": 0, "circular": 1}[mode]
    pads = []
    for i in size:
        top = min(3, i - 1 + limit) if mode in ("reflect", "circular") else limit
        pads.append((draw(st.integers(0, max(top, 0))), draw(st.integers(0, max(top, 0)))))
    for a in range(rank):  # make at least one window fit
        while size[a] + sum(pads[a]) < dilation[a] * (kernel[a] - 1) + 1:
            kernel[a] -= 1
    seed = draw(st.integers(0, 2**16))
    return {
        "rank": rank,
        "groups": groups,
        "per_in": per_in,
        "per_out": per_out,
        "size": size,
        "kernel": kernel,
        "stride": stride,
        "dilation": dilation,
        "pads": pads,
        "mode": mode,
        "n": draw(st.integers(1, 2)),
        "rng": np.random.default_rng(seed),
        "bias": draw(st.booleans()),
        "budget": draw(st.sampled_from([None, 64, 1000])),
    }


# ----------------------------------------------------------------- properties


@settings(max_examples=80, deadline=None)
@given(conv_cases())
def test_conv_matches_loops(case: dict[str, Any]) -> None:
    rng = case["rng"]
    channels = case["groups"] * case["per_in"]
    filters = case["groups"] * case["per_out"]
    x = rng.standard_normal((case["n"], channels, *case["size"]))
    w = rng.standard_normal((filters, case["per_in"], *case["kernel"]))
    b = rng.standard_normal(filters) if case["bias"] else None
    expected = ref_conv(
        x, w, b, case["stride"], case["dilation"], case["pads"], case["groups"], case["mode"]
    )
    got = conv(
        x,
        w,
        bias=b,
        stride=case["stride"],
        dilation=case["dilation"],
        padding=case["pads"],
        padding_mode=case["mode"],
        groups=case["groups"],
        layout=get_layout(["ncw", "nchw", "ncdhw"][case["rank"] - 1]),
        budget=case["budget"],
    )
    terms = conv_terms(w) + 1  # + bias
    assert_float_close(got, expected, dtype=got.dtype, terms=terms, operands=(x, w))


@settings(max_examples=60, deadline=None)
@given(conv_cases(), st.data())
def test_conv_transpose_matches_loops_and_is_the_adjoint(
    case: dict[str, Any], data: st.DataObject
) -> None:
    rng = case["rng"]
    groups, rank = case["groups"], case["rank"]
    layout = ["ncw", "nchw", "ncdhw"][rank - 1]
    channels, filters = groups * case["per_in"], groups * case["per_out"]
    stride, dilation, pads = case["stride"], case["dilation"], case["pads"]
    extra = [
        data.draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)
    ]
    x = rng.standard_normal((case["n"], channels, *case["size"]))
    w = rng.standard_normal((channels, case["per_out"], *case["kernel"]))
    try:
        expected = ref_conv_transpose(x, w, stride, dilation, pads, extra, groups)
    except ValueError:
        with pytest.raises(EmptyOutputError):
            conv_transpose(x, w, stride=stride, dilation=dilation, padding=pads,
                           output_padding=extra, groups=groups, layout=layout)  # fmt: skip
        return
    got = conv_transpose(
        x,
        w,
        stride=stride,
        dilation=dilation,
        padding=pads,
        output_padding=extra,
        groups=groups,
        layout=layout,
        budget=case["budget"],
    )
    terms = conv_terms(w, transposed=True, groups=groups)
    assert_float_close(got, expected, dtype=got.dtype, terms=terms, operands=(x, w))

    # Adjoint: <conv(z, W), x> == <z, conv_transpose(x, W)> for z of the transposed output's
    # shape, with the same stride, dilation and explicit pads.
    z = rng.standard_normal((*got.shape[:1], filters, *got.shape[2:]))
    wc = rng.standard_normal((channels, case["per_out"], *case["kernel"]))
    try:
        forward = conv(z, wc, stride=stride, dilation=dilation, padding=pads, groups=groups,
                       layout=layout)  # fmt: skip
    except EmptyOutputError:
        return
    if forward.shape != x.shape:
        return
    back = conv_transpose(x, wc, stride=stride, dilation=dilation, padding=pads,
                          output_size=list(z.shape[2:]), groups=groups, layout=layout)  # fmt: skip
    assert_inner_products_equal(
        forward, x, z, back, terms=conv_terms(wc) * x.size, operands=(z, wc, x)
    )


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_pooling_matches_loops(data: st.DataObject) -> None:
    rank = data.draw(st.integers(1, 3))
    size = [data.draw(st.integers(1, {1: 10, 2: 7, 3: 5}[rank])) for _ in range(rank)]
    kernel = [data.draw(st.integers(1, 3)) for _ in range(rank)]
    stride = [data.draw(st.integers(1, 3)) for _ in range(rank)]
    dilation = [data.draw(st.integers(1, 2)) for _ in range(rank)]
    pads = [(data.draw(st.integers(0, k // 2)), data.draw(st.integers(0, k // 2))) for k in kernel]
    ceil_mode = data.draw(st.booleans())
    op = data.draw(st.sampled_from(["max", "avg"]))
    include = data.draw(st.booleans())
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    x = np.round(rng.standard_normal((2, 2, *size)) * 2)  # ties
    if data.draw(st.booleans()):
        x.flat[data.draw(st.integers(0, x.size - 1))] = np.nan
    for a in range(rank):
        while size[a] + sum(pads[a]) < dilation[a] * (kernel[a] - 1) + 1:
            kernel[a] -= 1
    expected, expected_idx = ref_pool(x, kernel, stride, dilation, pads, ceil_mode, op, include)
    if 0 in expected.shape:
        return
    layout = ["ncw", "nchw", "ncdhw"][rank - 1]
    geometry: dict[str, Any] = {
        "stride": stride,
        "dilation": dilation,
        "padding": pads,
        "ceil_mode": ceil_mode,
        "layout": layout,
    }
    if op == "max":
        got, idx = max_pool(x, kernel, return_indices=True, **geometry)
        np.testing.assert_array_equal(idx, expected_idx)
        np.testing.assert_array_equal(max_pool(x, kernel, **geometry), expected)
    else:
        with np.errstate(invalid="ignore"):
            got = avg_pool(x, kernel, count_include_pad=include, **geometry)
    window = int(np.prod(kernel))
    assert_float_close(got, expected, dtype=got.dtype, terms=window, operands=(x[np.isfinite(x)],))


# ----------------------------------------------------------------- NumPy / SciPy


@pytest.mark.parametrize("n", [1, 2, 5, 8])
@pytest.mark.parametrize("m", [1, 2, 3, 4, 7])
def test_flip_full_and_same_lower_equal_np_convolve(n: int, m: int) -> None:
    rng = np.random.default_rng(n * 10 + m)
    x, k = rng.integers(-9, 9, n).astype(float), rng.integers(-9, 9, m).astype(float)
    assert np.array_equal(conv(x, k, padding="full", flip=True), np.convolve(x, k))
    if m <= n:  # np.convolve swaps its operands when the kernel is longer
        same = conv(x, k, padding="same-lower", flip=True)
        assert np.array_equal(same, np.convolve(x, k, "same"))
        assert np.array_equal(conv(x, k, flip=True), np.convolve(x, k, "valid"))
    xf, kf = rng.standard_normal(n), rng.standard_normal(m)
    got = conv(xf, kf, padding="full", flip=True)
    assert_float_close(got, np.convolve(xf, kf), dtype=xf.dtype, terms=m, operands=(xf, kf))


@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_np_correlate_modes(m: int) -> None:
    rng = np.random.default_rng(m)
    x, k = rng.standard_normal(9), rng.standard_normal(m)
    modes: list[tuple[Literal["valid", "full", "same"], str]] = [
        ("valid", "valid"),
        ("full", "full"),
        ("same", "same-lower"),
    ]
    for mode, padding in modes:
        got, want = conv(x, k, padding=padding), np.correlate(x, k, mode)
        assert_float_close(got, want, dtype=x.dtype, terms=m, operands=(x, k), err_msg=mode)
    want = scipy.signal.correlate(x, k, "same", method="direct")
    got = conv(x, k, padding="same-lower")
    assert_float_close(got, want, dtype=x.dtype, terms=m, operands=(x, k))


def test_seed_examples() -> None:
    assert conv([1, 2, 3], [0, 1, 0.5], padding="full", flip=True).tolist() == [
        0,
        1,
        2.5,
        4,
        1.5,
    ]
    train = np.array([0, 1, 0, 0, 1, 1, 0, 1])
    pulse = np.array([1, 2, 3])
    assert np.array_equal(conv(train, pulse, padding="full", flip=True), np.convolve(train, pulse))


@pytest.mark.parametrize("shape", [(6, 7), (9, 5)])
@pytest.mark.parametrize("kshape", [(3, 3), (2, 4), (1, 5)])
def test_scipy_signal_2d(shape: tuple[int, int], kshape: tuple[int, int]) -> None:
    rng = np.random.default_rng(0)
    x, k = rng.standard_normal(shape), rng.standard_normal(kshape)

    def close(got: Array, want: Array) -> None:
        assert_float_close(got, want, dtype=x.dtype, terms=k.size, operands=(x, k))

    close(conv(x, k), scipy.signal.correlate2d(x, k, "valid"))
    close(conv(x, k, padding="full"), scipy.signal.correlate2d(x, k, "full"))
    close(conv(x, k, padding="full", flip=True), scipy.signal.convolve2d(x, k))
    close(conv(x, k, padding="same-lower", flip=True), scipy.signal.convolve2d(x, k, "same"))
    close(
        conv(x, k, padding="same-lower", flip=True),
        scipy.signal.convolve(x, k, "same", method="direct"),
    )


@pytest.mark.parametrize(
    ("mode", "ndimage_mode"),
    [("zeros", "constant"), ("reflect", "mirror"), ("replicate", "nearest"), ("circular", "wrap")],
)
@pytest.mark.parametrize("kshape", [(3, 3), (2, 3), (3, 4)])
def test_scipy_ndimage_correlate(mode: str, ndimage_mode: str, kshape: tuple[int, int]) -> None:
    """ndimage centres the kernel at k//2: NumPy's 'same' split, convcalc's same-lower."""
    rng = np.random.default_rng(1)
    x, k = rng.standard_normal((7, 8)), rng.standard_normal(kshape)
    expected = scipy.ndimage.correlate(x, k, mode=ndimage_mode)
    got = conv(x, k, padding="same-lower", padding_mode=mode)
    assert_float_close(got, expected, dtype=x.dtype, terms=k.size, operands=(x, k))


# ----------------------------------------------------------------- layouts and dtypes


def test_layouts_agree() -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 6, 5))
    w = rng.standard_normal((4, 3, 3, 2))
    b = rng.standard_normal(4)
    first = conv(x, w, bias=b, stride=2, padding="same", layout="nchw")
    last = conv(
        x.transpose(0, 2, 3, 1), w.transpose(2, 3, 1, 0), bias=b, stride=2, padding="same",
        layout="nhwc",
    )  # fmt: skip
    terms = conv_terms(w) + 1  # + bias
    assert_float_close(last, first.transpose(0, 2, 3, 1), dtype=x.dtype, terms=terms,
                       operands=(x, w, b))  # fmt: skip
    plain = conv(x[0, 0], w[0, 0], padding=1)
    single = conv(x[:1, :1], w[:1, :1], padding=1, layout="nchw")[0, 0]
    assert_float_close(plain, single, dtype=x.dtype, terms=w[0, 0].size, operands=(x, w))
    wt = rng.standard_normal((3, 2, 3, 3))
    first_t = conv_transpose(x, wt, stride=2, padding=1, layout="nchw")
    last_t = conv_transpose(
        x.transpose(0, 2, 3, 1), wt.transpose(2, 3, 1, 0), stride=2, padding=1, layout="nhwc"
    )
    assert_float_close(last_t, first_t.transpose(0, 2, 3, 1), dtype=x.dtype,
                       terms=conv_terms(wt, transposed=True), operands=(x, wt))  # fmt: skip


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (np.float32, np.float32),
        (np.float64, np.float64),
        (np.float16, np.float32),
        (np.int32, np.float64),
        (np.uint8, np.float64),
        (np.bool_, np.float64),
    ],
)
def test_dtypes(dtype: Any, expected: Any) -> None:
    x = (np.arange(12).reshape(3, 4) % 2).astype(dtype)
    k = np.ones((2, 2), dtype=np.float64)
    assert conv(x, k).dtype == expected
    assert conv_transpose(x, k).dtype == expected
    assert max_pool(x, 2).dtype == expected
    assert avg_pool(x, 2).dtype == expected
    values, idx = max_pool(x, 2, return_indices=True)
    assert idx.dtype == np.int64
    assert max_unpool(values, idx, 2).dtype == expected


def test_float32_stays_float32_in_gemm_and_shift_add() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 8, 6, 6)).astype(np.float32)
    for w in (rng.standard_normal((8, 8, 3, 3)), rng.standard_normal((8, 1, 3, 3))):
        groups = 8 // w.shape[1]
        y = conv(x, w, padding="same", groups=groups, layout="nchw")
        assert y.dtype == np.float32
        ref = conv(x.astype(np.float64), w, padding="same", groups=groups, layout="nchw")
        assert_float_close(y, ref, dtype=y.dtype, terms=conv_terms(w), operands=(x, w))


def test_nan_and_inf_propagate() -> None:
    x = np.arange(25.0).reshape(5, 5)
    x[2, 2] = np.nan
    y = conv(x, np.ones((3, 3)), padding="same")
    assert np.isnan(y[1:4, 1:4]).all() and np.isfinite(y[0]).all()
    assert np.isnan(max_pool(x, 2, stride=1)[1:3, 1:3]).all()
    values, idx = max_pool(x, 3, stride=1, return_indices=True)
    assert (idx == 12).all() and np.isnan(values).all()
    z = np.array([1.0, np.inf, 2.0])
    assert conv(z, [1.0]).tolist() == [1.0, np.inf, 2.0]


def test_chunking_is_invisible_and_bounded() -> None:
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 5, 40, 30)).astype(np.float32)
    w = rng.standard_normal((6, 5, 3, 3)).astype(np.float32)
    whole = conv(x, w, padding="same", layout="nchw")
    for budget in (1, 4096, 200_000):  # BLAS rounding may differ with the block shape
        chunked = conv(x, w, padding="same", layout="nchw", budget=budget)
        assert_float_close(chunked, whole, dtype=x.dtype, terms=conv_terms(w), operands=(x, w))
    wt = rng.standard_normal((5, 2, 4, 4)).astype(np.float32)
    whole_t = conv_transpose(x, wt, stride=2, padding=1, layout="nchw")
    chunked_t = conv_transpose(x, wt, stride=2, padding=1, layout="nchw", budget=1)
    assert_float_close(chunked_t, whole_t, dtype=x.dtype, terms=conv_terms(wt, transposed=True),
                       operands=(x, wt))  # fmt: skip
    # A layer whose full column matrix would take ~100 MiB runs within a small budget.
    big = rng.standard_normal((1, 64, 96, 96)).astype(np.float32)
    wb = rng.standard_normal((8, 64, 5, 5)).astype(np.float32)
    tracemalloc.start()
    out = conv(big, wb, padding="same", layout="nchw", budget=2**20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < out.nbytes + big.nbytes + 4 * 2**20


def test_shift_add_paths() -> None:
    """Depthwise, depth multiplier and single-channel inputs (shift-and-add) vs loops."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 4, 7, 6))
    for w, groups in (
        (rng.standard_normal((4, 1, 3, 3)), 4),
        (rng.standard_normal((8, 1, 2, 3)), 4),
    ):
        b: Array = rng.standard_normal((w.shape[0],))
        got = conv(x, w, bias=b, stride=(2, 1), padding=[(1, 0), (2, 1)], groups=groups,
                   layout="nchw", padding_mode="replicate")  # fmt: skip
        expected = ref_conv(x, w, b, [2, 1], [1, 1], [(1, 0), (2, 1)], groups, "replicate")
        assert_float_close(got, expected, dtype=x.dtype, terms=conv_terms(w) + 1,
                           operands=(x, w))  # fmt: skip
    signal, k = rng.standard_normal(5000), rng.standard_normal(31)
    got, want = conv(signal, k, flip=True), np.convolve(signal, k, "valid")
    assert_float_close(got, want, dtype=signal.dtype, terms=k.size, operands=(signal, k))


def test_avg_pool_default_divisor_follows_padding_style() -> None:
    x = np.arange(1.0, 5.0)
    assert avg_pool(x, 2, stride=1, padding=1).tolist() == [0.5, 1.5, 2.5, 3.5, 2.0]
    assert avg_pool(x, 3, stride=1, padding="same").tolist() == [1.5, 2.0, 3.0, 3.5]
    np.testing.assert_array_equal(
        avg_pool(x, 3, stride=1, padding="same", count_include_pad=True),
        [1.0, 2.0, 3.0, 7 / 3],
    )


def test_ceil_mode_divisor_excludes_overhang() -> None:
    """PyTorch: the last ceil-mode window counts its pad cell but not the overhang."""
    x = np.arange(1.0, 6.0)  # 5 cells, k=2, s=2, pad 1 → windows [-1,0] [1,2] [3,4]
    assert avg_pool(x, 2, padding=1, ceil_mode=True).tolist() == [0.5, 2.5, 4.5]
    x = np.arange(1.0, 5.0)  # 4 cells, k=3, s=2, no pad, ceil → windows [0..2] [2..4)
    assert avg_pool(x, 3, stride=2, ceil_mode=True).tolist() == [2.0, 3.5]


def test_unpool_roundtrip_and_sizes() -> None:
    x = np.array([[1.0, 5, 2, 0], [3, 4, 8, 7], [0, 0, 1, 2]])
    values, idx = max_pool(x, 2, ceil_mode=True, return_indices=True)
    assert values.tolist() == [[5, 8], [0, 2]]
    up = max_unpool(values, idx, 2, output_size=(3, 4))
    assert up.tolist() == [[0, 5, 0, 0], [0, 0, 8, 0], [0, 0, 0, 2]]
    assert unpool_output_shape((2, 2), 2) == (4, 4)
    assert unpool_axis(3, 3, stride=2, padding=(1, 1)) == 5
    with pytest.raises(NoInverseError):
        unpool_axis(2, 2, output_size=6)
    with pytest.raises(ArrayFormatError, match="index 11 is out of range"):
        max_unpool(values, idx, 2, output_size=(3, 3))
    with pytest.raises(ArrayFormatError, match="must match"):
        max_unpool(values, idx[:1], 2)
    with pytest.raises(SpecError):
        max_unpool(values, idx, 2, padding="same")


@pytest.mark.parametrize(
    ("kernel", "stride", "padding", "dilation"),
    [(4, 2, 1, 1), (3, 2, 1, 1), (2, 3, 0, 1), (3, 2, 0, 2), (5, 1, 2, 1), (8, 4, 2, 1)],
)
def test_conv_transpose_subpixel_chunks_match_col2im(
    monkeypatch: pytest.MonkeyPatch, kernel: int, stride: int, padding: int, dilation: int
) -> None:
    """The sub-pixel path, one image per chunk, equals the per-tap col2im (``budget=1``
    forces the latter); stride 3 with kernel 2 leaves output phases no tap reaches."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((3, 4, 7, 6))
    w = rng.standard_normal((4, 5, kernel, kernel - 1 if kernel > 2 else kernel))
    kwargs: dict[str, Any] = {"stride": stride, "padding": padding, "dilation": dilation}
    reference = conv_transpose(x, w, layout="nchw", budget=1, **kwargs)
    monkeypatch.setattr(phases_module, "STACKED_BLOCK_BYTES", 1)
    got = conv_transpose(x, w, layout="nchw", **kwargs)
    assert_float_close(got, reference, dtype=x.dtype, terms=conv_terms(w, transposed=True),
                       operands=(x, w))  # fmt: skip
    x3 = rng.standard_normal((2, 3, 4, 5, 3))
    w3 = rng.standard_normal((3, 2, kernel, 2, 3))
    reference3 = conv_transpose(x3, w3, layout="ncdhw", budget=1, **kwargs)
    got3 = conv_transpose(x3, w3, layout="ncdhw", **kwargs)
    assert_float_close(got3, reference3, dtype=x3.dtype, terms=conv_terms(w3, transposed=True),
                       operands=(x3, w3))  # fmt: skip


@pytest.mark.parametrize(
    ("kernel", "stride", "padding", "extra"),
    [
        ((4, 4), 2, 1, {}),
        ((2, 2), 2, 0, {}),
        ((4, 2), 2, (0, 1), {}),
        ((6, 4), (3, 2), (2, 3), {}),
        ((3, 3), 1, 1, {}),
        ((1, 1), 1, 0, {}),
        ((4, 4), 2, 3, {"output_padding": 1}),
        ((4, 4), 2, "same", {}),
        ((4, 4), 2, "valid", {"output_size": (17, 15)}),
        ((4, 2, 4), 2, 1, {}),
    ],
)
def test_conv_transpose_pixel_shuffle_matches_col2im(
    monkeypatch: pytest.MonkeyPatch,
    kernel: tuple[int, ...],
    stride: Any,
    padding: Any,
    extra: dict[str, Any],
) -> None:
    """Kernels whose phases all have the same consecutive taps take the one-GEMM
    pixel-shuffle path (the sub-pixel fallback is disabled to prove it) and equal the
    per-tap col2im, with several images per chunk and one per chunk."""
    rng = np.random.default_rng(5)
    rank = len(kernel)
    x = rng.standard_normal((3, 4, *(7, 6, 5)[:rank]))
    w = rng.standard_normal((4, 5, *kernel))
    layout = "nchw" if rank == 2 else "ncdhw"
    kwargs: dict[str, Any] = {"stride": stride, "padding": padding, **extra}
    reference = conv_transpose(x, w, layout=layout, budget=1, **kwargs)

    def no_fallback(*args: Any) -> bool:
        raise AssertionError("the pixel-shuffle path was not taken")

    monkeypatch.setattr(transpose_module, "stacked_col2im", no_fallback)
    got = conv_transpose(x, w, layout=layout, **kwargs)
    assert_float_close(got, reference, dtype=x.dtype, terms=conv_terms(w, transposed=True),
                       operands=(x, w))  # fmt: skip
    monkeypatch.setattr(phases_module, "STACKED_BLOCK_BYTES", 1)
    got = conv_transpose(x, w, layout=layout, **kwargs)
    assert_float_close(got, reference, dtype=x.dtype, terms=conv_terms(w, transposed=True),
                       operands=(x, w))  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_pixel_shuffle_path_property(data: st.DataObject) -> None:
    """Random layers whose kernel is a multiple of the stride on every axis (pads on either
    side, output_padding, 2-D and 3-D, small inputs where the windows wrap into the next row
    of the flattened buffer) take the pixel-shuffle path and equal the per-tap col2im."""
    rank = data.draw(st.sampled_from([2, 3]))
    stride = [data.draw(st.integers(1, 3)) for _ in range(rank)]
    kernel = [s * data.draw(st.integers(1, 3)) for s in stride]
    pads = [(data.draw(st.integers(0, k - 1)), data.draw(st.integers(0, k - 1))) for k in kernel]
    extra = [data.draw(st.integers(0, s - 1)) for s in stride]
    sizes = [data.draw(st.integers(1, 5)) for _ in range(rank)]
    n, c, o = (
        data.draw(st.integers(1, 3)),
        data.draw(st.integers(1, 3)),
        data.draw(st.integers(1, 3)),
    )
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    x = rng.standard_normal((n, c, *sizes))
    w = rng.standard_normal((c, o, *kernel))
    layout = "nchw" if rank == 2 else "ncdhw"
    kwargs: dict[str, Any] = {"stride": stride, "padding": pads, "output_padding": extra}
    try:
        reference = conv_transpose(x, w, layout=layout, budget=1, **kwargs)
    except ConvcalcError:
        return  # pads larger than the output: no such layer
    fallback = transpose_module.stacked_col2im
    taken: list[bool] = []
    original = transpose_module.window_gemm

    def spy(*args: Any) -> bool:
        taken.append(original(*args))
        return taken[-1]

    transpose_module.window_gemm = spy  # type: ignore[assignment]
    try:
        got = conv_transpose(x, w, layout=layout, **kwargs)
    finally:
        transpose_module.window_gemm = original
    assert transpose_module.stacked_col2im is fallback
    assert taken == [True]
    assert_float_close(got, reference, dtype=x.dtype, terms=conv_terms(w, transposed=True),
                       operands=(x, w))  # fmt: skip


def test_tf_transposed_semantics() -> None:
    """Named modes: Keras default size, any TF output_shape in range, Keras output_padding."""
    x = np.array([1.0, 2.0])
    k = np.array([1.0, 10.0, 100.0])
    assert conv_transpose(x, k, stride=2, padding="same").tolist() == [1, 10, 102, 20]
    assert conv_transpose(x, k, stride=2, padding="same", output_size=[3]).tolist() == [
        10,
        102,
        20,
    ]
    assert conv_transpose(x, k, stride=2, padding="valid").tolist() == [1, 10, 102, 20, 200]
    valid_6 = conv_transpose(x, k, stride=2, padding="valid", output_size=[6])
    assert valid_6.tolist() == [1, 10, 102, 20, 200, 0]
    with pytest.raises(NoInverseError):
        conv_transpose(x, k, stride=2, padding="same", output_size=[5])


# ----------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("call", "error", "text"),
    [
        (lambda: conv(np.ones((1, 3, 5, 5)), np.ones((2, 2, 3, 3)), layout="nchw"),
         ArrayFormatError, "expects 2 input channel"),
        (lambda: conv(np.ones((1, 3, 5, 5)), np.ones((2, 1, 3, 3)), groups=2, layout="nchw"),
         ArrayFormatError, "does not divide"),
        (lambda: conv(np.ones((1, 4, 5, 5)), np.ones((3, 2, 3, 3)), groups=2, layout="nchw"),
         ArrayFormatError, "3 output channels"),
        (lambda: conv(np.ones((5, 5)), np.ones((3, 3)), layout="nchw"),
         ArrayFormatError, "needs a 4-D input"),
        (lambda: conv(np.ones((5, 5)), np.ones(3)), ArrayFormatError, "must match"),
        (lambda: conv(np.ones((4, 4)), np.ones((7, 7)), padding=1),
         EmptyOutputError, "larger than padded input"),
        (lambda: conv(np.ones(3), np.ones(3), padding=3, padding_mode="reflect"),
         SpecError, "smaller than the input"),
        (lambda: conv(np.ones(3), np.ones(3), padding_mode="mirror"), SpecError, "padding_mode"),
        (lambda: conv(np.ones(3), np.ones(1), bias=[1.0, 2.0]), ArrayFormatError, "bias"),
        (lambda: conv(np.ones(3, complex), np.ones(1)), ArrayFormatError, "complex"),
        (lambda: conv([[1, 2], [3]], np.ones(1)), ArrayFormatError, "rectangular"),
        (lambda: conv(np.ones(3), np.ones(1), layout="nchwx"), SpecError, "unknown layout"),
        (lambda: conv(np.ones(3), np.ones(1), groups=0), SpecError, "groups"),
        (lambda: conv_transpose(np.ones((1, 3, 4)), np.ones((2, 1, 3)), layout="ncw"),
         ArrayFormatError, "2 input channel"),
    ],
)  # fmt: skip
def test_errors_name_the_problem(call: Any, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        call()


def test_builtin_kernels() -> None:
    assert set(KERNELS) == {
        "sobel-x",
        "sobel-y",
        "laplacian",
        "box3",
        "box5",
        "gaussian3",
        "gaussian5",
        "identity",
    }
    for name in KERNELS:
        for rank in (2, 3):
            k = builtin_kernel(name, rank)
            assert k.ndim == rank
    assert builtin_kernel("sobel-x", 1).tolist() == [-1, 0, 1]
    assert builtin_kernel("laplacian", 1).tolist() == [1, -2, 1]
    assert builtin_kernel("box5", 2).sum() == pytest.approx(1.0)
    image = np.tile(np.arange(6.0), (5, 1))  # values increase to the right
    edges = conv(image, builtin_kernel("sobel-x", 2))
    assert (edges == 8).all()
    identity = conv(image, builtin_kernel("identity", 2), padding="same")
    np.testing.assert_array_equal(identity, image)
    with pytest.raises(SpecError, match="at least 2"):
        builtin_kernel("sobel-y", 1)
    with pytest.raises(SpecError, match="unknown built-in"):
        builtin_kernel("blur", 2)


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "dilation", "pads", "groups"),
    [
        ((17,), (4,), (3,), (2,), [(2, 1)], 1),
        ((9, 8), (3, 2), (2, 3), (1, 2), [(1, 0), (2, 2)], 2),
        ((5, 6, 7), (2, 3, 2), (2, 1, 3), (2, 1, 1), [(0, 1), (1, 1), (2, 0)], 3),
    ],
)
def test_adjoint_identity(
    size: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    pads: list[tuple[int, int]],
    groups: int,
) -> None:
    """⟨conv(x), y⟩ = ⟨x, conv_transpose(y)⟩ with the same weights, stride, dilation, pads."""
    rng = np.random.default_rng(6)
    layout = ["ncw", "nchw", "ncdhw"][len(size) - 1]
    x = rng.standard_normal((2, 2 * groups, *size))
    w = rng.standard_normal((3 * groups, 2, *kernel))
    geometry: dict[str, Any] = {
        "stride": stride,
        "dilation": dilation,
        "padding": pads,
        "groups": groups,
    }
    y = rng.standard_normal(conv(x, w, layout=layout, **geometry).shape)
    back = conv_transpose(y, w, output_size=size, layout=layout, **geometry)
    assert back.shape == x.shape
    forward = conv(x, w, layout=layout, **geometry)
    assert_inner_products_equal(
        forward, y, x, back, terms=conv_terms(w) * y.size, operands=(x, w, y)
    )


def test_workspace_reuse_across_dtypes_and_sizes() -> None:
    from convcalc.execute import _base, clear_workspace

    a = _base.workspace("t", 3, np.dtype(np.float32))
    b = _base.workspace("t", 1, np.dtype(np.float64))
    assert a.shape == (3,) and b.shape == (1,) and b.dtype == np.float64
    c = _base.workspace("t", 100, np.dtype(np.float64))
    assert c.shape == (100,)
    clear_workspace()
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 9, 7))
    w = rng.standard_normal((4, 3, 3, 3))
    first = conv(x.astype(np.float32), w, padding=1, layout="nchw")
    second = conv(x, w, padding=1, layout="nchw")
    assert_float_close(first, second, dtype=first.dtype, terms=conv_terms(w), operands=(x, w))


def test_clear_workspace_frees_every_threads_buffers() -> None:
    import threading

    from convcalc.execute import _base, clear_workspace

    held: list[int] = []

    def worker() -> None:
        _base.workspace("w", 1000, np.dtype(np.float64))
        held.append(len(_base._caches))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    _base.workspace("w", 10, np.dtype(np.float64))
    assert held and held[0] >= 1
    clear_workspace()
    assert all(not cache.arrays for cache in _base._caches)


def test_one_thread_blas_restores_the_count_and_nests() -> None:
    from convcalc.execute import _blas

    control = _blas._openblas()
    with _blas.one_thread_blas() as outer:
        assert outer is (control is not None)
        with _blas.one_thread_blas() as inner:
            assert inner is outer
            if control is not None:
                assert control[0]() == 1
        if control is not None:
            assert control[0]() == 1  # still held by the outer block
    if control is not None:
        before = control[0]()
        with _blas.one_thread_blas():
            pass
        assert control[0]() == before


@pytest.mark.parametrize("threads", ["1", "2", "3"])
def test_parallel_chunks_match_serial(threads: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks on worker threads (one-thread BLAS) give the numbers of the serial path."""
    from convcalc.execute import _base

    rng = np.random.default_rng(11)
    x = rng.standard_normal((5, 6, 13, 11)).astype(np.float32)
    w = rng.standard_normal((7, 6, 3, 3)).astype(np.float32)
    wt = rng.standard_normal((6, 4, 4, 4)).astype(np.float32)
    monkeypatch.setattr(_base, "PARALLEL_MIN_ELEMENTS", 0)
    monkeypatch.setattr(_base, "BLOCK_BYTES", 4096)  # many chunks
    monkeypatch.setenv("CONVCALC_NUM_THREADS", "1")
    conv_ref = conv(x, w, stride=2, padding=1, layout="nchw")
    deconv_ref = conv_transpose(x, wt, stride=2, padding=1, layout="nchw")
    monkeypatch.setenv("CONVCALC_NUM_THREADS", threads)
    got = conv(x, w, stride=2, padding=1, layout="nchw")
    assert_float_close(got, conv_ref, dtype=x.dtype, terms=conv_terms(w), operands=(x, w))
    got_t = conv_transpose(x, wt, stride=2, padding=1, layout="nchw")
    terms_t = conv_terms(wt, transposed=True)
    assert_float_close(got_t, deconv_ref, dtype=x.dtype, terms=terms_t, operands=(x, wt))


def test_parallel_chunks_finish_before_an_error_propagates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading
    import time

    from convcalc.execute import _base

    monkeypatch.setenv("CONVCALC_NUM_THREADS", "2")
    done: list[int] = []
    lock = threading.Lock()

    def job(chunk: int) -> None:
        if chunk == 0:
            raise ValueError("chunk 0 failed")
        time.sleep(0.01)
        with lock:
            done.append(chunk)

    with pytest.raises(ValueError, match="chunk 0"):
        _base._parallel(job, range(6))
    finished = list(done)
    time.sleep(0.05)
    assert done == finished  # nothing still runs after the error propagated
    assert len(finished) <= 2  # no chunk starts once one has failed
