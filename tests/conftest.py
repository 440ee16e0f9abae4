"""Shared test configuration.

- Hypothesis profiles: ``HYPOTHESIS_PROFILE=thorough`` runs 3,000 examples per property.
  The CLI fuzz test (``test_fuzz_cli.py``, issue 14) runs 1,000 fixed command lines by
  default and 3,000 fresh ones under ``thorough`` (vary them with ``--hypothesis-seed=N``);
  its figures (calls, exit statuses, uncaught, hangs, slowest call) end the test report.
- ``pytest --update-goldens`` rewrites the golden files under ``tests/golden/`` from the
  current output instead of comparing against them; review the diff before committing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/ files from the current output.",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with ``--update-goldens``."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def check_golden(
    request: pytest.FixtureRequest, update_goldens: bool
) -> Callable[[Path, str], None]:
    """``check(path, got)``: *got* must equal the golden file at *path*; under
    ``--update-goldens`` the file is written from *got* first. A failure names the command
    that regenerates the requesting test file's goldens."""
    test_file = Path(str(request.node.fspath)).relative_to(Path(__file__).parent.parent)
    regenerate = f"python -m pytest {test_file} --update-goldens"

    def check(path: Path, got: str) -> None:
        if update_goldens:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(got, encoding="utf-8")
        assert path.exists(), f"missing {path}: run {regenerate}"
        assert got == path.read_text(encoding="utf-8"), (
            f"{path.name} differs; if the change is intended, regenerate with {regenerate}"
        )

    return check


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """The CLI fuzz test's figures ride on its report (``user_properties``), so that the
    summary prints them whichever process (pytest-xdist worker) ran the test."""
    outcome = yield
    report = outcome.get_result()
    stats = getattr(getattr(item, "module", None), "FUZZ_STATS", None)
    if report.when == "call" and isinstance(stats, dict) and stats:
        report.user_properties.append(("fuzz", dict(stats)))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the CLI fuzz test's figures when it ran."""
    lines = {
        "fuzz: " + ", ".join(f"{k} {v}" for k, v in stats.items())
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", "") == "call"
        for key, stats in getattr(report, "user_properties", ())
        if key == "fuzz"
    }
    for line in sorted(lines):
        terminalreporter.write_line(line)
