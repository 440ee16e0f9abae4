"""``convcalc shape resize`` and ``convcalc run resize``: the issue's "Must show" values, the
refusals (one ``Error:`` line, nothing written), and properties of the pure core."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from convcalc.cli import cli
from convcalc.execute.resize import resize
from convcalc.shape.resize import resize_plan

SQUARE = "[[1, 2], [3, 4]]"


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> list[list[float]]:
    code, out, err = run("run", "resize", "--output-format", "json", *args, stdin=SQUARE)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_must_show_torch_linear() -> None:
    rows = run_json("--scale", "2", "--mode", "linear", "--convention", "torch")
    assert rows[0] == [1, 1.25, 1.75, 2]
    assert rows[3] == [3, 3.25, 3.75, 4]


def test_must_show_torch_align_corners() -> None:
    rows = run_json("--scale", "2", "--mode", "linear", "--convention", "torch", "--align-corners")
    np.testing.assert_allclose(rows[0], [1, 4 / 3, 5 / 3, 2], rtol=0, atol=1e-15)


def test_must_show_tf1_asymmetric() -> None:
    rows = run_json("--size", "4x4", "--mode", "linear", "--convention", "tf1")
    assert rows[0] == [1, 1.5, 2, 2]
    assert rows[3] == [3, 3.5, 4, 4]


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["--scale", "0"], 2),
        (["--scale", "-1"], 2),
        (["--scale", "nan"], 2),
        (["--size", "0"], 2),
        (["--size", "4", "--scale", "2"], 2),
        ([], 2),
        (["--scale", "2", "--mode", "area", "--convention", "onnx"], 1),
        (["--size", "3x3x3", "--mode", "cubic", "--layout", "plain"], 1),
        (["--scale", "2", "--align-corners"], 1),
        (["--size", "4x4", "--convention", "tf1", "--align-corners", "--half-pixel-centers"], 1),
        (["--scale", "2", "--convention", "tf"], 1),
        (["--scale", "1.5", "--convention", "keras"], 1),
        (["--scale", "2", "--convention", "torch", "--cubic-a", "-0.5"], 1),
        (["--size", "4", "--recompute-scale-factor"], 1),
        (["--scale", "2", "--convention", "tf", "--layout", "nchw"], 1),
        (["--scale", "2", "--convention", "opencv", "--layout", "nchw"], 1),
        (["--scale", "2", "--convention", "opencv", "--align-corners"], 1),
        (["--size", "3x3x3", "--convention", "opencv", "--layout", "plain"], 1),
        (["--size", "3x3x3", "--convention", "pil", "--layout", "plain"], 1),
        (["--size", "4x4", "--convention", "jax", "--mode", "area"], 1),
        (["--scale", "2", "--convention", "pil"], 1),
        (["--size", "4x4", "--convention", "torch", "--antialias"], 1),
        (["--size", "4x4", "--mode", "linear", "--antialias", "--align-corners"], 1),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, args: list[str], status: int
) -> None:
    out = tmp_path / "y.json"
    src = tmp_path / ("x3.json" if "3x3x3" in args else "x.json")
    cube = [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]
    src.write_text(json.dumps(cube) if "3x3x3" in args else SQUARE)
    if "nchw" in args:
        src.write_text(json.dumps([[[[1.0, 2.0], [3.0, 4.0]]]]))
    code, _, err = run("run", "resize", *args, str(src), "-o", str(out))
    assert code == status, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("Error: "), err
    assert not out.exists()


def test_shape_resize_json_lists_taps_and_weights() -> None:
    code, out, err = run("shape", "resize", "-i", "5", "--scale", "2", "--mode", "linear", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["output"] == [10]
    first, last = data["axes"][0]["samples"][0], data["axes"][0]["samples"][-1]
    assert (first["coord"], first["taps"], first["weights"]) == (0.0, [0, 1], [1.0, 0.0])
    assert (last["index"], last["coord"], last["taps"]) == (9, 4.25, [4, 4])


def test_shape_resize_text_and_explain_are_bounded() -> None:
    args = ["shape", "resize", "-i", str(2**40), "--scale", "0.5", "--mode", "linear"]
    code, out, err = run(*args, "--explain")
    assert code == 0, err
    assert "…" in out and str(2**39 - 1) in out
    assert "output = ⌊1099511627776·0.5⌋ = 549755813888" in out


def test_opencv_nearest_exact_follows_its_running_sum() -> None:
    """cv2's INTER_NEAREST_EXACT adds in/out per output in double: on 2 → 7 the fourth
    output reads cell 0 (the sum 0.9999999999999999 falls short of 3.5·2/7 = 1)."""
    y = resize([[10.0, 20.0]], size=(1, 7), mode="nearest-exact", convention="opencv")
    assert y.tolist() == [[10, 10, 10, 10, 20, 20, 20]]


def test_must_show_compare_cubic_splits_a() -> None:
    """torch, OpenCV and ONNX (a = −0.75) agree; TF, Pillow and JAX (a = −0.5) differ."""
    code, out, err = run("compare", "resize", "-i", "4", "--size", "8", "--mode", "cubic")
    assert code == 0, err
    rows = {line.lstrip("* ").split()[0]: line for line in out.splitlines()[2:]}
    for same in ("torch", "onnx", "opencv"):
        assert not rows[same].startswith("*"), rows[same]
    for other in ("tf", "pil", "jax"):
        assert rows[other].startswith("*") and "a = -0.5 vs -0.75" in rows[other]


def test_compare_resize_json_and_bounded() -> None:
    code, out, err = run("compare", "resize", "-i", "4", "--size", "8", "--json")
    assert code == 0, err
    rows = {r["convention"]: r for r in json.loads(out)["rows"]}
    assert rows["tf1"]["differs"] and "asymmetric" in rows["tf1"]["reason"]
    assert rows["torch"]["ramp"] == [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3]
    big = str(2**40)
    code, out, err = run("compare", "resize", "-i", big, "--size", big, "--mode", "nearest")
    assert code == 0, err
    assert "refused" in out  # Pillow's running sum is not followed that far


def test_port_resize_finds_the_exact_spelling() -> None:
    code, out, err = run(
        "port", "--from", "torch", "--to", "tf", "resize", "-i", "4x4", "--size", "8x8",
        "--mode", "linear",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[1].strip() == "tf.image.resize(x, (8, 8), method='bilinear')"
    code, out, err = run(
        "port", "--from", "torch", "--to", "onnx", "resize", "-i", "5x5", "--size", "13x13",
        "--json",
    )  # fmt: skip
    assert json.loads(out)["exact"] == [
        "Resize(mode='nearest', coordinate_transformation_mode='asymmetric', "
        "nearest_mode='floor', sizes=[N, C, 13, 13])"
    ]
    code, out, err = run(
        "port", "--from", "torch", "--to", "keras", "resize", "-i", "4x4", "--size", "8x8",
        "--mode", "cubic",
    )  # fmt: skip
    assert code == 0 and "no exact equivalent" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--mode", "area"],
        ["--mode", "cubic", "--convention", "jax"],
        ["--mode", "linear", "--convention", "torch", "--antialias"],
    ],
)
def test_wide_filters_are_bounded(args: list[str]) -> None:
    """An area or antialiased downscale reads about in/out cells per output: refused past
    2**16 per output instead of tabulating 2**40 taps."""
    big = str(2**40)
    code, _, err = run("shape", "resize", "-i", f"{big}x4", "--size", "1x4", *args)
    assert code == 1 and "at most 2**16" in err, err


def test_diagram_resize_shows_the_half_pixel_shift() -> None:
    """TF2's first output centre sits a quarter cell left of TF1's (asymmetric) one."""
    marks = {}
    for convention in ("tf", "tf1"):
        code, out, err = run(
            "diagram", "resize", "-i", "4", "--size", "8", "--mode", "linear",
            "--convention", convention,
        )  # fmt: skip
        assert code == 0, err
        marks[convention] = out.splitlines()[3].index("^")
    assert marks["tf1"] - marks["tf"] == 2  # 8 characters per input cell, shift 0.25
    code, _, err = run("diagram", "resize", "-i", "100", "--size", "8")
    assert code == 1 and "up to 64 cells" in err


def test_shape_resize_loads_no_numpy() -> None:
    code = (
        "import sys\nfrom convcalc.cli import cli\ntry:\n"
        "    cli.main(['shape', 'resize', '-i', '4x4', '--size', '8x8', '--mode', 'cubic'],"
        " standalone_mode=False)\nfinally:\n"
        "    print([m for m in ('numpy', 'rich') if m in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "x_src" in done.stdout
    assert done.stderr.strip() == "[]"


CASES = [
    ("torch", "linear", {}),
    ("torch", "linear", {"align_corners": True}),
    ("torch", "cubic", {}),
    ("tf", "linear", {}),
    ("tf1", "cubic", {}),
    ("onnx", "linear", {"coordinate_mode": "asymmetric"}),
    ("onnx", "cubic", {"cubic_a": -0.5}),
    ("opencv", "linear", {}),
    ("opencv", "cubic", {}),
    ("opencv", "area", {}),
    ("pil", "cubic", {}),
    ("pil", "area", {}),
    ("jax", "cubic", {}),
    ("jax", "linear", {"antialias": False}),
    ("torch", "cubic", {"antialias": True}),
    ("tf", "linear", {"antialias": True}),
    ("onnx", "cubic", {"antialias": True}),
    ("onnx", "linear", {"antialias": True, "coordinate_mode": "align_corners"}),
]


@pytest.mark.parametrize(("convention", "mode", "knobs"), CASES)
@pytest.mark.parametrize(("n", "m"), [(5, 10), (7, 3), (4, 9), (6, 6)])
def test_weights_sum_to_one(
    convention: str, mode: str, knobs: dict[str, Any], n: int, m: int
) -> None:
    plan = resize_plan((n, n), size=(m, m), mode=mode, convention=convention, **knobs)
    for i in range(m):
        weights = plan.axes[0].sample(i).weights
        # float32 weights, each a few roundings (2**-24) off: their sum within 8 float32 eps
        assert math.isclose(math.fsum(weights), 1.0, abs_tol=8 * 2**-23), (i, weights)


@pytest.mark.parametrize("convention", ["torch", "onnx"])
@pytest.mark.parametrize(("n", "m"), [(2, 4), (5, 9), (7, 3)])
def test_align_corners_linear_reproduces_a_ramp(convention: str, n: int, m: int) -> None:
    ramp = np.arange(n, dtype=np.float64) * 3 + 1
    y = resize(ramp, size=(m,), mode="linear", convention=convention, align_corners=True)
    expected = 1 + 3 * np.arange(m) * (n - 1) / (m - 1)
    np.testing.assert_allclose(y, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize(
    ("convention", "mode"),
    [
        ("torch", "linear"),
        ("torch", "nearest"),
        ("torch", "area"),
        ("onnx", "cubic"),
        ("tf", "linear"),
    ],
)
def test_identity_at_scale_one(convention: str, mode: str) -> None:
    x = np.arange(20, dtype=np.float32).reshape(4, 5) / 7
    y = resize(x, size=(4, 5), mode=mode, convention=convention)
    np.testing.assert_array_equal(y, x)
