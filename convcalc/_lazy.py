"""Names a package re-exports from its submodules, imported on first use (PEP 562).

``convcalc`` and ``convcalc.shape`` re-export the shape engine this way, so ``import
convcalc.cli`` loads no engine module and a conv query loads only ``window`` and what it
imports: start-up stays close to ``import click``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping


def lazy_exports(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for *package*: each name of *homes* is imported from
    the module *homes* names for it on first use, then kept in the package.

    >>> getattr_, dir_ = lazy_exports("convcalc", {"conv_axis": "convcalc.shape.window"})
    >>> getattr_("conv_axis")(13, 6, stride=5).output
    2
    >>> getattr_("nope")
    Traceback (most recent call last):
    ...
    AttributeError: module 'convcalc' has no attribute 'nope'
    """

    def __getattr__(name: str) -> object:
        try:
            home = homes[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *homes})

    return __getattr__, __dir__
