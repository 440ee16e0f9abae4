"""Run the doctests of the network modules (and the engine helper they added)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "convcalc.frameworks",
    "convcalc.port",
    "convcalc.netspec",
    "convcalc.network",
    "convcalc.solve",
    "convcalc.zoo",
    "convcalc.explain",
    "convcalc.jsonable_network",
    "convcalc.shape.padding",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
