"""Reading and writing arrays: ``.npy``, ``.npz``, JSON nested lists, plain text and CSV.

* The input format is sniffed (``.npy`` magic, zip magic for ``.npz``, ``[`` for JSON, else
  text; text with commas is CSV) or forced. ``.npy``/``.npz`` load with
  ``allow_pickle=False``; a ``.npy`` file of at least :data:`MMAP_MIN_BYTES` is
  memory-mapped, not copied.
* ``FILE.npz:NAME`` picks one array of an ``.npz`` (the only one is picked by default).
* Text and CSV hold 1-D arrays (one line, or one value per line) and 2-D arrays (one row
  per line); ``#`` starts a comment line. Text output is right-aligned in columns.
* Numbers are written in the shortest form that reads back to the same value of the
  array's dtype; whole numbers are written without ``.0`` (``[0, 1, 2.5]``).
* Output files are written atomically: to a temporary file in the same directory, then
  ``os.replace``; nothing is left behind when anything fails.

>>> a, fmt = parse_array(b"1 2 3\\n4 5 6\\n")
>>> fmt, a.shape
('text', (2, 3))
>>> print(format_array(a / 2, "json"), end="")
[[0.5,   1, 1.5],
 [  2, 2.5,   3]]
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from convcalc.errors import ArrayFormatError

__all__ = [
    "FORMATS",
    "MMAP_MIN_BYTES",
    "format_array",
    "format_for_path",
    "parse_array",
    "read_array",
    "split_name",
    "write_array",
    "write_outputs",
]

FORMATS = ("npy", "npz", "json", "text", "csv")
"""Every array format convcalc reads and writes."""

BINARY = ("npy", "npz")

EXTENSIONS = {
    ".npy": "npy",
    ".npz": "npz",
    ".json": "json",
    ".txt": "text",
    ".text": "text",
    ".dat": "text",
    ".tsv": "text",
    ".csv": "csv",
}

MMAP_MIN_BYTES = 16 * 2**20
"""``.npy`` files at least this large are memory-mapped instead of read."""

NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = b"PK\x03\x04"

Array = npt.NDArray[Any]


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The format an output path's extension asks for, if any.

    >>> format_for_path("edges.csv"), format_for_path("out.bin")
    ('csv', None)
    """
    return EXTENSIONS.get(Path(path).suffix.lower())


def sniff(data: bytes) -> str:
    """Guess the format of *data*: npy, npz, json, csv or text."""
    if data.startswith(NPY_MAGIC):
        return "npy"
    if data.startswith(ZIP_MAGIC):
        return "npz"
    head = data.lstrip()[:1]
    if head == b"[":
        return "json"
    return "csv" if b"," in data[:65536] else "text"


def split_name(spec: str) -> tuple[str, str | None]:
    """``FILE.npz:NAME`` → ``("FILE.npz", "NAME")``; other specs are returned unchanged.

    >>> split_name("weights.npz:conv1"), split_name("-:x"), split_name("image.txt")
    (('weights.npz', 'conv1'), ('-', 'x'), ('image.txt', None))
    """
    if os.path.exists(spec):
        return spec, None
    path, sep, name = spec.rpartition(":")
    if sep and name and (path == "-" or path.lower().endswith(".npz") or os.path.isfile(path)):
        return path, name
    return spec, None


def parse_array(
    data: bytes, fmt: str | None = None, *, name: str | None = None, what: str = "input"
) -> tuple[Array, str]:
    """Parse bytes in *fmt* (sniffed when ``None``); return the array and the format.

    >>> parse_array(b"[1, 2.5]")[0]
    array([1. , 2.5])
    """
    if not data.strip():
        raise ArrayFormatError(f"the {what} is empty")
    fmt = fmt or sniff(data)
    if fmt == "npy":
        if not data.startswith(NPY_MAGIC):
            raise ArrayFormatError(f"the {what} is not a valid .npy file (no .npy header)")
        return _load_npy(io.BytesIO(data), what), fmt
    if fmt == "npz":
        if not data.startswith(ZIP_MAGIC):
            raise ArrayFormatError(f"the {what} is not a valid .npz file (no zip header)")
        return _load_npz(io.BytesIO(data), name, what), fmt
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArrayFormatError(
            f"the {what} is neither .npy/.npz nor UTF-8 text (JSON, text or CSV)"
        ) from None
    if fmt == "json":
        return _parse_json(text, what), fmt
    if fmt in ("text", "csv"):
        return _parse_text(text, what), fmt
    raise ArrayFormatError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def read_array(
    spec: str,
    fmt: str | None = None,
    *,
    what: str = "input",
    stdin: IO[bytes] | None = None,
) -> tuple[Array, str]:
    """Read the array named by *spec*: a path, ``-`` (stdin), or ``FILE.npz:NAME``.

    Large ``.npy`` files are memory-mapped (read-only).
    """
    path, name = split_name(spec)
    if path == "-":
        if stdin is None:
            raise ArrayFormatError(f"no stream to read the {what} from")
        data = stdin.read()
        if not data:
            raise ArrayFormatError(
                f"the {what} is empty: nothing arrived on stdin (pipe an array or give a FILE)"
            )
        return parse_array(data, fmt, name=name, what=what)
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(NPY_MAGIC))
            size = os.fstat(handle.fileno()).st_size
            if (fmt or sniff(head)) == "npy" and head == NPY_MAGIC and size >= MMAP_MIN_BYTES:
                return _load_npy(path, what, mmap=True), "npy"
            data = head + handle.read()
    except OSError as exc:
        raise ArrayFormatError(f"cannot read the {what} {path!r}: {exc.strerror}") from None
    return parse_array(data, fmt, name=name, what=f"{what} {path!r}")


