"""``convcalc show`` and ``run --show`` (issue 20): golden pictures at 80 and 40 columns,
plain (``NO_COLOR``, not a terminal: no escape codes) and in colour (truecolor half blocks);
area averaging; plane selection; errors.

Each golden file's first line is the command; the files are made in a temporary copy of
the inputs built by :func:`inputs`. Regenerate after an intended change with::

    python -m pytest tests/test_show.py --update-goldens

and review ``git diff tests/golden/show`` before committing.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from photo import make_photo
from PIL import Image
from rich.cells import cell_len

from convcalc.cli import cli
from convcalc.report.picture import area_resize, fit, select_plane

GOLDEN = Path(__file__).parent / "golden" / "show"
SQUARE = "\n".join(" ".join("9" if 2 <= r <= 5 and 2 <= c <= 5 else "0" for c in range(8))
                   for r in range(8))  # fmt: skip

CASES = {
    "edges": "show edges.png",
    "photo": "show photo.png",
    "photo_grey": "show photo.png --cmap grey",
    "run_sobel_square": "run conv --kernel sobel-x -p same square.txt --show",
    "feature_map_nchw": "show maps.npy --layout nchw --at 0,1",
    "signed_1d": "show signed.json",
    "wide_averaged": "show wide.npy",
}
WIDTHS = (80, 40)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The inputs: the test photo, its Sobel-x edge map, the 8×8 square, N-d and 1-D arrays."""
    tmp = tmp_path_factory.mktemp("show")
    Image.fromarray(make_photo()).save(tmp / "photo.png")
    (tmp / "square.txt").write_text(SQUARE + "\n")
    np.save(tmp / "maps.npy", np.arange(2 * 3 * 6 * 10, dtype=np.float64).reshape(2, 3, 6, 10))
    (tmp / "signed.json").write_text("[-3, -1, 0, 1, 2, 4, 2, 0]\n")
    y, x = np.mgrid[0:30, 0:300]
    np.save(tmp / "wide.npy", np.sin(x / 20.0) * np.cos(y / 6.0))
    made = invoke(tmp, "run conv --kernel sobel-x -p same photo.png -o edges.png", {})
    assert made.exit_code == 0, made.output
    return tmp


PLAIN_ENV = {"NO_COLOR": "1", "FORCE_COLOR": None}
COLOR_ENV = {"NO_COLOR": None, "FORCE_COLOR": "1", "COLORTERM": "truecolor", "LINES": "42"}


def invoke(cwd: Path, line: str, env: dict[str, str | None], width: int = 80) -> Result:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, shlex.split(line), env={"COLUMNS": str(width), **env})
    finally:
        os.chdir(old)


def render(folder: Path, line: str, *, color: bool, width: int) -> str:
    result = invoke(folder, line, COLOR_ENV if color else PLAIN_ENV, width)
    assert result.exit_code == 0, result.output
    return f"$ convcalc {line}\n{result.stdout}"


def golden_cases() -> Iterator[tuple[str, int, bool]]:
    for name in sorted(CASES):
        for width in WIDTHS:
            for color in (False, True):
                yield name, width, color


@pytest.mark.parametrize(("name", "width", "color"), list(golden_cases()))
def test_golden(
    folder: Path, name: str, width: int, color: bool, check_golden: Callable[[Path, str], None]
) -> None:
    path = GOLDEN / f"{name}_w{width}{'.color' if color else ''}.txt"
    check_golden(path, render(folder, CASES[name], color=color, width=width))


@pytest.mark.parametrize(("name", "width"), [(n, w) for n in sorted(CASES) for w in WIDTHS])
def test_plain_pictures_fit_and_have_no_escapes(name: str, width: int) -> None:
    lines = (GOLDEN / f"{name}_w{width}.txt").read_text(encoding="utf-8").splitlines()[1:]
    assert all(cell_len(line) <= width for line in lines)
    assert not any("\x1b" in line for line in lines)
    colored = (GOLDEN / f"{name}_w{width}.color.txt").read_text(encoding="utf-8")
    assert "\x1b[38;2;" in colored  # truecolor foregrounds: the half blocks


