"""Replaying thousands of recorded cases as a few tests: one test per group of cases,
every case checked, every failing case listed (its id and what failed).

One pytest item per recorded case cost more in collection and reporting than the checks
themselves (3,943 resize cases: 4 s as items, 1.5 s in groups).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pytest

T = TypeVar("T")

__all__ = ["check_each", "group_by"]


def group_by(cases: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    """*cases* grouped by *key*, in first-seen order.

    >>> group_by([1, 2, 3, 4], lambda n: "odd" if n % 2 else "even")
    {'odd': [1, 3], 'even': [2, 4]}
    """
    groups: dict[str, list[T]] = {}
    for case in cases:
        groups.setdefault(key(case), []).append(case)
    return groups


def check_each(cases: list[T], check: Callable[[T], Any], name: Callable[[T], str]) -> None:
    """Run *check* on every case; fail listing each case whose check failed or raised."""
    failures = []
    for case in cases:
        try:
            check(case)
        except (Exception, pytest.fail.Exception) as exc:
            failures.append(f"{name(case)}: {type(exc).__name__}: {exc}"[:400])
    assert not failures, f"{len(failures)} of {len(cases)} cases fail:\n" + "\n".join(failures)
