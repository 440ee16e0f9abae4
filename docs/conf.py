"""Sphinx configuration of the convcalc manual (MyST Markdown, Furo, sphinx-click).

Build: ``sphinx-build -W -b html docs docs/_build``. Every ``$ convcalc …`` example of the
pages is run by ``tests/test_docs_examples.py``; the option references are generated from
the Click app by the ``{click}`` directive, never typed.
"""

from __future__ import annotations

import re
from typing import Any

project = "convcalc"
author = "convcalc developers"
copyright = "convcalc developers"  # noqa: A001 - Sphinx's name

extensions = ["myst_parser", "sphinx_click", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "examples", "README.md"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}
html_theme = "furo"
html_title = "convcalc manual"
html_static_path = ["_static"]
html_css_files = ["manual.css"]
pygments_style = "friendly"
smartquotes = False  # `--json` stays two hyphens, quotes stay straight

# Help texts are written for the terminal, not as reStructuredText: sphinx-click would read
# `*k`, `resize_*` or `|` as markup. Escape them so the page shows what `--help` shows.
_MARKUP = re.compile(r"([\\*`_|])")
_PREFIX = re.compile(r"^(\s*(?:\| )?)(.*)$", re.S)


def _as_typed(line: str) -> str:
    """*line* of help text with reST's inline markup characters escaped.

    >>> _as_typed("    | convcalc run deconv -k (*k, O)")
    '    | convcalc run deconv -k (\\\\*k, O)'
    """
    prefix, rest = _PREFIX.match(line).groups()  # type: ignore[union-attr]
    if rest.startswith((".. ", ":")) or rest == "**Required**":  # sphinx-click's own markup
        return line
    required = "**Required** " if rest.startswith("**Required** ") else ""
    return prefix + required + _MARKUP.sub(r"\\\1", rest.removeprefix(required))


_BAR = re.compile(r"^(\s*)\| ?(.*)$")


def _escape(app: object, ctx: object, lines: list[str]) -> None:
    """Help text as typed: example blocks (Click's ``\\b`` paragraphs, which sphinx-click
    turns into ``| `` line blocks) as literal text, markup characters elsewhere escaped."""
    out: list[str] = []
    block: str | None = None  # the indentation of the literal block being written
    for line in lines:
        bar = _BAR.match(line)
        if bar is not None and not line.lstrip().startswith(".. "):
            if block is None:
                block = bar.group(1)
                out += ["", block + ".. code-block:: text", ""]
            out.append(block + "   " + bar.group(2))
            continue
        if block is not None:
            out.append("")
            block = None
        out.append(_as_typed(line))
    lines[:] = out


def setup(app: Any) -> None:
    for event in ("description", "options", "arguments", "epilog"):
        app.connect(f"sphinx-click-process-{event}", _escape)
