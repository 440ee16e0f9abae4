"""``convcalc matrix``: ``C @ x`` equals the executor's convolution, ``Cᵀ @ y`` its
transposed convolution (with the matching output_padding), for random 1-D/2-D geometries."""

from __future__ import annotations

import json
import math
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from click.testing import CliRunner, Result
from floatcheck import assert_float_close
from hypothesis import assume, given
from hypothesis import strategies as st

from convcalc.arrays.kernels import builtin_kernel
from convcalc.cli import cli
from convcalc.errors import ConvcalcError
from convcalc.execute import avg_pool, conv, conv_transpose
from convcalc.execute.matrix import check_matrix, dense_matrix, pool_matrix, tap_matrix
from convcalc.shape import PaddingArg, WindowPlan, conv_plan, deconv_plan, pool_plan
from convcalc.shape.matrix import (
    conv_matrix_map,
    deconv_matrix_map,
    matrix_view_line,
    transpose_map,
)


@dataclass(frozen=True)
class Geometry:
    input: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: PaddingArg
    seed: int


@st.composite
def geometry(draw: st.DrawFn) -> Geometry:
    ndim = draw(st.integers(1, 2))

    def axes(low: int, high: int) -> tuple[int, ...]:
        return tuple(draw(st.integers(low, high)) for _ in range(ndim))

    pair = st.tuples(st.integers(0, 3), st.integers(0, 3))
    padding = draw(
        st.one_of(
            st.sampled_from(["valid", "same", "full", "same-lower"]),
            st.lists(pair, min_size=ndim, max_size=ndim).map(tuple),
        )
    )
    return Geometry(
        axes(1, 9), axes(1, 4), axes(1, 3), axes(1, 3), padding, draw(st.integers(0, 2**32 - 1))
    )


def _plan(g: Geometry) -> WindowPlan:
    try:
        return conv_plan(g.input, g.kernel, stride=g.stride, dilation=g.dilation, padding=g.padding)
    except ConvcalcError:
        assume(False)
        raise


@given(g=geometry())
def test_c_times_x_is_run_conv(g: Geometry) -> None:
    plan = _plan(g)
    rng = np.random.default_rng(g.seed)
    w = rng.uniform(-1, 1, size=g.kernel)
    x = rng.uniform(-1, 1, size=plan.input)
    c = dense_matrix(tap_matrix(conv_matrix_map(plan)), w)
    assert c.shape == (math.prod(plan.output), math.prod(plan.input))
    expected = conv(x, w, stride=g.stride, dilation=g.dilation, padding=g.padding)
    got = (c @ x.ravel()).reshape(plan.output)
    assert_float_close(got, expected, dtype=np.float64, terms=w.size, operands=(x, w))


@given(g=geometry())
def test_c_transpose_times_y_is_run_deconv(g: Geometry) -> None:
    plan = _plan(g)
    rng = np.random.default_rng(g.seed)
    w = rng.uniform(-1, 1, size=g.kernel)
    y = rng.uniform(-1, 1, size=plan.output)
    m = transpose_map(conv_matrix_map(plan))
    ct = dense_matrix(tap_matrix(m), w)
    assert ct.shape == (math.prod(plan.input), math.prod(plan.output))
    # the matching output_padding, from the shape engine
    back = deconv_plan(
        plan.output,
        g.kernel,
        stride=g.stride,
        dilation=g.dilation,
        padding=plan.pads,
        output_size=plan.input,
    )
    expected = conv_transpose(
        y,
        w,
        stride=g.stride,
        dilation=g.dilation,
        padding=plan.pads,
        output_padding=back.output_padding,
    )
    got = (ct @ y.ravel()).reshape(plan.input)
    assert_float_close(got, expected, dtype=np.float64, terms=w.size, operands=(y, w))
    # the transposed convolution's own matrix is the same Cᵀ, index for index
    assert np.array_equal(tap_matrix(deconv_matrix_map(back)), tap_matrix(m))


@given(g=geometry(), include=st.booleans(), ceil=st.booleans())
def test_avg_pool_matrix_is_run_pool(g: Geometry, include: bool, ceil: bool) -> None:
    padding = "valid" if isinstance(g.padding, str) else g.padding
    geometry: dict[str, Any] = {
        "stride": g.stride,
        "dilation": g.dilation,
        "padding": padding,
        "ceil_mode": ceil,
    }
    try:
        plan = pool_plan(g.input, g.kernel, **geometry)
    except ConvcalcError:
        assume(False)
        raise
    x = np.random.default_rng(g.seed).uniform(-1, 1, size=plan.input)
    c = pool_matrix(conv_matrix_map(plan), plan, include)
    expected = avg_pool(x, g.kernel, count_include_pad=include, **geometry).ravel()
    real = np.isfinite(expected)
    assert np.all(c[~real] == 0)  # windows of padding only: NaN in the pooling, a zero row
    terms = math.prod(g.kernel)
    assert_float_close(
        (c @ x.ravel())[real], expected[real], dtype=np.float64, terms=terms, operands=(x,)
    )


