"""The committed completion scripts equal what Click generates, and completion works."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from convcalc.cli import cli
from convcalc.cli.completion_cmd import completion_script

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "bash": ROOT / "completions" / "bash" / "convcalc",
    "zsh": ROOT / "completions" / "zsh" / "_convcalc",
    "fish": ROOT / "completions" / "fish" / "convcalc.fish",
}
REGENERATE = "python -m convcalc completion {shell} > {path}"


@pytest.mark.parametrize("shell", sorted(FILES))
def test_committed_script_is_current(shell: str) -> None:
    path = FILES[shell]
    assert path.read_text() == completion_script(shell), (
        f"{path.relative_to(ROOT)} is stale; regenerate it with: "
        + REGENERATE.format(shell=shell, path=path.relative_to(ROOT))
    )


@pytest.mark.parametrize("shell", sorted(FILES))
def test_completion_command_prints_the_script(shell: str) -> None:
    result = CliRunner().invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    assert result.stdout == completion_script(shell)


def complete(words: str) -> list[str]:
    env = {
        "_CONVCALC_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = CliRunner().invoke(cli, [], env=env, prog_name="convcalc")
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]


def test_padding_modes_complete() -> None:
    assert complete("convcalc shape conv -p ") == ["valid", "same", "same-lower", "full", "causal"]
    assert complete("convcalc shape conv --padding sa") == ["same", "same-lower"]


def test_subcommands_complete() -> None:
    assert "shape" in complete("convcalc ")
    assert sorted(complete("convcalc shape ")) == ["conv", "deconv", "invert", "pool", "resize"]
