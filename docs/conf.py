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
    if rest.startswith(".. "):
        return line
    return prefix + _MARKUP.sub(r"\\\1", rest)


def _escape(app: object, ctx: object, lines: list[str]) -> None:
    lines[:] = [_as_typed(line) for line in lines]


def setup(app: Any) -> None:
    for event in ("description", "options", "arguments", "epilog"):
        app.connect(f"sphinx-click-process-{event}", _escape)
