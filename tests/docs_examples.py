"""The examples of README.md and the manual (``docs/**/*.md``), found and run.

An example is a fenced ``console`` block whose lines starting with ``$ `` are commands and
whose other lines are the output the commands print, exactly (trailing spaces aside). A
block without any ``$ convcalc`` command (a set-up recipe, a shell snippet) is not an
example. Each command runs as the manual promises: ``NO_COLOR=1``, ``COLUMNS=80``, stdout
not a terminal, in a fresh copy of ``docs/examples/``.

A command line is a pipeline of stages separated by `` | ``; a stage is

- ``convcalc …``: run in-process through Click's runner (the same bytes as the installed
  script prints with stdout not a terminal, without a process start-up each);
- ``echo WORDS`` and ``cat FILE``: done here;
- anything else (``jq``, ``head``, ``python3 -c``): run as a subprocess on the previous
  stage's output.

``NAME=value`` words before ``convcalc`` set environment variables, and a trailing
``> /dev/null`` keeps only stderr. A file the command saves (``--save NAME.svg``) that the
page shows as ``_static/NAME.svg`` must equal ``docs/_static/NAME.svg``, so the pictures
embedded in the manual are the ones ``convcalc diagram … --save`` draws.

>>> block = "```console\\n$ convcalc shape conv -i 5 -k 3 --json\\n{...}\\n```\\n"
>>> [(e.commands, e.expected) for e in examples_in(block, Path("page.md"))]
[(['convcalc shape conv -i 5 -k 3 --json'], ['{...}'])]
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES_DIR = DOCS / "examples"
STATIC = DOCS / "_static"
ENV = {"NO_COLOR": "1", "COLUMNS": "80"}
BLOCK = re.compile(r"^```console[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
SAVED = re.compile(r"--save[ =](\S+\.svg)\b")


@dataclass
class Example:
    """One ``console`` block: where it is, its commands and the output lines it shows."""

    page: Path
    line: int  # 1-based line of the opening fence
    start: int  # character offsets of the block's body in the page
    end: int
    commands: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    # index into expected where each command's output starts
    starts: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        first = self.commands[0] if self.commands else ""
        return f"{self.page.relative_to(ROOT)}:{self.line} {first[:50]}"


def pages() -> list[Path]:
    """README.md and every Markdown page of the manual (not the build or example files)."""
    found = sorted(p for p in DOCS.rglob("*.md") if not _ignored(p)) if DOCS.is_dir() else []
    return [ROOT / "README.md", *found]


def _ignored(path: Path) -> bool:
    parts = path.relative_to(DOCS).parts
    return parts[0] in {"_build", "examples"}


def examples_in(text: str, page: Path) -> list[Example]:
    """The examples of one page's *text* (blocks with at least one ``$ convcalc`` line)."""
    found = []
    for match in BLOCK.finditer(text):
        example = Example(page, text.count("\n", 0, match.start()) + 1, *match.span(1))
        for raw in match.group(1).splitlines():
            if raw.startswith("$ "):
                example.commands.append(raw[2:])
                example.starts.append(len(example.expected))
            else:
                example.expected.append(raw.rstrip())
        if any(_is_convcalc(c) for c in example.commands):
            found.append(example)
    return found


def _is_convcalc(command: str) -> bool:
    words = [w for w in command.split() if "=" not in w or w.startswith("-")]
    return "convcalc" in command and bool(words) and words[0] in {"convcalc", "echo", "cat"}


def all_examples() -> list[Example]:
    """Every example of every page, in page order."""
    return [e for page in pages() for e in examples_in(page.read_text("utf-8"), page)]


def workdir(tmp: Path) -> Path:
    """A fresh copy of ``docs/examples/`` under *tmp* (an empty folder if there is none)."""
    target = tmp / "examples"
    if EXAMPLES_DIR.is_dir():
        shutil.copytree(EXAMPLES_DIR, target)
    else:
        target.mkdir()
    return target


def run_command(command: str, cwd: Path) -> list[str]:
    """The lines one command line prints (stdout and stderr, as a terminal shows them)."""
    quiet = command.endswith("> /dev/null")
    command = command.removesuffix("> /dev/null").rstrip()
    data: bytes | None = None
    shown = ""
    for words in _pipeline(command):
        data, shown = _stage(words, data, cwd)
    text = shown if quiet else (data or b"").decode("utf-8") + shown
    return [line.rstrip() for line in text.rstrip("\n").splitlines()] if text else []


