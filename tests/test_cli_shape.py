"""`convcalc shape ...` through Click's CliRunner: data on stdout, errors on stderr, exit codes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner, Result

from convcalc.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize(
    ("args", "output", "pads"),
    [
        (["-i", "13", "-k", "6", "-s", "5", "-p", "same"], [3], [[1, 2]]),
        (["-i", "13", "-k", "6", "-s", "5", "-p", "valid"], [2], [[0, 0]]),
        (["-i", "12", "-k", "3", "-s", "3", "-p", "same"], [4], [[0, 0]]),
        (["-i", "224", "-k", "7", "-s", "2", "-p", "same"], [112], [[2, 3]]),
        (["-i", "225", "-k", "7", "-s", "2", "-p", "same"], [113], [[3, 3]]),
        (["-i", "13", "-k", "6", "-s", "5", "-p", "same-lower"], [3], [[2, 1]]),
        (["-i", "13", "-k", "6", "-s", "5", "-p", "SAME_LOWER"], [3], [[2, 1]]),
        (["-i", "224x224", "-k", "7", "-s", "2", "-p", "3"], [112, 112], [[3, 3], [3, 3]]),
        (["-i", "10x10", "-k", "3", "-p", "1x2"], [10, 12], [[1, 1], [2, 2]]),
        (["-i", "10", "-k", "3", "-p", "1:2"], [11], [[1, 2]]),
        (["-i", "10x10", "-k", "3", "-p", "1:2x0:1"], [11, 9], [[1, 2], [0, 1]]),
        (
            ["-i", "16x32x32", "-k", "3x5x5", "-d", "1x2x2", "-p", "same"],
            [16, 32, 32],
            [[1, 1], [4, 4], [4, 4]],
        ),
        (["-i", "10", "-k", "3", "-d", "2", "-p", "causal"], [10], [[4, 0]]),
    ],
)
def test_conv_json(args: list[str], output: list[int], pads: list[list[int]]) -> None:
    data = run_json("shape", "conv", *args)
    assert data["output"] == output
    assert data["pads"] == pads
    assert data["op"] == "conv"


def test_pool_json() -> None:
    data = run_json("shape", "pool", "-i", "5", "-k", "2", "-p", "1", "--ceil-mode")
    assert data["output"] == [3]
    assert data["stride"] == [2]  # defaults to the window
    assert data["ceil_mode"] is True


def test_deconv_json() -> None:
    data = run_json(
        "shape", "deconv", "-i", "7", "-k", "3", "-s", "2", "-p", "1", "--output-padding", "1"
    )
    assert data["output"] == [14]
    assert data["output_range"] == [[13, 14]]
    named = run_json("shape", "deconv", "-i", "4", "-k", "3", "-s", "2", "-p", "same")
    assert (named["output"], named["output_range"], named["pads"]) == ([8], [[7, 8]], [[0, 1]])
    sized = run_json(
        "shape", "deconv", "-i", "7", "-k", "3", "-s", "2", "-p", "1", "--output-size", "14"
    )
    assert sized["output_padding"] == [1]


def test_invert_json() -> None:
    data = run_json("shape", "invert", "-o", "14x7", "-k", "3", "-s", "2", "-p", "1")
    assert [c["input"] for c in data["axes"][0]] == [27, 28]
    assert [c["output_padding"] for c in data["axes"][0]] == [0, 1]
    assert len(data["candidates"]) == 4
    assert data["candidates"][-1] == {
        "input": [28, 14],
        "pads": [[1, 1], [1, 1]],
        "output_padding": [1, 1],
        "keras_output_padding": [None, None],
    }


def test_human_output_shows_table_and_formula() -> None:
    result = run("shape", "conv", "-i", "13", "-k", "6", "-s", "5", "-p", "valid")
    assert result.exit_code == 0
    assert "ceil((13 − 6 + 1) / 5) = 2" in result.stdout
    assert "inputs 11..12 (0-based) are never reached" in result.stdout
    same = run("shape", "conv", "-i", "13", "-k", "6", "-s", "5", "-p", "same").stdout
    assert "before" in same and "odd zero at the end" in same


@pytest.mark.parametrize("command", ["conv", "pool", "deconv", "invert"])
def test_human_output_every_command(command: str) -> None:
    size = ["-o", "7"] if command == "invert" else ["-i", "7x9"]
    result = run("shape", command, *size, "-k", "3", "-s", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["conv", "-i", "10", "-k", "3", "-s", "0"], 2, "every value must be ≥ 1, got 0"),
        (["conv", "-i", "10", "-k", "0"], 2, "every value must be ≥ 1, got 0"),
        (["conv", "-i", "abc", "-k", "3"], 2, "'abc' is not a size list"),
        (
            ["conv", "-i", "3", "-k", "5", "-p", "valid"],
            1,
            "kernel 5 is larger than padded input 3 under 'valid'",
        ),
        (["conv", "-i", "10", "-k", "3", "-p", "bogus"], 2, "unknown padding 'bogus'"),
        (["conv", "-i", "10", "-k", "3", "-p", "1:-2"], 2, "neither a mode"),
        (["conv", "-i", "10x10", "-k", "3x3x3"], 1, "kernel has 3 values but the input has 2"),
        (
            ["deconv", "-i", "7", "-k", "3", "-s", "2", "--output-padding", "2"],
            1,
            "output_padding must be ≥ 0 and smaller than stride or dilation",
        ),
        (
            ["deconv", "-i", "7", "-k", "3", "-s", "2", "-p", "1", "--output-size", "20"],
            1,
            "output size 20 is not reachable",
        ),
        (
            ["deconv", "-i", "4", "-k", "4", "-s", "2", "-p", "same", "--output-padding", "0"],
            1,
            "TensorFlow accepts only output sizes 7..8",
        ),
        (["invert", "-o", "1", "-k", "5", "-p", "full"], 1, "no input length gives output 1"),
    ],
)
def test_errors(args: list[str], code: int, message: str) -> None:
    result = run("shape", *args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("Error:") == 1


@pytest.mark.parametrize(
    "path",
    [
        [],
        ["shape"],
        ["shape", "conv"],
        ["shape", "pool"],
        ["shape", "deconv"],
        ["shape", "invert"],
        ["completion"],
    ],
)
def test_help(path: list[str]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert "convcalc" in result.stdout or path
    assert "Usage:" in result.stdout


def test_every_command_has_help_with_an_example() -> None:
    import click

    def walk(command: click.Command, prefix: str) -> list[tuple[str, click.Command]]:
        found = [(prefix, command)]
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                found += walk(sub, f"{prefix} {name}")
        return found

    for name, command in walk(cli, "convcalc"):
        assert command.help, f"{name} has no help"
        if not isinstance(command, click.Group) and name != "convcalc completion":
            assert "convcalc " in command.help, f"{name} help shows no example"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "Error: No such option '--bogus'. (see 'convcalc --help')"),
        (["nosuch"], "Error: No such command 'nosuch'. (see 'convcalc --help')"),
        (
            ["port", "--from", "tf", "conv", "-i", "5", "-k", "3"],
            "Error: Missing option '--to'. Choose from: tf, keras, torch, onnx "
            "(see 'convcalc port --help')",
        ),
        (
            ["shape", "conv", "-k", "3"],
            "Error: Missing option '-i' / '--input'. (see 'convcalc shape conv --help')",
        ),
        (
            ["shape", "conv", "-i", "5", "-k", "3", "-s", "0"],
            "Error: Invalid value for '-s' / '--stride': '0': every value must be ≥ 1, got 0 "
            "(see 'convcalc shape conv --help')",
        ),
    ],
)
def test_a_malformed_command_line_is_one_line_with_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, args, prog_name="convcalc")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message]
    assert result.stdout == ""
