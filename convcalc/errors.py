"""The one exception hierarchy of convcalc (standard library only).

Every error convcalc raises on purpose is a :class:`ConvcalcError`; ``str(exc)`` is a
complete sentence meant for the user. All of them are also ``ValueError`` so that library
callers' ``except ValueError`` keeps working. The CLI maps them to ``Error: ...`` and exit
status 1 in one place (``convcalc.cli``).
"""

from __future__ import annotations

__all__ = [
    "ArrayFormatError",
    "ConvcalcError",
    "EmptyOutputError",
    "MemoryLimitError",
    "NoInverseError",
    "SpecError",
]


class ConvcalcError(ValueError):
    """Base class. ``str(exc)`` is a complete sentence shown to the user."""


class SpecError(ConvcalcError):
    """A layer description that no framework accepts: stride 0, output_padding >= stride..."""


class EmptyOutputError(SpecError):
    """The window does not fit the (padded) input, so the layer has no output."""


class NoInverseError(ConvcalcError):
    """A requested size that the transposed convolution / inversion cannot reach."""


class ArrayFormatError(ConvcalcError):
    """An input array or kernel that cannot be read or does not fit the layer."""


class MemoryLimitError(ConvcalcError):
    """A computation whose arrays would not fit the memory limit (``run --max-memory``)."""
