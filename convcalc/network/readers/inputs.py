"""A model input's shape, bound to ``-i`` (pure): spatial sizes only (``224x224``) or the
full shape batch first (``1x3x224x224``); an unbound batch stays ``None``, any other
symbolic dim must be given.

>>> bind_input("x", ["N", 3, "height", "width"], "193x193", 2, True)
((None, 3, 193, 193), (2, 3))
>>> bind_input("x", [None, 224, 224, 3], "2x225x225x3", 2, False)
((2, 225, 225, 3), (1, 2))
"""

from __future__ import annotations

from collections.abc import Sequence

from convcalc.errors import SpecError
from convcalc.network.graph import Dim
from convcalc.shape.axes import check_size, parse_int

__all__ = ["bind_input"]


def _parse(text: str) -> list[int]:
    try:
        values = [parse_int(v) for v in text.lower().replace(",", "x").split("x")]
    except SpecError:
        raise
    except ValueError:
        raise SpecError(f"input {text!r} is not a shape such as 224x224") from None
    for v in values:
        check_size("input size", v)
    return values


def bind_input(
    name: str, dims: Sequence[object], size: str | None, ndim: int, channels_first: bool
) -> tuple[tuple[Dim, ...], tuple[int, ...] | None]:
    """(full shape, spatial axes) of input *name* whose file shape is *dims* (ints, or
    ``None``/strings for symbolic dims)."""
    rank = len(dims)
    axes: tuple[int, ...] | None = None
    if rank == ndim + 2:
        axes = tuple(range(2, rank)) if channels_first else tuple(range(1, rank - 1))
    values: list[object] = list(dims)
    if size is not None:
        given = _parse(size)
        if len(given) == rank:
            values = list(given)
        elif axes is not None and len(given) == len(axes):
            for a, v in zip(axes, given, strict=True):
                values[a] = v
        else:
            want = f"its {len(axes)} spatial sizes or " if axes is not None else ""
            raise SpecError(
                f"-i {size} has {len(given)} values but input {name!r} has shape "
                f"{_text(dims)}: give {want}all {rank} dims"
            )
    out: list[Dim] = []
    for i, d in enumerate(values):
        if isinstance(d, int) and not isinstance(d, bool) and d >= 1:
            out.append(check_size(f"input {name!r} size", d))
        elif i == 0:
            out.append(None)  # an unbound batch
        else:
            label = f" ({d!r})" if isinstance(d, str) and d else ""
            raise SpecError(
                f"input {name!r} dim {i}{label} of shape {_text(dims)} is not fixed; give "
                "the input size with -i"
            )
    return tuple(out), axes


def _text(dims: Sequence[object]) -> str:
    return "[" + ", ".join("?" if d is None else str(d) for d in dims) + "]"
