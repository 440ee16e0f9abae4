"""The README's diagram examples are real: each ``$ convcalc diagram …`` block in its
diagram section is run again (``NO_COLOR=1``, 80 columns unless the block sets
``COLUMNS``) and must print exactly what the README shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from convcalc.cli import cli

README = Path(__file__).parent.parent / "README.md"


def examples() -> list[tuple[str, str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- SECTION:diagram -->", 1)[1].split("<!-- SECTION:", 1)[0]
    blocks = re.findall(r"```console\n\$ (.*?)\n(.*?)```", section, flags=re.S)
    return [(command, output) for command, output in blocks]


@pytest.mark.parametrize(("command", "expected"), examples(), ids=lambda v: v[:50])
def test_readme_example(
    command: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = {"NO_COLOR": "1", "COLUMNS": "80"}
    stdin = None
    if " | " in command:
        producer, command = command.split(" | ", 1)
        stdin = shlex.split(producer)[1] + "\n"  # echo '…'
    words = shlex.split(command)
    while "=" in words[0]:
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    quiet = words[-2:] == [">", "/dev/null"]
    if quiet:
        words = words[:-2]
    assert words[0] == "convcalc"
    result = CliRunner().invoke(cli, words[1:], env=env, input=stdin)
    assert result.exit_code == 0, result.output
    shown = result.stderr if quiet else result.stdout + result.stderr
    got = "\n".join(line.rstrip() for line in shown.rstrip("\n").splitlines()) + "\n"
    assert got == expected
