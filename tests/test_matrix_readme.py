"""The README's matrix examples are real: each ``$ convcalc matrix …`` block in its matrix
section is run again (``NO_COLOR=1``, 100 columns) and must print exactly what README shows."""

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
    section = text.split("<!-- SECTION:matrix -->", 1)[1].split("<!-- SECTION:", 1)[0]
    return re.findall(r"```console\n\$ (.*?)\n(.*?)```", section, flags=re.S)


def test_the_section_has_examples() -> None:
    assert len(examples()) == 6


@pytest.mark.parametrize(("command", "expected"), examples(), ids=lambda v: v[:50])
def test_readme_matrix_example(command: str, expected: str) -> None:
    words = shlex.split(command)
    assert words[:2] == ["convcalc", "matrix"]
    result = CliRunner().invoke(cli, words[1:], env={"NO_COLOR": "1", "COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    got = "\n".join(line.rstrip() for line in result.output.rstrip("\n").splitlines()) + "\n"
    assert _rounding(got) == _rounding(expected)
    if "largest difference" in expected:  # --check: the gap itself depends on the BLAS kernel
        gap, tol = map(float, CHECK.findall(got)[0])
        assert gap <= tol


CHECK = re.compile(r"largest difference (\S+) \(float64 tolerance (\S+)\)")


def _rounding(text: str) -> str:
    """The text with --check's measured rounding gap blanked (it depends on the kernel)."""
    return CHECK.sub(r"largest difference ~ (float64 tolerance \2)", text)
