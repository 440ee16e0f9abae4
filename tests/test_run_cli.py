"""``convcalc run``: stdin/stdout, formats, exit codes, messages, atomic outputs, pipes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result
from floatcheck import assert_float_close

from convcalc import execute
from convcalc.arrays import formats as arrayio
from convcalc.arrays.kernels import KERNELS
from convcalc.cli import cli, run_cmd, run_io

REPO = Path(__file__).resolve().parents[1]
IMAGE = "0 0 0 0 0 0\n0 0 9 9 9 0\n0 0 9 9 9 0\n0 0 9 9 9 0\n0 0 0 0 0 0\n"


def invoke(args: list[str], stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["run", *args], input=stdin)


def npy_bytes(array: Any) -> bytes:
    stream = io.BytesIO()
    np.save(stream, np.asarray(array))
    return stream.getvalue()


def test_constants_match_the_numpy_modules() -> None:
    assert list(arrayio.FORMATS) == run_cmd.FORMATS
    assert list(execute.LAYOUTS) == run_cmd.LAYOUTS
    assert list(execute.PADDING_MODES) == run_cmd.PADDING_MODES
    assert list(KERNELS) == run_cmd.KERNEL_NAMES


def test_edge_map_of_a_text_matrix(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_text(IMAGE)
    result = invoke(["conv", "--kernel", "sobel-x", "-p", "same", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        "0   9   9  0   -9   -9\n"
        "0  27  27  0  -27  -27\n"
        "0  36  36  0  -36  -36\n"
        "0  27  27  0  -27  -27\n"
        "0   9   9  0   -9   -9\n"
    )


def test_true_convolution_from_stdin() -> None:
    result = invoke(["conv", "--flip", "-p", "full", "--kernel", "[0,1,0.5]"], "[1,2,3]\n")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[0, 1, 2.5, 4, 1.5]\n", "")
    dash = invoke(["conv", "--flip", "-p", "full", "--kernel", "[0,1,0.5]", "-"], "1 2 3\n")
    assert dash.stdout == "0  1  2.5  4  1.5\n"


def test_output_file_and_formats(tmp_path: Path) -> None:
    src = tmp_path / "x.npy"
    x = np.random.default_rng(0).standard_normal((1, 2, 5, 5)).astype(np.float32)
    np.save(src, x)
    w = tmp_path / "w.npz"
    weights = np.random.default_rng(1).standard_normal((3, 2, 3, 3))
    np.savez(w, conv=weights, other=np.ones(1))
    out = tmp_path / "y.json"
    args = ["conv", "-k", f"{w}:conv", "-b", "[1,2,3]", "-p", "same", "--layout", "nchw"]
    result = invoke([*args, str(src), "-o", str(out)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    y = np.array(json.loads(out.read_text()), dtype=np.float32)
    expected = execute.conv(x, weights, bias=[1, 2, 3], padding="same", layout="nchw")
    np.testing.assert_array_equal(y, expected)
    # npy in → npy out on stdout (not a terminal); --output-format overrides
    binary = invoke([*args, str(src)])
    assert np.load(io.BytesIO(binary.stdout_bytes)).dtype == np.float32
    assert invoke([*args, str(src), "--output-format", "json"]).stdout.startswith("[[[[")
    npz = tmp_path / "y.npz"
    assert invoke([*args, str(src), "-o", str(npz)]).exit_code == 0
    assert np.load(npz)["output"].shape == (1, 3, 5, 5)


def test_binary_output_to_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_io, "isatty", lambda stream: True)
    data = npy_bytes(np.arange(4.0))
    result = invoke(["conv", "-k", "[1]", "-"], data)
    assert (result.exit_code, result.stdout) == (0, "0  1  2  3\n")
    forced = invoke(["conv", "-k", "[1]", "--output-format", "npy", "-"], data)
    assert forced.exit_code == 2 and "terminal" in forced.stderr
    no_input = invoke(["conv", "-k", "[1]"])
    assert no_input.exit_code == 2 and "no input" in no_input.stderr


def test_builtin_kernel_in_batched_layouts() -> None:
    x = np.random.default_rng(2).standard_normal((2, 5, 5, 3))
    result = invoke(["conv", "-k", "box3", "-p", "same", "--layout", "nhwc", "-"], npy_bytes(x))
    assert result.exit_code == 0, result.stderr
    y = np.load(io.BytesIO(result.stdout_bytes))
    box = np.full((3, 3), 1 / 9)
    for c in range(3):
        want = execute.conv(x[0, :, :, c], box, padding=1)
        assert_float_close(y[0, :, :, c], want, dtype=x.dtype, terms=box.size, operands=(x, box))
    bad = invoke(["conv", "-k", "box3", "--layout", "nhwc", "-g", "1", "-"], npy_bytes(x))
    assert bad.exit_code == 2 and "filters every channel separately" in bad.stderr


def test_pool_indices_and_unpool(tmp_path: Path) -> None:
    image = tmp_path / "image.json"
    image.write_text("[[1, 5, 2, 0], [3, 4, 8, 7], [0, 0, 1, 2], [6, 0, 0, 1]]")
    idx = tmp_path / "idx.json"
    pooled = invoke(["pool", "-k", "2", "--indices", str(idx), str(image)])
    assert (pooled.exit_code, pooled.stdout) == (0, "[[5, 8],\n [6, 2]]\n")
    assert json.loads(idx.read_text()) == [[1, 6], [12, 11]]
    restored = invoke(["unpool", "-k", "2", "--indices", str(idx)], pooled.stdout)
    assert restored.exit_code == 0
    assert json.loads(restored.stdout) == [[0, 5, 0, 0], [0, 0, 8, 0], [0, 0, 0, 2], [6, 0, 0, 0]]
    avg = invoke(["pool", "--op", "avg", "-k", "3", "-s", "1", "-p", "same", str(image)])
    assert avg.exit_code == 0
    assert json.loads(avg.stdout)[0][0] == pytest.approx((1 + 5 + 3 + 4) / 4)
    with_pad = invoke(["pool", "--op", "avg", "-k", "3", "-s", "1", "-p", "1", str(image)])
    assert json.loads(with_pad.stdout)[0][0] == pytest.approx((1 + 5 + 3 + 4) / 9)
    usage = invoke(["pool", "--op", "avg", "-k", "2", "--indices", str(idx), str(image)])
    assert usage.exit_code == 2


def test_deconv_both_semantics() -> None:
    torch_style = invoke(["deconv", "-k", "[1,10,100]", "-s", "2"], "[1, 2]")
    assert torch_style.stdout == "[1, 10, 102, 20, 200]\n"
    tf_style = invoke(
        ["deconv", "-k", "[1,10,100]", "-s", "2", "-p", "same", "--output-size", "3"], "[1, 2]"
    )
    assert tf_style.stdout == "[10, 102, 20]\n"
    op = invoke(
        ["deconv", "-k", "[1,10,100]", "-s", "2", "-p", "1", "--output-padding", "1"], "[1,2]"
    )
    assert op.stdout == "[10, 102, 20, 200]\n"
    out_of_range = invoke(
        ["deconv", "-k", "[1,10,100]", "-s", "2", "-p", "same", "--output-size", "5"], "[1, 2]"
    )
    assert out_of_range.exit_code == 1 and "sizes 3 to 4" in out_of_range.stderr


def test_bias_number_and_file(tmp_path: Path) -> None:
    assert invoke(["conv", "-k", "[1]", "-b", "0.5"], "[1, 2]").stdout == "[1.5, 2.5]\n"
    path = tmp_path / "b.txt"
    path.write_text("2\n")
    assert invoke(["conv", "-k", "[1]", "-b", str(path)], "[1, 2]").stdout == "[3, 4]\n"


DATA_ERRORS = [
    (["conv", "-k", "box3"], "[[1,2],[3]]", "ragged"),
    (["conv", "-k", "box3"], "1 2 3\n4 x 6\n", "'x' at line 2, column 2"),
    (["conv", "-k", "box3"], "", "stdin"),
    (["conv", "-k", "[1]", "--layout", "nchw"], "[[1, 2], [3, 4]]", "needs a 4-D input"),
    (["conv", "-k", "[[1,1,1]]"], "[[1, 2], [3, 4]]", "larger than padded input"),
    (["conv", "-k", "[1]", "--format", "npy"], "[1]", "not a valid .npy"),
    (["conv", "-k", "[1]", "--padding-mode", "reflect", "-p", "2"], "[1, 2]", "smaller than"),
    (["pool", "-k", "1x2x2", "--output-format", "text"], "[[[1, 2], [3, 4]]]", "1-D or 2-D"),
    (["conv", "-k", "[1]", "--format", "npz"], "[1]", "not a valid .npz"),
]


@pytest.mark.parametrize(("args", "stdin", "text"), DATA_ERRORS)
def test_data_errors_exit_1_with_one_line(
    tmp_path: Path, args: list[str], stdin: str, text: str
) -> None:
    out = tmp_path / "out.npy"
    result = invoke([*args, "-o", str(out)], stdin)
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert os.listdir(tmp_path) == []


def test_pickled_and_channel_errors(tmp_path: Path) -> None:
    pickled = tmp_path / "obj.npy"
    np.save(pickled, np.array([object()], dtype=object), allow_pickle=True)
    result = invoke(["conv", "-k", "[1]", str(pickled), "-o", str(tmp_path / "y.npy")])
    assert result.exit_code == 1 and "pickled Python objects" in result.stderr
    x = tmp_path / "x.npy"
    np.save(x, np.ones((1, 3, 5, 5)))
    w = tmp_path / "w.npy"
    np.save(w, np.ones((2, 4, 3, 3)))
    result = invoke(["conv", "-k", str(w), "--layout", "nchw", str(x), "-o", str(tmp_path / "y")])
    assert result.exit_code == 1
    assert "expects 4 input channel(s) per group × 1 group(s) = 4, but the input has 3" in (
        result.stderr
    )
    assert sorted(os.listdir(tmp_path)) == ["obj.npy", "w.npy", "x.npy"]


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["conv", "-k", "no-such-kernel"], "not inline JSON"),
        (["conv", "-k", "[1]", "-s", "0"], "must be ≥ 1"),
        (["conv", "-k", "[1]", "--layout", "nchwz"], "Invalid value for '--layout'"),
        (["pool", "-k", "2", "--indices", "-"], "stdout carries"),
        (["unpool", "-k", "2"], "Missing option '--indices'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], text: str) -> None:
    result = invoke(args, "[1, 2]")
    assert result.exit_code == 2
    assert text in result.stderr


@pytest.mark.parametrize("command", ["conv", "deconv", "pool", "unpool"])
def test_every_command_has_help(command: str) -> None:
    result = invoke([command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout


def _run(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


def test_cli_and_engine_imports_do_not_load_numpy() -> None:
    code = "import sys, convcalc, convcalc.shape, convcalc.cli; print('numpy' in sys.modules)"
    assert _run(code) == "False"


@pytest.mark.parametrize("fmt", ["npy", "text"])
def test_closed_pipe_ends_quietly(tmp_path: Path, fmt: str) -> None:
    src = tmp_path / "big.npy"
    np.save(src, np.random.default_rng(0).standard_normal((600, 600)).astype(np.float32))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = (
        f"{sys.executable} -m convcalc run conv -k box3 -p same --output-format {fmt} {src} "
        f"2>{tmp_path / 'err.txt'} | head -c 10 >/dev/null"
    )
    subprocess.run(command, shell=True, env=env, check=True)
    assert (tmp_path / "err.txt").read_text() == ""


def test_precision_rounds_text_csv_and_json(tmp_path: Path) -> None:
    args = ["pool", "--op", "avg", "-k", "3", "-s", "1", "-p", "1", "--precision", "3"]
    result = invoke(args, "[[1, 2], [3, 4]]\n")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "[[1.11, 1.11],\n [1.11, 1.11]]\n"
    csv = invoke([*args, "--output-format", "csv"], "1 2\n3 4\n")
    assert csv.stdout == "1.11,1.11\n1.11,1.11\n"
    exact = invoke(args[:-2], "[[1, 2], [3, 4]]\n")
    assert "1.1111111111111112" in exact.stdout
    out = tmp_path / "avg.txt"
    assert invoke([*args, "-o", str(out)], "1 2\n3 4\n").exit_code == 0
    assert out.read_text() == "1.11  1.11\n1.11  1.11\n"
    bad = invoke([*args[:-1], "0"], "1 2\n")
    assert bad.exit_code == 2 and "--precision" in bad.stderr
