"""The manual's command reference is generated from the Click app and covers all of it.

The manual is built once (``sphinx-build -W``, warnings are errors) into a temporary
folder; every command and subcommand the app has, and every option and argument of each,
must have its entry (sphinx-click's ``convcalc-…`` section and ``cmdoption-…`` anchor) on
the command's page ``docs/commands/<command>.md``, and its ``--help`` must end with the
name of that page."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from convcalc.cli import cli, manual_page

ROOT = Path(__file__).resolve().parents[1]


def _walk(
    command: click.Command, path: tuple[str, ...], parent: click.Context | None
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    if command.hidden:  # not in --help, and not in the reference (sphinx-click skips it)
        return
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path[-1], parent=parent)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            yield from _walk(sub, (*path, name), ctx)


COMMANDS = list(_walk(cli, ("convcalc",), None))


def _anchor(*words: str) -> str:
    """The HTML id Sphinx gives a command's section or an option's entry, lower-cased."""
    return re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-")


def _ids(html: str) -> set[str]:
    return {found.lower() for found in re.findall(r'id="([^"]+)"', html)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("manual")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(ROOT / "docs"), str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_the_walk_sees_every_command() -> None:
    paths = {" ".join(path) for path, _ in COMMANDS}
    assert {"convcalc shape conv", "convcalc shape resize", "convcalc run resize"} <= paths
    assert len(paths) > 30


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS[1:], ids=[" ".join(p) for p, _ in COMMANDS[1:]]
)
def test_every_command_option_and_argument_is_in_the_reference(
    built: Path, path: tuple[str, ...], command: click.Command
) -> None:
    page = built / Path(manual_page(path[1])).relative_to("docs").with_suffix(".html")
    ids = _ids(page.read_text("utf-8"))
    assert _anchor(*path) in ids, f"{' '.join(path)} has no section on {page.name}"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            for opt in [*param.opts, *param.secondary_opts]:
                anchor = "cmdoption-" + _anchor(*path, opt.lstrip("-"))
                assert anchor in ids, f"{' '.join(path)} {opt} missing from {page}"
        elif isinstance(param, click.Argument):
            anchor = "cmdoption-" + _anchor(*path, "arg", param.human_readable_name)
            assert anchor in ids, f"{' '.join(path)} {param.human_readable_name} missing"


def test_the_top_level_options_are_in_the_reference(built: Path) -> None:
    html = (built / "index.html").read_text("utf-8")
    assert "cmdoption-convcalc-version" in _ids(html)


def _words_to(path: tuple[str, ...]) -> list[str]:
    """The command line of *path*, with what its groups require (``port --to``)."""
    words: list[str] = []
    groups = dict(COMMANDS)
    for depth, name in enumerate(path[1:], start=1):
        words.append(name)
        if depth < len(path) - 1:
            for param in groups[path[: depth + 1]].params:
                if isinstance(param, click.Option) and param.required:
                    choices = getattr(param.type, "choices", ["x"])
                    words += [param.opts[0], str(next(iter(choices)))]
    return words


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_ends_with_the_manual_page(path: tuple[str, ...], command: click.Command) -> None:
    result = CliRunner().invoke(cli, [*_words_to(path), "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    page = "docs/index.md" if len(path) == 1 else manual_page(path[1])
    last = result.output.rstrip().splitlines()[-1].strip()
    assert last.startswith(f"Manual: {page}"), last
    assert (ROOT / page).is_file()