@given(g=geometry(), extra=st.integers(0, 2), transpose=st.booleans())
def test_deconv_matrix_check_agrees(g: Geometry, extra: int, transpose: bool) -> None:
    """A transposed convolution's C (and Cᵀ, its adjoint convolution) against the executor,
    output_padding up to max(stride, dilation) − 1 included."""
    pads = ((1, 0),) * len(g.input) if isinstance(g.padding, str) else g.padding
    limits = [max(s, d) - 1 for s, d in zip(g.stride, g.dilation, strict=True)]
    try:
        plan = deconv_plan(
            g.input,
            g.kernel,
            stride=g.stride,
            dilation=g.dilation,
            padding=pads,
            output_padding=[min(extra, limit) for limit in limits],
        )
    except ConvcalcError:
        assume(False)
        raise
    m = deconv_matrix_map(plan)
    m = transpose_map(m) if transpose else m
    w = np.random.default_rng(g.seed).uniform(-1, 1, size=g.kernel)
    c = dense_matrix(tap_matrix(m), w)
    checked = check_matrix(c, m, plan, w, seed=g.seed % 1000)
    assert checked.operation == ("run conv" if transpose else "run deconv")
    assert checked.agrees, checked
    assert checked.skipped == 0


def test_primer_example_first_row() -> None:
    taps = tap_matrix(conv_matrix_map(conv_plan((4, 4), 3)))
    assert taps.shape == (4, 16)
    assert taps[0].tolist() == [0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, -1, -1, -1, -1]


# ---------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------


def matrix(*args: str) -> Result:
    return CliRunner().invoke(cli, ["matrix", *args])


def body(result: Result) -> list[list[str]]:
    """The table's rows as tokens, without the row labels and the ``│``."""
    return [line.split("│")[1].split() for line in result.stdout.splitlines() if "│" in line]


def test_primer_matrix_text() -> None:
    result = matrix("conv", "-i", "4x4", "-k", "3", "-w", "200")
    assert result.exit_code == 0, result.output
    rows = body(result)
    assert len(rows) == 4 and all(len(r) == 16 for r in rows)
    assert rows[0] == [
        "w00",
        "w01",
        "w02",
        "·",
        "w10",
        "w11",
        "w12",
        "·",
        "w20",
        "w21",
        "w22",
        "·",
        "·",
        "·",
        "·",
        "·",
    ]
    assert "C: 4 × 16, 9 non-zeros per row" in result.stdout


def test_primer_transpose_check() -> None:
    result = matrix("conv", "-i", "4x4", "-k", "3", "--transpose", "--check", "-w", "200")
    assert result.exit_code == 0, result.output
    rows = body(result)
    assert len(rows) == 16 and all(len(r) == 4 for r in rows)
    check = next(line for line in result.stdout.splitlines() if line.startswith("check:"))
    assert "agrees with run deconv" in check
    difference = float(check.split("largest difference ")[1].split()[0])
    assert difference < 1e-14


def test_json_matrix_matches_run_conv_on_the_identity_basis() -> None:
    result = matrix(
        "conv", "-i", "5", "-k", "3", "-s", "2", "-p", "same", "--kernel", "[1,2,3]", "--json"
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    c = np.array(doc["matrix"])
    assert c.shape == (3, 5) and doc["shape"] == [3, 5]
    columns = [conv(e, [1.0, 2.0, 3.0], stride=2, padding="same") for e in np.eye(5)]
    assert np.array_equal(c, np.stack(columns, axis=1))
    assert doc["row_index"] == [[0], [1], [2]]
    assert doc["column_index"] == [[i] for i in range(5)]


def test_save_writes_the_dense_matrix(tmp_path: Path) -> None:
    path = tmp_path / "C.npy"
    result = matrix("conv", "-i", "4x4", "--kernel", "sobel-x", "-p", "1", "--save", str(path))
    assert result.exit_code == 0, result.output
    c = np.load(path)
    x = np.random.default_rng(3).uniform(-1, 1, size=(4, 4))
    w = builtin_kernel("sobel-x", 2)
    expected = conv(x, w, padding=1).ravel()
    assert_float_close(c @ x.ravel(), expected, dtype=np.float64, terms=9, operands=(x, w))


def test_save_without_values_is_refused(tmp_path: Path) -> None:
    result = matrix("conv", "-i", "4", "-k", "3", "--save", str(tmp_path / "C.npy"))
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: --save needs numbers")
    assert not (tmp_path / "C.npy").exists()


def test_deconv_and_pool_check() -> None:
    for args in (
        ["deconv", "-i", "3x2", "-k", "3", "-s", "2", "-p", "1", "--output-padding", "1"],
        ["deconv", "-i", "3", "-k", "2", "-s", "3", "-d", "2", "--transpose"],
        ["pool", "avg", "-i", "5x4", "-k", "2", "-p", "1", "--ceil-mode"],
        ["pool", "avg", "-i", "6", "-k", "3", "-s", "2", "-p", "1", "--transpose"],
    ):
        result = matrix(*args, "--check", "--json")
        assert result.exit_code == 0, (args, result.output)
        check = json.loads(result.stdout)["check"]
        assert check["agrees"] and check["largest_difference"] <= check["tolerance"]


def test_deconv_matrix_is_the_conv_transpose() -> None:
    conv_t = json.loads(matrix("conv", "-i", "6", "-k", "3", "-s", "2", "-p", "1", "--json").stdout)
    deconv_m = json.loads(
        matrix(
            "deconv", "-i", "3", "-k", "3", "-s", "2", "-p", "1", "--output-padding", "1", "--json"
        ).stdout
    )
    assert np.array_equal(np.array(deconv_m["taps"]), np.array(conv_t["taps"]).T)


def test_wide_matrix_is_a_sparsity_picture() -> None:
    result = matrix("conv", "-i", "12x12", "-k", "3", "-w", "80")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    picture = [line for line in lines if set(line) <= {"■", "·"} and line]
    assert len(picture) == 100 and all(len(line) == 144 for line in picture)
    assert sum(line.count("■") for line in picture) == 900
    assert "C: 100 × 144, 9 non-zeros per row, density 6.2% (900 of 14400)" in lines


def test_max_cells_refusal() -> None:
    result = matrix("conv", "-i", "1000x1000", "-k", "3")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the matrix is 996004 × 1000000 = 996004000000 cells, over the limit of "
        "250000 (--max-cells)\n"
    )
    assert matrix("conv", "-i", "20", "-k", "3", "--max-cells", "359").exit_code == 1
    assert matrix("conv", "-i", "20", "-k", "3", "--max-cells", "360").exit_code == 0


