"""The console examples of ``docs/images.md`` and ``docs/commands/show.md`` (issue 20) print
what the pages say, run as the documentation convention runs them: ``NO_COLOR=1``,
``COLUMNS=80``, stdout not a terminal, in a temporary copy of ``docs/examples/``.

After an intended change, rerun the commands there and paste their output into the pages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = [DOCS / "images.md", DOCS / "commands" / "show.md"]
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def examples() -> list[tuple[str, str, str]]:
    """``(page, command, expected output)`` of every ``$ convcalc`` line."""
    found = []
    for page in PAGES:
        for block in BLOCK.findall(page.read_text(encoding="utf-8")):
            for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
                command, _, output = chunk.partition("\n")
                found.append((page.name, command, output))
    return found


@pytest.mark.parametrize(("page", "command", "expected"), examples())
def test_console_example(tmp_path: Path, page: str, command: str, expected: str) -> None:
    assert command.startswith("convcalc ")
    shutil.copytree(DOCS / "examples", tmp_path, dirs_exist_ok=True)
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "COLUMNS": "80",
        "PATH": bin_dir + os.pathsep + os.environ["PATH"],
    }
    done = subprocess.run(
        ["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected, f"{page}: $ {command}"
