"""Snapshots of the explorer's screen (plain text, ``tests/golden/explore/``) and the
manual's screenshot (``docs/_static/explore.svg``, Textual's own SVG export).

Regenerate both after an intended change, then review the diff::

    python -m pytest tests/test_explore_snapshots.py --update-goldens
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from convcalc.cli.explore_cmd import parse_value
from convcalc.explore.app import ExploreApp, screen_text
from convcalc.explore.model import State
from convcalc.shape import Padding

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "explore"
SCREENSHOT = ROOT / "docs" / "_static" / "explore.svg"

PRIMER_VALID = State(padding=Padding.VALID, step=1, field="padding")
CASES: dict[str, tuple[State, tuple[str, ...], tuple[int, int]]] = {
    "primer-same": (State(), (), (80, 24)),
    "primer-valid": (PRIMER_VALID, (), (80, 24)),
    "primer-40": (State(), ("down", "n"), (40, 24)),
    "conv-2d": (State(input=(5, 5), kernel=(3,), stride=(2,), padding=((1, 1),), step=4), (),
                (80, 24)),
    "pool-avg": (State(op="pool", input=(6,), kernel=(3,), stride=(2,), pool_type="avg"), ("n",),
                 (80, 24)),
    "deconv": (State(op="deconv", input=(3,), kernel=(3,), stride=(2,), padding=((1, 1),),
                     output_padding=(1,)), ("n", "n"), (80, 24)),
    "error": (State(kernel=(20,), padding=Padding.VALID, field="kernel"), (), (80, 24)),
    "side-panel": (State(), ("s",), (80, 24)),
    "wide": (PRIMER_VALID, (), (160, 32)),
}  # fmt: skip
"""name: (starting state, keys pressed, terminal size)."""
SCREENSHOT_CASE = "wide"


def capture(name: str) -> tuple[str, str]:
    """The screen of case *name* as plain text and as Textual's SVG screenshot."""
    state, keys, size = CASES[name]
    app = ExploreApp(state, parse_value)
    shots: list[str] = []

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.press(*keys)
            await pilot.pause()
            shots.append(screen_text(app))
            shots.append(app.export_screenshot(title="convcalc explore"))

    asyncio.run(main())
    return shots[0], shots[1]


@pytest.mark.parametrize("name", sorted(CASES))
def test_screen(name: str, check_golden: Callable[[Path, str], None]) -> None:
    text, svg = capture(name)
    check_golden(GOLDEN / f"{name}.txt", text + "\n")
    width = CASES[name][2][0]
    assert max(len(line) for line in text.splitlines()) <= width
    if name == SCREENSHOT_CASE:
        check_golden(SCREENSHOT, svg)
