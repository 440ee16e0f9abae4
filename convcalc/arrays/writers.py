"""Writing arrays: aligned text, CSV and JSON with the shortest round-trip numbers, ``.npy``,
``.npz`` and images to a stream, and atomic output files.

Numbers are written in the shortest form that reads back to the same value of the array's
dtype; whole numbers are written without ``.0``. Output files are written to a temporary
file in the same directory, then ``os.replace``d; nothing is left behind when anything
fails.

>>> print(format_array(np.array([[0.5, 1.0], [2.0, 2.5]]), "csv"), end="")
0.5,1
2,2.5
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from convcalc.arrays.images import IMAGE_FORMATS, write_image
from convcalc.arrays.readers import FORMATS
from convcalc.errors import ArrayFormatError

__all__ = ["format_array", "write_array", "write_outputs"]

Array = npt.NDArray[Any]


def _number_strings(
    array: Array, json_style: bool, precision: int | None = None
) -> npt.NDArray[np.str_]:
    """Shortest round-trip text of every element (or *precision* significant digits), same
    shape: whole numbers without ``.0``, ``-0`` as ``0``, NaN/inf as ``nan``/``inf`` (JSON:
    ``NaN``/``Infinity``)."""
    a = np.asarray(array)
    if a.dtype.kind in "biu":
        return a.astype(np.int64).astype(np.str_)
    kind = np.dtype(np.float32 if a.dtype.itemsize <= 4 else np.float64)
    flat: npt.NDArray[np.floating[Any]] = np.ravel(a.astype(kind, copy=False))
    if precision is not None:
        flat = np.array([float(f"{v:.{precision}g}") for v in flat.tolist()], dtype=kind)
    if flat.dtype == np.float32:
        strings = np.array([str(v) for v in flat], dtype=np.str_)  # NumPy's shortest repr
    else:
        strings = np.array([repr(v) for v in flat.tolist()], dtype=np.str_)
    finite = np.isfinite(flat)
    whole = finite & (np.abs(flat) < 2.0**53)
    whole[whole] = flat[whole] == np.round(flat[whole])
    if whole.any():
        ints = np.where(whole, flat, 0).astype(np.int64).astype(np.str_)
        strings = np.where(whole, ints, strings)
    if not finite.all():
        nan, inf = ("NaN", "Infinity") if json_style else ("nan", "inf")
        special = np.where(np.isnan(flat), nan, np.where(flat > 0, inf, "-" + inf))
        strings = np.where(finite, strings, special)
    return strings.reshape(a.shape)


def format_array(array: Array, fmt: str, *, precision: int | None = None) -> str:
    """*array* as JSON, aligned text or CSV (ends with a newline), each number in its
    shortest round-trip form or rounded to *precision* significant digits.

    >>> print(format_array(np.array([1 / 3, 2.0]), "text", precision=3), end="")
    0.333  2
    """
    a = np.asarray(array)
    strings = _number_strings(a, fmt == "json", precision)
    if fmt == "json":
        if a.ndim <= 1:
            return "[" + ", ".join(strings.tolist()) + "]\n"
        width = int(np.char.str_len(strings).max())
        cells = np.char.rjust(strings, width).astype(object)
        return _json_nested(cells, 1) + "\n"
    if a.ndim > 2:
        raise ArrayFormatError(
            f"text and CSV hold 1-D or 2-D arrays, but the result has shape {tuple(a.shape)}; "
            "use --output-format json or npy"
        )
    table = strings.reshape(1, -1) if a.ndim == 1 else strings
    if fmt == "csv":
        return "".join(",".join(row) + "\n" for row in table.tolist())
    widths = np.char.str_len(table).max(axis=0)
    columns = [np.char.rjust(table[:, c], int(w)) for c, w in enumerate(widths.tolist())]
    aligned = np.stack(columns, axis=1) if columns else table
    return "".join("  ".join(row) + "\n" for row in aligned.tolist())


def _json_nested(cells: npt.NDArray[np.object_], depth: int) -> str:
    if cells.ndim == 1:
        return "[" + ", ".join(cells.tolist()) + "]"
    separator = "," + "\n" * (cells.ndim - 1) + " " * depth
    return "[" + separator.join(_json_nested(sub, depth + 1) for sub in cells) + "]"


def write_array(
    array: Array,
    fmt: str,
    stream: IO[bytes],
    *,
    name: str = "output",
    precision: int | None = None,
    normalize: str = "auto",
    bit_depth: int = 8,
) -> None:
    """Write *array* to a binary *stream* in *fmt* (*precision*: text formats only;
    *normalize*, *bit_depth*: images, see :func:`convcalc.arrays.images.write_image`)."""
    if fmt in IMAGE_FORMATS:
        write_image(np.asarray(array), fmt, stream, normalize=normalize, bit_depth=bit_depth)
    elif fmt == "npy":
        # Through .write() only: ndarray.tofile on a closed pipe raises a bare OSError
        # instead of BrokenPipeError.
        np.save(_WriteOnly(stream), np.asarray(array), allow_pickle=False)
    elif fmt == "npz":
        savez: Any = np.savez
        savez(stream, **{name: np.asarray(array)})
    elif fmt in ("json", "text", "csv"):
        stream.write(format_array(array, fmt, precision=precision).encode("utf-8"))
    else:
        raise ArrayFormatError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


class _WriteOnly:
    """A stream that exposes only ``write`` (NumPy then never calls ``tofile``)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def write(self, data: bytes) -> int:
        return self._stream.write(data)


def write_outputs(items: Sequence[tuple[str, Callable[[IO[bytes]], None]]]) -> None:
    """Write every ``(path, writer)`` to a temporary file next to *path*, then move them all
    into place; on any error no output file is created or changed."""
    temps: list[tuple[str, str]] = []
    current = items[0][0] if items else ""
    try:
        umask = os.umask(0)
        os.umask(umask)
        for path, writer in items:
            current = path
            directory = os.path.dirname(os.path.abspath(path))
            fd, temp = tempfile.mkstemp(
                dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp"
            )
            temps.append((temp, path))
            with os.fdopen(fd, "wb") as handle:
                writer(handle)
            os.chmod(temp, 0o666 & ~umask)
        for temp, path in temps:
            current = path
            os.replace(temp, path)
    except OSError as exc:
        _remove(temps)
        raise ArrayFormatError(f"cannot write {current!r}: {exc.strerror or exc}") from None
    except BaseException:
        _remove(temps)
        raise


def _remove(temps: list[tuple[str, str]]) -> None:
    for temp, _ in temps:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
