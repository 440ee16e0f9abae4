"""Numbers for ``diagram --values`` as plain Python, so the renderer needs no NumPy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from convcalc.diagram.layout.kinds import Index

__all__ = ["DiagramValues", "ValueTable"]


@dataclass(frozen=True, slots=True)
class ValueTable:
    """A small N-d array of numbers as plain Python (row-major), for ``--values``.

    >>> t = ValueTable.from_nested([[1, 2], [3, 4]])
    >>> t.shape, t.at((1, 0))
    ((2, 2), 3.0)
    """

    shape: Index
    flat: tuple[float, ...]

    @classmethod
    def from_nested(cls, nested: object) -> ValueTable:
        """From nested lists (``ndarray.tolist()``); raises ``ValueError`` when ragged."""
        shape: list[int] = []
        probe = nested
        while isinstance(probe, list):
            shape.append(len(probe))
            probe = probe[0] if probe else None
        flat: list[float] = []

        def walk(node: object, depth: int) -> None:
            if depth == len(shape):
                if isinstance(node, bool) or not isinstance(node, (int, float)):
                    raise ValueError("the array is ragged or holds non-numbers")
                flat.append(float(node))
                return
            if not isinstance(node, list) or len(node) != shape[depth]:
                raise ValueError("the array is ragged (rows of different lengths)")
            for child in node:
                walk(child, depth + 1)

        walk(nested, 0)
        return cls(tuple(shape), tuple(flat))

    def at(self, index: Sequence[int]) -> float:
        flat = 0
        for i, n in zip(index, self.shape, strict=True):
            flat = flat * n + i
        return self.flat[flat]


@dataclass(frozen=True, slots=True)
class DiagramValues:
    """Numbers to print in a diagram: the input, the kernel (convolutions) and the output
    the layer computes."""

    input: ValueTable
    output: ValueTable
    kernel: ValueTable | None = None
