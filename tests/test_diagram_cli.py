"""``convcalc diagram`` through Click's CliRunner: what must show, exit codes, the same
errors as ``convcalc shape``, colour switches, frames, export and values."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from convcalc.cli import cli


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, input=stdin)


def diagram(*args: str, **kwargs: object) -> str:
    result = run("diagram", *args, "--no-color", "--width", "100", **kwargs)  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    return result.stdout


def row(text: str, label: str) -> str:
    """The line of a 1-D strip that starts with *label*."""
    return next(line for line in text.splitlines() if line.startswith(label + " "))


def cells_of(line: str) -> list[str]:
    return line.split()[1:]


# --- must show ---------------------------------------------------------------------------


def test_same_13_6_5_pads_and_windows() -> None:
    out = diagram("conv", "-i", "13", "-k", "6", "-s", "5", "-p", "same")
    strip = cells_of(row(out, "input"))
    assert strip == ["·"] + ["■"] * 13 + [":", ":"]  # 1 pad before, 2 after
    windows = [line for line in out.splitlines() if re.match(r"out \d+ ", line)]
    assert len(windows) == 3
    assert "1 before, 2 after" in out


def test_valid_13_6_5_drops_inputs_11_and_12() -> None:
    out = diagram("conv", "-i", "13", "-k", "6", "-s", "5", "-p", "valid")
    index, strip = row(out, "index"), row(out, "input")
    assert cells_of(strip) == ["■"] * 11 + ["×", "×"]
    assert cells_of(index) == [str(i) for i in range(13)]
    # The × glyphs sit exactly under the labels 11 and 12.
    for label in ("11", "12"):
        column = index.index(" " + label) + len(label)
        assert strip[column] == "×"
    assert len([line for line in out.splitlines() if re.match(r"out \d+ ", line)]) == 2
    assert "inputs 11..12 (0-based) are never reached by a window: dropped" in out


def grid_block(out: str, title: str) -> list[str]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    block = []
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        block.append(line)
    return block


def glyph_rows(block: list[str], width: int) -> list[list[str]]:
    """The cell glyphs of each grid row (row labels dropped)."""
    return [line.split()[-width:] for line in block]


def test_deconv_3x3_stride_2_output_padding_1() -> None:
    out = diagram("deconv", "-i", "3x3", "-k", "3", "-s", "2", "-p", "1", "--output-padding", "1")
    stretched = glyph_rows(grid_block(out, "2. stretch"), 5)
    assert len(stretched) == 5
    assert stretched[0] == ["■", "∘", "■", "∘", "■"] and stretched[1] == ["∘"] * 5
    bordered = glyph_rows(grid_block(out, "3. border"), 8)
    assert len(bordered) == 8
    assert bordered[0] == ["□"] * 7 + ["+"]  # the 1-cell border, the extra column
    assert all(r[0] == "□" and r[-1] == "+" for r in bordered[:-1])
    assert bordered[-1] == ["+"] * 8  # the extra bottom row
    assert [r[1:6] for r in bordered[1:6]] == stretched
    assert "output (6×6)" in out and "→ output 6×6" in out


def test_200x200_at_40_columns_elides_and_fits() -> None:
    result = run("diagram", "conv", "-i", "200x200", "-k", "3", env={"COLUMNS": "40"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 40
    assert any("…" in line for line in lines) and any("⋮" in line for line in lines)


def test_no_color_env_has_no_escapes_and_still_tells_pads_apart() -> None:
    env = {"NO_COLOR": "1", "FORCE_COLOR": "1", "COLUMNS": "80"}
    result = run("diagram", "conv", "-i", "5x5", "-k", "3", "-p", "same", env=env)
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert "·" in result.stdout and ":" in result.stdout and "■" in result.stdout
    # Rich caches a style's escape codes on first use whatever the colour system, so force
    # the colour system the truecolor goldens use.
    truecolor = {"FORCE_COLOR": "1", "COLORTERM": "truecolor"}
    forced = run("diagram", "conv", "-i", "5x5", "-k", "3", env=truecolor)
    assert "\x1b[" in forced.stdout  # the switch is what removed them
    flag = run("diagram", "conv", "-i", "5x5", "-k", "3", "--no-color", env=truecolor)
    assert "\x1b" not in flag.stdout


# --- same geometries, same errors as `convcalc shape` -------------------------------------

sizes = st.sampled_from(["1", "3", "5", "7", "13", "4x6", "3x3x3", "1000000", "0", "2x0"])
kernels = st.sampled_from(["1", "2", "3", "6", "3x2", "9", "0"])
strides = st.sampled_from(["1", "2", "5", "2x1", "0"])
dilations = st.sampled_from(["1", "2", "3"])
paddings = st.sampled_from(
    ["valid", "same", "same-lower", "full", "causal", "0", "1", "2:0", "1x0:3", "bogus", "9"]
)


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(["conv", "pool", "deconv"]),
    sizes,
    kernels,
    strides,
    dilations,
    paddings,
    st.sampled_from([[], ["--ceil-mode"], ["--output-padding", "1"], ["--output-size", "12"]]),
)
def test_diagram_accepts_and_rejects_like_shape(
    op: str, size: str, kernel: str, stride: str, dilation: str, padding: str, extra: list[str]
) -> None:
    if extra and (extra[0] == "--ceil-mode") != (op == "pool"):
        extra = []
    if extra and extra[0].startswith("--output") and op != "deconv":
        extra = []
    args = [op, "-i", size, "-k", kernel, "-s", stride, "-d", dilation, "-p", padding, *extra]
    shape = run("shape", *args)
    drawn = run("diagram", *args, "--width", "60")
    assert drawn.exception is None or isinstance(drawn.exception, SystemExit), drawn.exception
    assert "Traceback" not in drawn.output
    assert drawn.exit_code == shape.exit_code, (args, shape.output, drawn.output)
    if shape.exit_code:
        # The same message; a usage error names the command's own --help.
        same = shape.stderr.replace("'cli shape ", "'cli diagram ")
        assert drawn.stderr.splitlines()[-1] == same.splitlines()[-1]
    else:
        assert max(cell_len(line) for line in drawn.stdout.splitlines()) <= 60


# --- highlighting, frames, animation ------------------------------------------------------


def test_step_and_at_pick_the_same_window() -> None:
    by_step = diagram("conv", "-i", "5x5", "-k", "3", "-s", "2", "-p", "1", "--step", "5")
    by_at = diagram("conv", "-i", "5x5", "-k", "3", "-s", "2", "-p", "1", "--at", "1,2")
    assert by_step == by_at
    assert "step 5 of 0..8: output (1, 2) reads input rows 1..3, cols 3..5" in by_step


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--step", "9"], "9 is past the last window: this layer has 9 (0..8)"),
        (["--at", "3,0"], "3,0 is outside the 3×3 output"),
        (["--at", "1"], "has 1 coordinate(s) but the output has 2 axes"),
        (["--at", "a,b"], "is not a position"),
        (["--step", "1", "--at", "0,1"], "Give --step or --at, not both"),
        (["--save", "x.png"], "must end in .svg, .html or .txt"),
    ],
)
def test_bad_view_options_are_usage_errors(args: list[str], message: str) -> None:
    result = run("diagram", "conv", "-i", "5x5", "-k", "3", "-s", "2", "-p", "1", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_all_prints_every_window() -> None:
    out = diagram("conv", "-i", "4x4", "-k", "3", "--all")
    steps = re.findall(r"^step (\d) of 0\.\.3", out, flags=re.M)
    assert steps == ["0", "1", "2", "3"]
    # The title once at the top, the legend and formulas once after the last frame.
    assert out.count("convolution:") == 1 and out.count("rows and cols:") == 1
    assert out.index("step 3") < out.index("■ input")


def test_animate_when_piped_prints_one_frame_and_says_so() -> None:
    result = run("diagram", "conv", "-i", "4x4", "-k", "3", "--animate", "--delay", "0")
    assert result.exit_code == 0
    assert result.stdout.count("step ") == 1
    assert "--animate needs a terminal" in result.stderr


def test_missing_input() -> None:
    result = run("diagram", "conv", "-k", "3")
    assert result.exit_code == 2 and "Missing option '-i' / '--input'" in result.stderr


# --- export ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".svg", ".html", ".txt"])
def test_save(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"d{suffix}"
    result = run("diagram", "conv", "-i", "13", "-k", "6", "-s", "5", "--save", str(path))
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "dropped input" in text or "dropped" in text
    if suffix == ".svg":
        assert text.startswith("<svg") and "#dc322f" in text  # colours kept
    if suffix == ".txt":
        assert "\x1b" not in text and "×  ×" in text


# --- values ------------------------------------------------------------------------------

DV_INPUT = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]


def test_values_from_stdin_and_npy(tmp_path: Path) -> None:
    kernel = tmp_path / "k.npy"
    np.save(kernel, np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]], dtype=float))
    out = diagram(
        "conv",
        "-k",
        "3",
        "--values",
        "-",
        "--kernel-values",
        str(kernel),
        "--at",
        "2,2",
        stdin=json.dumps(DV_INPUT),
    )
    assert "output (2, 2) reads input rows 2..4, cols 2..4 = 14" in out
    assert "12  12  17" in out and "10  17  19" in out and "9   6 [14]" in out


def test_values_text_file_and_inferred_size(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("1 2 3 4 5\n", encoding="utf-8")
    out = diagram("pool", "-k", "2", "--op", "max", "--values", str(path))
    assert cells_of(row(out, "value")) == ["2", "4"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-i", "5", "--values", "[1,2]"],
            "--values (the input) has shape 2 but the layer needs 5",
        ),
        (["--values", "[[1,2],[3]]"], "cannot read --values"),
        (["--values", "[1, NaN]"], "NaN or infinite"),
        (["--values", "not an array"], "neither JSON nor whitespace-separated numbers"),
        (["--values", "[1,2,3]", "--kernel-values", "[1,1]"], "--kernel-values has shape 2"),
    ],
)
def test_bad_values_are_one_line_errors(args: list[str], message: str) -> None:
    result = run("diagram", "conv", "-k", "3", *args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_kernel_values_need_values() -> None:
    result = run("diagram", "conv", "-i", "3", "-k", "2", "--kernel-values", "[1,1]")
    assert result.exit_code == 2 and "--kernel-values needs --values" in result.stderr


def test_avg_divisors_follow_count_include_pad() -> None:
    args = ["pool", "-i", "5", "-k", "3", "-s", "2", "-p", "1", "--op", "avg"]
    include = diagram(*args, "--values", "[1,1,1,1,1]")
    exclude = diagram(*args, "--no-count-include-pad", "--values", "[1,1,1,1,1]")
    assert cells_of(row(include, "divisor")) == ["3", "3", "3"]
    assert cells_of(row(include, "value")) == ["0.667", "1", "0.667"]
    assert cells_of(row(exclude, "divisor")) == ["2", "3", "2"]
    assert cells_of(row(exclude, "value")) == ["1", "1", "1"]


# --- imports -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "banned"),
    [("convcalc.cli", ["numpy", "rich"]), ("convcalc.diagram.layout", ["numpy", "rich", "click"])],
)
def test_light_imports(module: str, banned: list[str]) -> None:
    code = f"import sys, json; import {module}; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    assert not [m for m in loaded if m.split(".")[0] in banned]