def _pipeline(command: str) -> list[list[str]]:
    """The words of each stage of *command*, split at unquoted ``|``.

    >>> _pipeline("convcalc chain x --json | jq '.a | .b'")
    [['convcalc', 'chain', 'x', '--json'], ['jq', '.a | .b']]
    """
    lexer = shlex.shlex(command, posix=True, punctuation_chars="|")
    lexer.whitespace_split = True
    stages: list[list[str]] = [[]]
    for token in lexer:
        if token == "|":
            stages.append([])
        else:
            stages[-1].append(token)
    return stages


def _stage(words: list[str], data: bytes | None, cwd: Path) -> tuple[bytes, str]:
    """One pipeline stage: its stdout and its stderr text."""
    env = dict(ENV)
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    if words[0] == "echo":
        return (" ".join(words[1:]) + "\n").encode(), ""
    if words[0] == "cat":
        return (cwd / words[1]).read_bytes(), ""
    if words[0] == "convcalc":
        return _convcalc(words[1:], data, cwd, env)
    done = subprocess.run(
        words, input=data or b"", capture_output=True, cwd=cwd, env={**os.environ, **env}
    )
    return done.stdout, done.stderr.decode("utf-8")


def _convcalc(
    args: list[str], data: bytes | None, cwd: Path, env: dict[str, str]
) -> tuple[bytes, str]:
    from convcalc.cli import cli

    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, args, env=env, input=data)
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.stdout_bytes, result.stderr


def saved_svgs(example: Example) -> list[str]:
    """The ``.svg`` files the example's commands save (``--save NAME.svg``)."""
    return [name for command in example.commands for name in SAVED.findall(command)]


def embedded_svgs(example: Example, text: str) -> list[str]:
    """The ``.svg`` files *example* saves that its page (*text*) shows from ``_static/``.

    >>> e = Example(Path("p.md"), 1, 0, 0, ["convcalc diagram conv -i 5 -k 3 --save a.svg"])
    >>> embedded_svgs(e, "![a](_static/a.svg)"), embedded_svgs(e, "no picture")
    (['a.svg'], [])
    """
    return [name for name in saved_svgs(example) if f"_static/{Path(name).name}" in text]


def with_outputs(text: str, example: Example, lines: list[str]) -> str:
    """*text* (the page) with *example*'s shown output replaced by *lines*.

    *lines* are the commands' outputs in order, split where ``example.starts`` says.
    """
    body = []
    for command, output in zip(example.commands, lines_per_command(example, lines), strict=True):
        body.append(f"$ {command}")
        body.extend(output)
    return text[: example.start] + "\n".join(body) + "\n" + text[example.end :]


def lines_per_command(example: Example, lines: list[str]) -> list[list[str]]:
    """*lines* split into each command's output at ``example.starts``."""
    ends = [*example.starts[1:], len(lines)]
    return [lines[a:b] for a, b in zip(example.starts, ends, strict=True)]


def run_split(example: Example, cwd: Path) -> tuple[list[str], list[int]]:
    """The lines *example*'s commands print now, run one after another in *cwd*, and the
    index where each command's output starts."""
    lines: list[str] = []
    starts = []
    for command in example.commands:
        starts.append(len(lines))
        lines.extend(run_command(command, cwd))
    return lines, starts


def update_page(page: Path, tmp: Path) -> int:
    """Rewrite every example's output on *page* from a fresh run; the number changed."""
    text = page.read_text("utf-8")
    changed = 0
    for example in reversed(examples_in(text, page)):
        cwd = workdir(tmp / f"{page.stem}-{example.line}")
        lines, starts = run_split(example, cwd)
        if lines != example.expected:
            changed += 1
        example.starts = starts
        text = with_outputs(text, example, lines)
        for name in embedded_svgs(example, text):
            STATIC.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cwd / name, STATIC / Path(name).name)
    page.write_text(text, "utf-8")
    return changed


if __name__ == "__main__":  # pragma: no cover - a manual aid
    for example in all_examples():
        sys.stdout.write(example.name + "\n")
