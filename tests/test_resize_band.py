"""The banded-matmul resize (convcalc.execute.resize_band) against the per-tap gather it
replaced, on every mode and on downscales with antialias; inf/nan inputs keep the gather."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from floatcheck import assert_float_close
from hypothesis import given, settings
from hypothesis import strategies as st

from convcalc.execute import resize_band
from convcalc.execute.resize import _apply_gather, _tables, resize, resize_array_plan

CASES: list[tuple[tuple[int, ...], dict[str, Any]]] = [
    ((2, 3, 9, 13), {"scale": (2.0, 2.0), "mode": "linear"}),
    ((2, 3, 9, 13), {"size": (5, 31), "mode": "cubic"}),
    ((1, 2, 150, 70), {"scale": (0.5, 0.25), "mode": "cubic", "antialias": True}),
    ((1, 2, 150, 70), {"size": (19, 7), "mode": "area"}),
    ((1, 1, 300), {"size": (97,), "mode": "linear", "antialias": True}),
]


@pytest.mark.parametrize(("shape", "options"), CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_band_matches_gather(
    shape: tuple[int, ...], options: dict[str, Any], dtype: type[np.floating[Any]]
) -> None:
    x = np.random.default_rng(7).standard_normal(shape).astype(dtype)
    plan = resize_array_plan(x, "nchw" if len(shape) == 4 else "ncw", "torch", **options)
    for dim, axis in enumerate(plan.axes, start=2):
        index, weight = _tables(axis)
        band = resize_band.apply_band(x, dim, index, weight)
        gather = _apply_gather(x, dim, index, weight)
        assert band.dtype == x.dtype and band.shape == gather.shape
        eps = float(np.finfo(dtype).eps)
        bound = 8 * eps * index.shape[1] * float(np.max(np.abs(x))) * float(np.max(weight))
        np.testing.assert_allclose(band, gather, rtol=0, atol=bound)


def test_small_blocks_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    x = np.random.default_rng(3).standard_normal((1, 2, 40, 50)).astype(np.float32)
    options: dict[str, Any] = {"size": (23, 77), "mode": "cubic", "layout": "nchw"}
    wide = resize(x, **options)
    monkeypatch.setattr(resize_band, "BLOCK", 3)
    np.testing.assert_allclose(resize(x, **options), wide, rtol=0, atol=1e-5)


def test_infinite_input_reads_only_the_taps() -> None:
    x = np.ones((1, 1, 40, 2), dtype=np.float32)  # rows upsampled: the banded axis
    x[0, 0, 30] = np.inf
    with np.errstate(invalid="ignore"):  # the taps next to the inf: 0 · inf, as PyTorch
        y = resize(x, size=(80, 2), mode="linear", layout="nchw")[0, 0]
    assert np.all(y[:59] == 1.0)  # in the band of the inf, but not a tap: no 0 · inf
    assert not np.isfinite(y[59:63]).any() and np.all(y[63:] == 1.0)


def test_memory_limit_counts_the_input_copy_and_intermediates() -> None:
    """A channels-last resize works in place of the layout (no copy of a contiguous input);
    a strided input is copied contiguous first, and the intermediate result of the first
    axis is kept per chunk: the memory check counts both."""
    from convcalc.errors import MemoryLimitError
    from convcalc.execute.memory import memory_limit

    x = np.zeros((1, 256, 256, 8), dtype=np.float32)  # nhwc, 2 MiB
    options: dict[str, Any] = {"size": (512, 128), "mode": "linear", "convention": "tf"}
    mib = 2**20
    # output 2 MiB + the intermediate results 2 × 1 MiB (256×128×8, one chunk) + tables
    with memory_limit(5 * mib):
        assert resize(x, layout="nhwc", **options).shape == (1, 512, 128, 8)
    with memory_limit(4 * mib), pytest.raises(MemoryLimitError, match="in all"):
        resize(x, layout="nhwc", **options)
    strided = np.zeros((1, 256, 512, 8), dtype=np.float32)[:, :, ::2]
    with memory_limit(5 * mib), pytest.raises(MemoryLimitError) as refused:
        resize(strided, layout="nhwc", **options)
    total = float(str(refused.value).split("(")[-2].split(" MiB in all")[0])
    assert total > 6.5, refused.value  # + 2 MiB: the contiguous copy of the input
    with memory_limit(8 * mib):
        assert np.array_equal(
            resize(strided, layout="nhwc", **options), resize(x, layout="nhwc", **options)
        )


def test_chunks_and_threads_agree_with_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Planes split into many chunks (on the worker threads) give the same result as one
    chunk, channels-first and channels-last."""
    from convcalc.execute import resize as resize_module

    rng = np.random.default_rng(5)
    first = rng.standard_normal((4, 16, 64, 23)).astype(np.float32)  # > PARALLEL_MIN_ELEMENTS
    last = np.ascontiguousarray(first.transpose(0, 2, 3, 1))
    options: dict[str, Any] = {"size": (128, 160), "mode": "cubic"}
    whole_first = resize(first, layout="nchw", **options)
    whole_last = resize(last, layout="nhwc", convention="tf", **options)
    monkeypatch.setattr(resize_module, "CHUNK_BYTES", 1)  # one plane per chunk
    # BLAS may sum a smaller batch in another order: equal up to that rounding (4×4 taps,
    # cubic weights summing to at most 1.5 in absolute value)
    operands = (first, np.array([1.5]))
    chunked = resize(first, layout="nchw", **options)
    assert_float_close(chunked, whole_first, dtype=np.float32, terms=16, operands=operands)
    chunked = resize(last, layout="nhwc", convention="tf", **options)
    assert_float_close(chunked, whole_last, dtype=np.float32, terms=16, operands=operands)
    assert resize_module._plane_chunks(
        (64, 64, 23, 1),
        resize_module.resize_array_plan(first, "nchw", "torch", **options),
        [1, 0],
        4,
    )[1] == (1, 2)


