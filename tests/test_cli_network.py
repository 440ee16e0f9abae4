"""CliRunner tests for chain, compare, port, solve and shape --explain."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from convcalc.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})


def ok_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    "command",
    [
        ["chain"],
        ["compare"],
        ["compare", "conv"],
        ["compare", "pool"],
        ["compare", "deconv"],
        ["port"],
        ["port", "--from", "tf", "--to", "torch", "conv"],
        ["solve"],
        ["solve", "deconv"],
        ["shape", "conv"],
    ],
)
def test_help_has_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "convcalc " in result.stdout


def test_chain_resnet18_json() -> None:
    data = ok_json("chain", "-i", "224x224x3", "resnet18")
    assert data["totals"] == {"params": 11_689_512, "macs": 1_814_073_344, "activations": 3_439_080}
    layers = data["layers"]
    assert isinstance(layers, list)
    by_name = {row["name"]: row for row in layers if row["name"]}
    assert by_name["maxpool"]["receptive_field"] == [11, 11]
    assert by_name["maxpool"]["jump"] == [4, 4]
    assert by_name["layer4.1"]["output"] == {"spatial": [7, 7], "channels": 512}


def test_chain_table_and_builtin_default_input() -> None:
    result = run("chain", "resnet-stem")
    assert result.exit_code == 0
    assert "56²×64" in result.stdout and "total" in result.stdout


def test_chain_list() -> None:
    result = run("chain", "--list")
    assert "resnet18" in result.stdout and "unet" in result.stdout


def test_chain_input_size_variants() -> None:
    data = ok_json("chain", "-i", "224x224x3", "-i", "225x225x3", "conv k7 s2 same c8")
    dependent = data["input_dependent"]
    assert dependent == [
        {
            "index": 1,
            "text": "conv k7 s2 same c8",
            "pads": [[[2, 3], [2, 3]], [[3, 3], [3, 3]]],
            "output": [[112, 112], [113, 113]],
        }
    ]
    table = run("chain", "-i", "224x224x3", "-i", "225x225x3", "conv k7 s2 same c8")
    assert "pads that depend on the input size" in table.stdout


def test_chain_spec_from_words_and_files(tmp_path: Path) -> None:
    words = run("chain", "-i", "32x32x3", "conv", "k3", "p1", "c8,", "pool", "max", "k2")
    assert words.exit_code == 0 and "16²×8" in words.stdout
    spec = tmp_path / "net.json"
    spec.write_text(
        json.dumps(
            {
                "input": "32x32x3",
                "layers": [
                    {"op": "conv", "kernel": 3, "padding": 1, "channels": 8, "name": "a"},
                    {"op": "res", "body": ["conv k3 p1 c8"]},
                    "pool max k2",
                ],
            }
        )
    )
    data = ok_json("chain", str(spec))
    assert data["output"] == {"spatial": [16, 16], "channels": 8}
    text = tmp_path / "net.txt"
    text.write_text("# one layer per line\nconv k3 p1 c8\npool max k2\n")
    assert ok_json("chain", "-i", "32x32x3", str(text))["output"] == {
        "spatial": [16, 16],
        "channels": 8,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["chain", "-i", "8x8x3", "conv k3, conv k0"],
            "Error: layer 2 'conv k0': kernel must be ≥ 1, got 0",
        ),
        (
            ["chain", "-i", "8x8x3", "conv k3 wat"],
            "Error: layer 1 'conv k3 wat': unknown token 'wat'",
        ),
        (["chain", "-i", "8x8x16", "conv k3 g3"], "groups 3 must divide the input channels 16"),
        (
            ["chain", "-i", "8x8", "pool max k3 s2, pool max k3 s2, pool max k3 s2"],
            "Error: layer 3 'pool max k3 s2': axis 0: kernel 3 is larger than padded input 1",
        ),
        (["chain", "-i", "abc", "conv k3"], "Error: input 'abc' is not a shape"),
        (
            [
                "port",
                "--from",
                "torch",
                "--to",
                "tf",
                "conv",
                "-i",
                "8",
                "-k",
                "3",
                "-s",
                "2",
                "-p",
                "same",
            ],
            "Error: PyTorch rejects padding='same' with stride 2",
        ),
        (["solve", "conv", "-i", "8x8", "--to", "4"], "Error: --to has 1 values but -i has 2"),
    ],
)
def test_bad_specs_are_one_line_errors(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [message] or message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_yaml_is_refused_clearly(tmp_path: Path) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text("layers: []\n")
    result = run("chain", "-i", "8x8x3", str(spec))
    assert result.exit_code == 1 and "YAML is not supported" in result.stderr


def test_usage_errors_exit_2() -> None:
    assert run("chain", "resnet").exit_code in (1, 2)
    assert run("compare", "conv", "-i", "6").exit_code == 2
    assert run("port", "--from", "mxnet", "--to", "tf", "conv").exit_code == 2
    assert run("compare", "conv", "-i", "6", "-k", "3", "--frameworks", "x").exit_code == 2


def test_compare_must_show() -> None:
    result = run("compare", "conv", "-i", "6", "-k", "3", "-s", "2", "-p", "same")
    assert result.exit_code == 0
    assert "shifted" in result.stdout and "(0,1)" in result.stdout and "(1,1)" in result.stdout
    data = ok_json("compare", "conv", "-i", "6", "-k", "3", "-s", "2", "-p", "same")
    frameworks = data["frameworks"]
    assert isinstance(frameworks, list)
    rows = {(r["framework"], r["spelling"]): r for r in frameworks}
    assert rows[("TensorFlow", "padding='SAME'")]["pads"] == [[0, 1]]
    torch = rows[("PyTorch", "padding=1")]
    assert (torch["pads"], torch["output"], torch["verdict"]) == ([[1, 1]], [3], "shifted")


def test_compare_pool_and_deconv_explain() -> None:
    data = ok_json(
        "compare",
        "pool",
        "-i",
        "6",
        "-k",
        "3",
        "-s",
        "2",
        "-p",
        "same",
        "--type",
        "avg",
        "--explain",
    )
    assert data["explain"][0] == "1. out = ceil(in / s) = ceil(6 / 2) = 3"
    data = ok_json(
        "compare",
        "deconv",
        "-i",
        "7",
        "-k",
        "3",
        "-s",
        "2",
        "-p",
        "same",
        "--frameworks",
        "torch,onnx",
    )
    assert {r["framework"] for r in data["frameworks"]} == {"PyTorch", "ONNX"}


def test_port_must_show() -> None:
    for size, pads in (("224", "(2, 3)"), ("225", "(3, 3)")):
        result = run(
            "port",
            "--from",
            "tf",
            "--to",
            "torch",
            "conv",
            "-i",
            size,
            "-k",
            "7",
            "-s",
            "2",
            "-p",
            "same",
        )
        assert result.exit_code == 0
        assert f"pads per axis: {pads}" in result.stdout
    data = ok_json(
        "port",
        "--from",
        "tf",
        "--to",
        "torch",
        "conv",
        "-i",
        "224",
        "-k",
        "7",
        "-s",
        "2",
        "-p",
        "same",
    )
    assert data["code"][0].startswith("x = F.pad(x, (2, 3))")


def test_port_check_reports_missing_frameworks(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name in ("torch", "tensorflow") else real(name),
    )
    result = run(
        "port",
        "--from",
        "tf",
        "--to",
        "torch",
        "conv",
        "-i",
        "8",
        "-k",
        "3",
        "-p",
        "same",
        "--check",
    )
    assert result.exit_code == 0
    assert "check: not run — tensorflow is not installed" in result.stdout


def test_solve_must_show() -> None:
    data = ok_json("solve", "deconv", "-i", "7", "--to", "14", "-k", "3", "-s", "2")
    axes = data["axes"]
    assert isinstance(axes, list)
    found = axes[0]
    torch = next(s for s in found if s["pads"] == [1, 1])
    assert torch["output_padding"] == 1 and torch["torch"] == "padding=1 output_padding=1"
    same = next(s for s in found if s["padding"] == "same")
    assert "output_shape=14" in same["tf"]
    table = run("solve", "deconv", "-i", "7", "--to", "14", "-k", "3", "-s", "2")
    assert "padding 1, output_padding 1" in table.stdout


def test_shape_explain() -> None:
    result = run("shape", "conv", "-i", "12", "-k", "3", "-s", "3", "-p", "same", "--explain")
    assert result.exit_code == 0
    assert "primer's shortcut" in result.stdout and "wrong, the pad total is 0" in result.stdout
    data = ok_json(
        "shape",
        "deconv",
        "-i",
        "7",
        "-k",
        "3",
        "-s",
        "2",
        "-p",
        "1",
        "--output-padding",
        "1",
        "--explain",
    )
    assert data["explain"][-2].endswith("= 14 = out")
    assert data["explain"][-1].startswith("as a matrix: y = Cᵀ·x")
    inv = ok_json("shape", "invert", "-o", "7", "-k", "3", "-s", "2", "-p", "1", "--explain")
    assert inv["explain"][0] == "conv input 13:"
    pool = ok_json("shape", "pool", "-i", "5", "-k", "2", "-p", "1", "--ceil-mode", "--explain")
    assert pool["output"] == [3]


# ---------------------------------------------------------------- issue 14: bounded chain


def timed(*args: str) -> tuple[Result, float]:
    start = time.perf_counter()
    result = run(*args)
    return result, time.perf_counter() - start


def one_error(result: Result, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("spec", "size", "rows"),
    [("deconv k4 s2 p1 x18", "1x1", 18), ("upsample f2 x20", "5x28", 20)],
)
def test_stacked_upsampling_is_linear(spec: str, size: str, rows: int) -> None:
    result, seconds = timed("chain", "-i", size, spec, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["layers"]) == rows
    assert seconds < 2


def test_a_long_spec_is_not_tried_as_a_file_name() -> None:
    spec = "conv k3 p1 c8, " * 20 + "conv k3 p1 c8"
    assert len(spec) > 255
    result, seconds = timed("chain", "-i", "64x64x3", spec, "--json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["layers"]) == 21
    assert seconds < 2


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("conv k3 x1000000", "more than 1000 layers"),
        ("res[conv k3 p1 x100] x1000", "more than 1000 layers"),
        ("conv k3 p1 " * 30000, "characters"),
        ("upsample f2 x60", "limit 2**40"),
        ("conv k3 c9223372036854775808", "limit 2**40"),
        ("conv k３", "needs a number"),
        ("relu x" + "9" * 5000, "more than 1000 layers"),
        ("conv k" + "9" * 5000, "limit 2**40"),
        ("fc " + "9" * 5000, "limit 2**40"),
        ("conv k3 s2, upsample f2 x30", "interval steps"),
        ("deconv k4 s2 p1 x18, conv k3 s2 x3", None),
    ],
)
def test_chain_work_is_bounded(spec: str, message: str | None) -> None:
    result, seconds = timed("chain", "-i", "5x28", spec)
    if message is None:
        assert result.exit_code == 0, result.output
    else:
        assert message in one_error(result)
    assert seconds < 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.json", None, "no such spec file"),
        ("missing.txt", None, "no such spec file"),
        ("model.onnx", b"\x08\x07", "not an ONNX model (no graph nodes)"),
        ("model.tflite", b"TFL3", "does not read model files"),
        ("binary.spec", b"\xff\xfe\x00conv", "not UTF-8"),
        ("dir.txt", "dir", "cannot read it"),
        ("deep.json", "[" * 50000 + "]" * 50000, "not a JSON spec"),
        (
            "nested.json",
            '{"layers": [' + '{"op": "res", "body": [' * 400 + '"relu"' + "]}" * 400 + "]}",
            "nested too deeply",
        ),
        ("huge.json", '["conv k3", ' + "9" * 5000 + "]", "not a JSON spec"),
        ("long.txt", "relu\n" * 50000, "limit 200000"),
    ],
)
def test_spec_files_fail_in_one_line(
    tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result, seconds = timed("chain", "-i", "8x8x3", str(path))
    assert message in one_error(result)
    assert seconds < 2


@pytest.mark.parametrize("size", ["５x5x3", "9223372036854775808x5", "5x5x1_0"])
def test_chain_input_sizes_are_ascii_and_bounded(size: str) -> None:
    one_error(run("chain", "-i", size, "conv k3"))