def test_no_color_wins_over_a_forced_terminal(folder: Path) -> None:
    env = {**COLOR_ENV, "NO_COLOR": "1"}
    result = invoke(folder, "show edges.png", env)
    assert result.exit_code == 0 and "\x1b" not in result.stdout
    assert "\x1b" not in invoke(folder, "show edges.png", {**COLOR_ENV, "FORCE_COLOR": None}).stdout
    flag = invoke(folder, "show --no-color edges.png", COLOR_ENV)
    assert "\x1b" not in flag.stdout and "▀" not in flag.stdout


def test_colour_picture_uses_half_blocks_two_pixels_per_cell(folder: Path) -> None:
    out = invoke(folder, "show edges.png", COLOR_ENV, 80).stdout.splitlines()
    # 48×64 edge map at 80 columns: 64 cells wide, 24 lines (two pixel rows each), a legend
    assert len(out) == 25 and out[0].count("▀") == 64
    assert "0 " in out[-1] and " 1; 48×64 values, shown 1:1" in out[-1]


def test_area_averaging() -> None:
    assert area_resize(np.arange(6.0)[None], (1, 3)).tolist() == [[0.5, 2.5, 4.5]]
    assert np.allclose(area_resize(np.arange(5.0)[None], (1, 2)), [[0.8, 3.2]])
    rgb = np.random.default_rng(2).random((9, 7, 3))
    for c in range(3):  # per channel; 9 → 2 rows: 4.5 rows each, the middle row split
        np.testing.assert_allclose(
            area_resize(rgb, (2, 7))[..., c],
            [
                rgb[:4, :, c].sum(0) / 4.5 + rgb[4, :, c] / 9,
                rgb[5:, :, c].sum(0) / 4.5 + rgb[4, :, c] / 9,
            ],
        )
    a = np.random.default_rng(1).random((100, 200))
    fitted, scale = fit(a, 50, 100)
    assert fitted.shape == (25, 50) and scale == 0.25
    np.testing.assert_allclose(fitted, a.reshape(25, 4, 50, 4).mean(axis=(1, 3)))
    with_nan = np.array([[1.0, np.nan, 3.0, 5.0]])
    assert fit(with_nan, 2, 1)[0].tolist() == [[1.0, 4.0]]  # NaN cells are left out


def test_plane_selection() -> None:
    a = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    plane, index = select_plane(a, layout="nchw", at=[1, 2])
    np.testing.assert_array_equal(plane, a[1, 2])
    assert index == "[1, 2, :, :]"
    plane, index = select_plane(a, axes=[1, 3], at=[1, 2])
    np.testing.assert_array_equal(plane, a[1, :, 2, :])
    nhwc = np.moveaxis(a, 1, -1)
    np.testing.assert_array_equal(select_plane(nhwc, layout="nhwc", rgb=True)[0], nhwc[0])
    assert select_plane(np.arange(4))[0].shape == (1, 4)


@pytest.mark.parametrize(
    ("line", "status", "message"),
    [
        ("show maps.npy --at 0,9", 2, "--at index 9 is outside axis 1"),
        ("show maps.npy --at 0,0,0", 2, "--at gives 3 indices"),
        ("show maps.npy --axes 0,7", 2, "--axes 0,7 are not axes"),
        ("show signed.json --cmap rgb", 2, "RGB needs 3 channels"),
        ("show missing.png", 1, "cannot read the input 'missing.png'"),
        ("show square.txt --width 2", 2, "'-w' / '--width'"),
    ],
)
def test_errors_are_one_line(folder: Path, line: str, status: int, message: str) -> None:
    result = invoke(folder, line, PLAIN_ENV)
    assert result.exit_code == status, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_show_reads_stdin_and_run_show_keeps_binary_stdout_clean(folder: Path) -> None:
    result = CliRunner().invoke(cli, ["show"], input="[[0, 1], [2, 3]]", env=PLAIN_ENV)
    assert result.exit_code == 0 and result.stdout.endswith("2×2 values, shown ×4\n")
    binary = invoke(folder, "run pool -k 1 square.txt --output-format npy --show", PLAIN_ENV)
    assert binary.exit_code == 0
    assert binary.stdout_bytes.startswith(b"\x93NUMPY")
    assert "8×8 values" in binary.stderr


def test_cmap_choices_match_the_picture_module() -> None:
    from convcalc.cli import show_cmd
    from convcalc.report import picture

    assert tuple(show_cmd.CMAPS) == picture.CMAPS