@settings(max_examples=60, deadline=None)
@given(
    batch=st.integers(1, 3),
    channels=st.integers(1, 4),
    spatial=st.lists(st.integers(1, 9), min_size=1, max_size=3),
    out=st.lists(st.integers(1, 13), min_size=3, max_size=3),
    mode=st.sampled_from(["nearest", "linear", "cubic", "area"]),
    last=st.booleans(),
)
def test_every_plane_is_resized_as_alone(
    batch: int, channels: int, spatial: list[int], out: list[int], mode: str, last: bool
) -> None:
    """A batch of channels, channels-first (torch) or channels-last (jax), gives for every
    (n, c) what that plane alone gives: the planes and the layout are only bookkeeping."""
    rank = len(spatial)
    convention = "jax" if last else "torch"  # channels-last in 1-D to 3-D: jax.image.resize
    if (mode == "cubic" and rank != 2 and not last) or (mode == "area" and last):
        mode = "linear"  # PyTorch has cubic in 2-D only, JAX no area
    size = tuple(out[:rank])
    x = np.random.default_rng(rank * 100 + batch).standard_normal((batch, channels, *spatial))
    x = x.astype(np.float32)
    names = {1: "w", 2: "hw", 3: "dhw"}
    if last:
        native = np.ascontiguousarray(np.moveaxis(x, 1, -1))
        y = np.moveaxis(resize(native, size=size, mode=mode, convention=convention,
                               layout=f"n{names[rank]}c"), -1, 1)  # fmt: skip
    else:
        y = resize(x, size=size, mode=mode, convention=convention, layout=f"nc{names[rank]}")
    alone = np.stack([
        np.stack([resize(x[n, c], size=size, mode=mode, convention=convention)
                  for c in range(channels)])
        for n in range(batch)
    ])  # fmt: skip
    assert y.shape == alone.shape == (batch, channels, *size)
    assert_float_close(y, alone, dtype=np.float32, terms=64, operands=(x, np.array([1.5])))