def test_max_pooling_has_no_matrix() -> None:
    result = matrix("pool", "max", "-i", "4", "-k", "2")
    assert result.exit_code == 1
    assert "max pooling is not linear" in result.stderr


def test_kernel_values_and_size_must_agree() -> None:
    result = matrix("conv", "-i", "5", "-k", "2", "--kernel", "[1,2,3]")
    assert result.exit_code == 1
    assert "disagrees with --kernel's shape (3,)" in result.stderr
    assert matrix("conv", "-i", "5", "-k", "3", "--kernel", "[1,2,3]").exit_code == 0
    assert matrix("conv", "-i", "5").exit_code == 2


def test_pads_show_the_vanishing_columns() -> None:
    result = matrix("conv", "-i", "3", "-k", "3", "-p", "1", "--pads")
    assert result.exit_code == 0, result.output
    head = result.stdout.splitlines()[1].split()
    assert head == ["p-1", "x0", "x1", "x2", "p3"]
    assert body(result)[0] == ["w0", "w1", "w2", "·", "·"]


@given(
    n=st.integers(1, 9),
    k=st.integers(1, 5),
    s=st.integers(1, 4),
    d=st.integers(1, 3),
    mode=st.sampled_from(["same", "valid"]),
    extra=st.integers(0, 3),
)
def test_matrix_view_line_prints_the_same_matrix(
    n: int, k: int, s: int, d: int, mode: str, extra: int
) -> None:
    """The command deconv's --explain points to prints this layer's matrix (named padding
    spelled as its explicit crop and output_padding)."""
    try:
        plan = deconv_plan((n,), k, stride=s, dilation=d, padding=mode, output_padding=extra)
    except ConvcalcError:
        assume(False)
        raise
    command = matrix_view_line(plan).split("print it: convcalc ")[1]
    result = CliRunner().invoke(cli, [*shlex.split(command), "--json"])
    assert result.exit_code == 0, (command, result.output)
    taps = np.array(json.loads(result.stdout)["taps"])
    assert np.array_equal(taps, tap_matrix(deconv_matrix_map(plan)))


def test_huge_kernel_over_padding_is_refused_quickly() -> None:
    """Two windows over one real cell, but 10**8 taps each: refused before listing them."""
    result = matrix("conv", "-i", "1", "-k", "100000000", "-p", "100000000:0")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: axis 0: 2 windows × 100000000 taps = 200000000 taps to list, over the limit "
        "of 250000 (--max-cells)\n"
    )


def test_huge_kernel_under_huge_crop_is_refused_quickly() -> None:
    result = matrix("deconv", "-i", "2", "-k", "100000000", "-p", "49999999:50000000")
    assert result.exit_code == 1
    assert "2 windows × 100000000 taps = 200000000 taps to list" in result.stderr


def test_kernel_with_more_taps_than_max_cells_is_refused() -> None:
    """A 192×192×192 kernel over a 2×2×2 input (found by fuzzing: 46 s before the limit)."""
    result = matrix("conv", "--check", "-s", "192", "-k", "192", "-i", "2x2x2", "-p", "same")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the kernel has 7077888 taps, over the limit of 250000 (--max-cells)\n"
    )


def test_check_over_its_budget_is_refused() -> None:
    """216,000 windows × 216,000 taps: the matrix fits, the executor's layer would not."""
    result = matrix("conv", "-i", "1x1x1", "-k", "60", "-p", "59", "--check")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --check would run a layer of 46656000000 products (windows × kernel taps), "
        "over the limit of 100000000\n"
    )
