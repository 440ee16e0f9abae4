"""``convcalc diagram`` never ends in a traceback and never runs unbounded (issue 14).

Every call here runs in-process and must return in well under 2 s: the work of a diagram
is bounded by what it draws (cells elided to the width, at most ``MAX_FRAMES`` frames),
sizes are bounded by ``MAX_SIZE``, ``--values`` by ``MAX_VALUE_CELLS`` and
``MAX_VALUE_WORK``, and ``--save`` writes a whole file or none.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from convcalc.cli import cli
from convcalc.cli.diagram_show import MAX_FRAMES, MAX_WIDTH
from convcalc.diagram.layout import Kind, Segment
from convcalc.diagram.values import MAX_VALUE_CELLS
from convcalc.shape.axes import MAX_SIZE

SECONDS = 2.0
BIG = str(MAX_SIZE)
HUGE = str(2**63)


def timed(*args: str, stdin: str | None = None) -> Result:
    """Run ``convcalc diagram ARGS`` in-process; fail if it takes 2 s or more."""
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["diagram", *args, "--no-color"], input=stdin)
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS, f"{args}: {elapsed:.2f} s"
    return result


def refused(result: Result, status: int) -> str:
    """The one ``Error:`` line of a refused call with exit *status*, and no traceback."""
    assert result.exit_code == status, (result.output, result.exception)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    if status == 1:
        assert lines == errors, result.stderr  # exit 1: nothing but the one line
    return errors[0]


# --- --save ------------------------------------------------------------------------------


def test_save_into_a_missing_folder_is_one_error_line(tmp_path: Path) -> None:
    target = tmp_path / "nodir" / "d.svg"
    error = refused(timed("conv", "-i", "13", "-k", "3", "--save", str(target)), 1)
    assert "nodir" in error and "no folder" in error
    assert not target.parent.exists()


def test_save_refused_before_drawing(tmp_path: Path) -> None:
    result = timed("conv", "-i", "13", "-k", "3", "--save", str(tmp_path / "no" / "d.txt"))
    refused(result, 1)
    assert result.stdout == ""  # checked before anything is drawn


@pytest.mark.parametrize(
    "error",
    [PermissionError(13, "Permission denied"), IsADirectoryError(21, "Is a directory")],
)
def test_save_write_failure_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError
) -> None:
    target = tmp_path / "d.svg"
    target.write_text("the old diagram")

    def fail(src: str, dst: str) -> None:
        raise error

    monkeypatch.setattr(os, "replace", fail)
    line = refused(timed("conv", "-i", "13", "-k", "3", "--save", str(target)), 1)
    assert str(error.strerror) in line
    assert target.read_text() == "the old diagram"  # untouched
    assert [p.name for p in tmp_path.iterdir()] == ["d.svg"]  # the temporary file is gone


def test_save_to_an_unwritable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def fail(**kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", fail)
    line = refused(timed("conv", "-i", "5", "-k", "3", "--save", str(tmp_path / "d.html")), 1)
    assert "Permission denied" in line
    assert list(tmp_path.iterdir()) == []


def test_save_onto_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    refused(timed("conv", "-i", "13", "-k", "3", "--save", str(tmp_path)), 2)


def test_save_name_too_long_is_one_error_line(tmp_path: Path) -> None:
    target = tmp_path / ("a" * 300 + ".txt")
    result = timed("conv", "-i", "13", "-k", "3", "--save", str(target))
    assert "Error: cannot save" in refused(result, 1)
    assert list(tmp_path.iterdir()) == []


def test_save_writes_the_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "d.txt"
    result = timed("conv", "-i", "13", "-k", "3", "--save", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("convolution: input 13")
    assert [p.name for p in tmp_path.iterdir()] == ["d.txt"]


# --- huge sizes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["conv", "-i", HUGE, "-k", "3"], 2),  # malformed options: exit 2
        (["conv", "-i", "13", "-k", HUGE], 2),
        (["pool", "-i", "5", "-k", "2", "-p", f"1:{HUGE}"], 2),
        (["deconv", "-i", "5", "-k", "3", "-s", str(MAX_SIZE + 1)], 2),
        (["deconv", "-i", "5", "-k", "2", "--output-size", str(MAX_SIZE + 1)], 2),
        (["deconv", "-i", BIG, "-k", BIG, "-s", BIG], 1),  # the output is over the limit
        (["conv", "-i", f"5x{HUGE}", "-k", "3", "-d", HUGE], 2),
    ],
)
def test_sizes_over_max_size_are_one_error_line(args: list[str], status: int) -> None:
    assert "2**40" in refused(timed(*args), status)


@pytest.mark.parametrize(
    "args",
    [
        ["conv", "-i", BIG, "-k", "3"],
        ["conv", "-i", BIG, "-k", str(MAX_SIZE // 4), "-d", "3", "-p", "same", "--step", "5"],
        ["conv", "-i", f"{BIG}x{BIG}", "-k", "3", "--at", f"{MAX_SIZE - 3},7"],
        ["conv", "-i", f"10x10x{BIG}", "-k", "3", "--at", "1,1,1000000"],
        ["pool", "-i", BIG, "-k", "1000000", "-s", "3", "--ceil-mode", "--op", "avg", "-p", "999"],
        ["deconv", "-i", str(2**39 - 3), "-k", "3", "-s", "2"],  # its bordered grid ≤ 2**40
        ["deconv", "-i", "1000", "-k", "1000000000", "-s", "1000000", "-d", "7"],
        ["deconv", "-i", f"{2**30}x{2**30}", "-k", "1000000", "-s", "7"],
        ["deconv", "-i", "1000x1000", "-k", "1000000x1000000", "-s", "7"],
    ],
)
def test_sizes_up_to_max_size_draw_quickly(args: list[str]) -> None:
    result = timed(*args, "--width", "120")
    assert result.exit_code == 0, result.output
    assert "…" in result.stdout  # elided to the width, never built cell by cell


def test_counting_a_stretched_run_is_closed_form() -> None:
    stretched = Segment(Kind.INPUT, 0, 2**80, first_index=0, period=3)
    start = time.perf_counter()
    assert stretched.count_in(range(0, 2**80), Kind.INPUT) == -(-(2**80) // 3)
    # odd positions that are inputs: 3, 9, 15, … below 2**80 (which is 4 mod 6)
    assert stretched.count_in(range(1, 2**80, 2), Kind.INPUT) == 2**80 // 6 + 1
    assert stretched.count_in(range(1, 2**80, 2), Kind.STRETCH_ZERO) == 2**79 - 2**80 // 6 - 1
    assert time.perf_counter() - start < 0.1


# --- frames and width --------------------------------------------------------------------


def test_all_over_max_frames_is_refused() -> None:
    line = refused(timed("conv", "-i", "1000", "-k", "3", "--all"), 2)
    assert f"{MAX_FRAMES} frames" in line and "--step" in line


def test_all_up_to_max_frames_draws() -> None:
    result = timed("deconv", "-i", "4x4", "-k", "3", "-s", "2", "-p", "1", "--all", "-w", "400")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("step ") == 49


def test_width_over_the_limit_is_a_usage_error() -> None:
    refused(timed("conv", "-i", "13", "-k", "3", "--width", str(MAX_WIDTH + 1)), 2)


def test_a_huge_terminal_is_drawn_max_width_wide() -> None:
    start = time.perf_counter()
    result = CliRunner().invoke(
        cli, ["diagram", "conv", "-i", "100000", "-k", "3"], env={"COLUMNS": "100000000"}
    )
    assert time.perf_counter() - start < SECONDS
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= MAX_WIDTH


# --- --values ----------------------------------------------------------------------------


def test_deeply_nested_values_are_one_error_line() -> None:
    deep = "[" * 100_000 + "1" + "]" * 100_000
    assert "nested too deeply" in refused(timed("conv", "-k", "1", "--values", "-", stdin=deep), 1)


def test_values_nested_past_numpy_dimensions() -> None:
    deep = "[" * 70 + "1" + "]" * 70
    refused(timed("conv", "-k", "1", "--values", deep), 1)


def test_values_with_a_huge_integer() -> None:
    refused(timed("conv", "-k", "1", "--values", "[1" + "0" * 400 + "]"), 1)


@pytest.mark.parametrize(
    "args",
    [
        ["conv", "-k", "3", "-p", "100000", "--values", "[[1]]"],
        ["pool", "-k", "3", "-p", str(MAX_SIZE), "--values", "[1]"],
        ["deconv", "-k", "3", "-s", "100000", "--values", "[[1, 2], [3, 4]]"],
        ["deconv", "-k", "3", "-s", str(2**20), "--values", "[[1, 2], [3, 4]]"],
    ],
)
def test_values_over_max_value_cells(args: list[str]) -> None:
    assert "(MAX_VALUE_CELLS" in refused(timed(*args), 1)


def test_values_over_max_value_work() -> None:
    ones = json.dumps([[1] * 128] * 128)
    result = timed("conv", "-k", "64", "-p", "32", "--values", ones)
    assert "(MAX_VALUE_WORK" in refused(result, 1)


def test_values_up_to_the_limit_draw() -> None:
    side = 254  # with padding 1: 256 × 256 = MAX_VALUE_CELLS
    assert (side + 2) ** 2 == MAX_VALUE_CELLS
    values = json.dumps([[(r * side + c) % 97 / 7 for c in range(side)] for r in range(side)])
    result = timed("conv", "-k", "3", "-p", "1", "--values", "-", stdin=values)
    assert result.exit_code == 0, result.output


def test_a_bordered_grid_over_the_limit_says_so() -> None:
    """The layer exists (output 3), but its picture's grid has 2**40 + 2 cells."""
    line = refused(timed("deconv", "-i", "3", "-k", str(MAX_SIZE), "-p", "same"), 1)
    assert "bordered grid (1099511627778 cells" in line and "2**40" in line
