"""Every ``$ convcalc …`` example of README.md and the manual runs and prints what the page
shows (``tests/docs_examples.py`` finds and runs them). After an intended change,
``python -m pytest tests/test_docs_examples.py --update-goldens`` rewrites the pages'
outputs and the diagram SVGs they embed (``docs/_static/*.svg``); review the diff."""

from __future__ import annotations

import doctest
import re
import shutil
from pathlib import Path

import docs_examples as de
import pytest

EXAMPLES = de.all_examples()
_updated: set[Path] = set()


def _current(example: de.Example) -> de.Example:
    """*example* as its page reads now (the page may just have been rewritten)."""
    position = [id(e) for e in EXAMPLES if e.page == example.page].index(id(example))
    now = de.examples_in(example.page.read_text("utf-8"), example.page)
    assert len(now) > position, f"{example.name}: the page lost examples"
    return now[position]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_example_prints_what_the_page_shows(
    example: de.Example, tmp_path: Path, update_goldens: bool
) -> None:
    if update_goldens and example.page not in _updated:
        _updated.add(example.page)
        de.update_page(example.page, tmp_path / "update")
    example = _current(example)
    cwd = de.workdir(tmp_path)
    lines, starts = de.run_split(example, cwd)
    assert lines == example.expected, f"{example.name}: output differs from the page"
    assert starts == example.starts, f"{example.name}: outputs split differently"
    for name in de.embedded_svgs(example, example.page.read_text("utf-8")):
        shown = de.STATIC / Path(name).name
        assert shown.is_file(), f"{shown} is missing: run --update-goldens"
        assert (cwd / name).read_bytes() == shown.read_bytes(), f"{shown} is stale"


def test_the_pages_have_examples() -> None:
    pages = {e.page.relative_to(de.ROOT).as_posix() for e in EXAMPLES}
    assert "README.md" in pages
    assert len(EXAMPLES) >= 5


def test_a_changed_number_fails_and_update_puts_it_back(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    original = (
        "Intro.\n\n```console\n$ convcalc shape conv -i 224x225 -k 7 -s 2 -p same --json\n"
        + "\n".join(
            de.run_command("convcalc shape conv -i 224x225 -k 7 -s 2 -p same --json", tmp_path)
        )
        + "\n```\n\nOutro.\n"
    )
    assert '"output": [112, 113]' in original
    page.write_text(original.replace('"output": [112, 113]', '"output": [112, 114]'))
    (example,) = de.examples_in(page.read_text(), page)
    lines, _ = de.run_split(example, de.workdir(tmp_path / "run"))
    assert lines != example.expected  # the test above fails on it
    assert de.update_page(page, tmp_path / "update") == 1
    assert page.read_text() == original


def test_a_block_with_text_before_its_first_command_fails(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```console\nnote\n$ convcalc shape conv -i 5 -k 3 --json\n{}\n```\n")
    (example,) = de.examples_in(page.read_text(), page)
    lines, starts = de.run_split(example, de.workdir(tmp_path))
    assert (lines, starts) != (example.expected, example.starts)


def test_pipes_echo_and_quiet_commands(tmp_path: Path) -> None:
    cwd = de.workdir(tmp_path)
    assert de.run_command("echo '[1, 2]' | convcalc run deconv -k '[1,10,100]' -s 2", cwd) == [
        "[1, 10, 102, 20, 200]"
    ]
    saved = de.run_command("convcalc diagram conv -i 5 -k 3 --save x.svg > /dev/null", cwd)
    assert saved == ["convcalc: saved x.svg"]
    assert (cwd / "x.svg").read_text().startswith("<svg")


def test_the_examples_folder_is_copied_not_used(tmp_path: Path) -> None:
    cwd = de.workdir(tmp_path)
    assert cwd != de.EXAMPLES_DIR
    before = sorted(p.name for p in de.EXAMPLES_DIR.iterdir())
    assert sorted(p.name for p in cwd.iterdir()) == before
    shutil.rmtree(cwd)
    assert sorted(p.name for p in de.EXAMPLES_DIR.iterdir()) == before


PYTHON = [
    (page, text)
    for page in de.pages()
    for text in re.findall(r"^```(?:python|pycon)\n(.*?)^```", page.read_text("utf-8"), re.S | re.M)
    if ">>> " in text
]


@pytest.mark.parametrize(
    ("page", "text"),
    PYTHON,
    ids=[f"{p.relative_to(de.ROOT)}:{i}" for i, (p, _) in enumerate(PYTHON)],
)
def test_python_examples_run(page: Path, text: str) -> None:
    """The ``>>>`` examples of the pages (the API page's) are doctests."""
    test = doctest.DocTestParser().get_doctest(text, {}, str(page), str(page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries > 0
