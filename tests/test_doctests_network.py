"""Run the doctests of the network modules (and the engine helper they added)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "convcalc.frameworks.compare",
    "convcalc.frameworks.port",
    "convcalc.network.spec",
    "convcalc.network.stack",
    "convcalc.frameworks.solve",
    "convcalc.network.zoo",
    "convcalc.shape.explain",
    "convcalc.report.network_json",
    "convcalc.shape.padding",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
