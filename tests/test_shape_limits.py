"""Issue 14 in the shape engine: every answer is a closed form (no loop over a kernel or a
size), every value is ≤ MAX_SIZE = 2**40, and bad numbers end in one ``Error:`` line."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner, Result

from convcalc.cli import cli
from convcalc.errors import SpecError
from convcalc.shape import (
    MAX_CANDIDATES,
    MAX_SIZE,
    Padding,
    conv_axis,
    deconv_axis,
    invert_axis,
    invert_plan,
    preimage,
)
from convcalc.shape.axes import parse_int

HUGE = str(2**63)


def run(*args: str) -> tuple[Result, float]:
    start = time.perf_counter()
    result = CliRunner().invoke(cli, list(args))
    return result, time.perf_counter() - start


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


def test_invert_with_a_huge_kernel_is_instant() -> None:
    result, seconds = run("shape", "invert", "-o", "3", "-k", "100000000")
    assert result.exit_code == 0, result.output
    assert "100000002" in result.stdout
    assert seconds < 2


@pytest.mark.parametrize("padding", ["same", "valid", "full", "same-lower", "3:5"])
def test_deconv_and_invert_at_the_size_limit_are_instant(padding: str) -> None:
    big = str(MAX_SIZE // 4)
    for args in (
        ("shape", "deconv", "-i", "3", "-k", big, "-s", big, "-p", padding),
        ("shape", "invert", "-o", "3", "-k", big, "-s", "2", "-p", padding),
        ("shape", "deconv", "-i", big, "-k", "3", "-s", "2", "-p", padding, "--json"),
    ):
        result, seconds = run(*args)
        assert result.exit_code in (0, 1), result.output
        assert result.exit_code == 0 or len(error_lines(result)) == 1
        assert seconds < 2


@pytest.mark.parametrize(
    "args",
    [
        ("shape", "conv", "-i", HUGE, "-k", "3"),
        ("shape", "deconv", "-i", "5", "-k", HUGE),
        ("shape", "pool", "-i", "5", "-k", "2", "-s", HUGE),
        ("shape", "conv", "-i", "5", "-k", "2", "-d", HUGE),
        ("shape", "conv", "-i", "5", "-k", "2", "-p", HUGE),
        ("shape", "deconv", "-i", "5", "-k", "2", "--output-size", HUGE),
        ("shape", "invert", "-o", HUGE, "-k", "2"),
        ("shape", "conv", "-i", "9" * 5000, "-k", "2"),
    ],
)
def test_numbers_above_the_limit_are_usage_errors(args: tuple[str, ...]) -> None:
    result, seconds = run(*args)
    assert result.exit_code == 2
    assert len(error_lines(result)) == 1
    assert seconds < 2


def test_the_limit_is_named_in_the_message() -> None:
    result, _ = run("shape", "deconv", "-i", "5", "-k", HUGE)
    assert f"{HUGE} is above convcalc's limit 2**40 = {MAX_SIZE}" in result.stderr


@pytest.mark.parametrize("text", ["５", "1_000", "٣", " 5", "+-3", ""])
def test_sizes_are_ascii_digits_only(text: str) -> None:
    """Python's int() reads '５' as 5; convcalc's one rule: ASCII digits only."""
    result, _ = run("shape", "conv", "-i", text or "x", "-k", "3")
    assert result.exit_code == 2
    assert "ASCII digits" in result.stderr
    with pytest.raises(ValueError):
        parse_int(text)


def test_library_calls_check_the_limit_too() -> None:
    with pytest.raises(SpecError, match="limit 2\\*\\*40"):
        conv_axis(5, 2**41)
    with pytest.raises(SpecError, match="limit 2\\*\\*40"):
        conv_axis(5, 2, padding=(0, 2**41))
    with pytest.raises(SpecError, match=r"output size .* limit"):
        deconv_axis(MAX_SIZE, 3, stride=4)
    assert conv_axis(MAX_SIZE, MAX_SIZE, stride=MAX_SIZE).output == 1


def test_inversion_with_a_huge_stride_names_the_range() -> None:
    start = time.perf_counter()
    with pytest.raises(SpecError, match=f"limit {MAX_CANDIDATES}"):
        invert_axis(3, 3, stride=10**9)
    with pytest.raises(SpecError, match="combine into"):
        invert_plan((3, 3, 3), 3, stride=64)
    assert time.perf_counter() - start < 2
    assert len(invert_axis(3, 3, stride=MAX_CANDIDATES)) == MAX_CANDIDATES


def test_preimage_bisects() -> None:
    calls = []

    def forward(n: int) -> int:
        calls.append(n)
        return conv_axis(n, 3, stride=7, padding=Padding.VALID).output

    assert preimage(1000, forward, 1, MAX_SIZE) == range(6996, 7003)
    assert len(calls) < 200