def _load_npy(source: str | IO[bytes], what: str, mmap: bool = False) -> Array:
    try:
        array = np.load(source, allow_pickle=False, mmap_mode="r" if mmap else None)
    except ValueError as exc:
        if "allow_pickle" in str(exc) or "Object arrays" in str(exc):
            raise ArrayFormatError(
                f"the {what} holds pickled Python objects (a .npy of dtype object); convcalc "
                "loads only numeric arrays (allow_pickle=False)"
            ) from None
        raise ArrayFormatError(f"the {what} is not a valid .npy file: {exc}") from None
    except (OSError, EOFError) as exc:
        raise ArrayFormatError(f"the {what} is not a valid .npy file: {exc}") from None
    if not isinstance(array, np.ndarray):
        raise ArrayFormatError(f"the {what} is not a .npy array")
    return _check_numeric(array, what)


def _load_npz(source: IO[bytes], name: str | None, what: str) -> Array:
    try:
        archive = np.load(source, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise ArrayFormatError(f"the {what} is not a valid .npz file: {exc}") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ArrayFormatError(f"the {what} is not a .npz archive")
    with archive:
        names = list(archive.files)
        if name is None:
            if len(names) != 1:
                listed = ", ".join(names) or "none"
                raise ArrayFormatError(
                    f"the {what} .npz holds {len(names)} arrays ({listed}); pick one with "
                    "FILE.npz:NAME"
                )
            name = names[0]
        if name not in names:
            raise ArrayFormatError(
                f"the {what} .npz has no array {name!r}; it holds {', '.join(names)}"
            )
        try:
            array = archive[name]
        except ValueError:
            raise ArrayFormatError(
                f"the {what} .npz array {name!r} holds pickled Python objects; convcalc "
                "loads only numeric arrays (allow_pickle=False)"
            ) from None
    return _check_numeric(array, what)


def _check_numeric(array: Array, what: str) -> Array:
    if array.dtype.kind not in "biuf":
        raise ArrayFormatError(
            f"the {what} has dtype {array.dtype}; convcalc reads real numbers only"
        )
    if array.ndim == 0:
        raise ArrayFormatError(f"the {what} is a single number; it needs at least 1 dimension")
    if array.size == 0:
        raise ArrayFormatError(f"the {what} is empty (shape {tuple(array.shape)})")
    return array


def _parse_json(text: str, what: str) -> Array:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArrayFormatError(
            f"the {what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    shape = _json_shape(value, what, "")
    try:
        array = np.array(value, dtype=np.float64 if _has_float(value) else None)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ArrayFormatError(f"the {what} JSON is not a numeric array: {exc}") from None
    if array.dtype.kind not in "biuf":
        array = array.astype(np.float64)
    if array.shape != shape:  # pragma: no cover - _json_shape already checked
        raise ArrayFormatError(f"the {what} JSON is ragged")
    return _check_numeric(array, what)


def _has_float(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return isinstance(value, float)


def _json_shape(value: Any, what: str, where: str) -> tuple[int, ...]:
    """The shape of nested lists, or an error naming the first ragged or non-number spot."""
    if isinstance(value, (bool, int, float)):
        return ()
    if not isinstance(value, list):
        kind = "null" if value is None else type(value).__name__
        if isinstance(value, str):
            kind = f"the string {value!r}"
        place = f" at {where}" if where else ""
        raise ArrayFormatError(f"the {what} JSON holds {kind}{place}; expected numbers")
    if not value:
        return (0,)
    shapes = [_json_shape(v, what, f"{where}[{i}]") for i, v in enumerate(value)]
    for i, s in enumerate(shapes[1:], start=1):
        if s != shapes[0]:
            raise ArrayFormatError(
                f"the {what} JSON is ragged: {where}[0] is {_shape_text(shapes[0])} but "
                f"{where}[{i}] is {_shape_text(s)}"
            )
    return (len(value), *shapes[0])


def _shape_text(shape: tuple[int, ...]) -> str:
    return f"a list of shape {'x'.join(map(str, shape))}" if shape else "a number"


def _parse_text(text: str, what: str) -> Array:
    rows: list[list[str]] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        rows.append(stripped.replace(",", " ").split())
        lines.append(number)
    if not rows:
        raise ArrayFormatError(f"the {what} is empty (no numbers)")
    width = len(rows[0])
    for row, number in zip(rows, lines, strict=True):
        if len(row) != width:
            raise ArrayFormatError(
                f"the {what} is ragged: line {number} has {len(row)} values but line "
                f"{lines[0]} has {width}"
            )
    flat = [token for row in rows for token in row]
    try:
        values = np.array(flat, dtype=np.float64)
    except ValueError:
        for row, number in zip(rows, lines, strict=True):
            for column, token in enumerate(row, start=1):
                try:
                    float(token)
                except ValueError:
                    raise ArrayFormatError(
                        f"the {what} has {token!r} at line {number}, column {column}, "
                        "which is not a number"
                    ) from None
        raise  # pragma: no cover
    if len(rows) == 1 or width == 1:
        return values
    return values.reshape(len(rows), width)


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
) -> None:
    """Write *array* to a binary *stream* in *fmt* (*precision*: text formats only)."""
    if fmt == "npy":
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
