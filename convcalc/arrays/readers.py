"""Parsing arrays from bytes: ``.npy``, ``.npz``, JSON nested lists, plain text and CSV, and
images (PNG, JPEG, TIFF, BMP, WebP: :mod:`convcalc.arrays.images`).

The format is sniffed (image magic bytes, ``.npy`` magic, zip magic for ``.npz``, ``[`` for
JSON, else text; text with commas is CSV) or forced. ``.npy``/``.npz`` load with
``allow_pickle=False``.
Every failure is an :class:`~convcalc.errors.ArrayFormatError` with a one-line message.
Numbers are ASCII (``５`` is not a 5, in text as in JSON); ``nan``/``inf`` (JSON ``NaN``,
``Infinity``) are read, as are numbers beyond float64 (as ``±inf``); JSON arrays nest at
most :data:`MAX_DIMS` deep.

>>> parse_array(b"1, 2\\n3, 4\\n")
(array([[1., 2.],
       [3., 4.]]), 'csv')
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from convcalc.arrays.images import IMAGE_FORMATS, Check, read_image, sniff_image
from convcalc.errors import ArrayFormatError

__all__ = [
    "BINARY",
    "FORMATS",
    "MAX_DIMS",
    "NPY_MAGIC",
    "ZIP_MAGIC",
    "load_npy",
    "parse_array",
    "sniff",
]

FORMATS = ("npy", "npz", "json", "text", "csv", *IMAGE_FORMATS)
"""Every array format convcalc reads and writes (images through Pillow)."""

BINARY = ("npy", "npz", *IMAGE_FORMATS)

NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGIC = b"PK\x03\x04"

MAX_DIMS = 32
"""JSON arrays nested deeper than this are refused (NumPy 1.x's dimension limit), before
any recursion can overflow the stack."""

Array = npt.NDArray[Any]


def sniff(data: bytes) -> str:
    """Guess the format of *data*: npy, npz, an image format, json, csv or text."""
    image = sniff_image(data)
    if image is not None:
        return image
    if data.startswith(NPY_MAGIC):
        return "npy"
    if data.startswith(ZIP_MAGIC):
        return "npz"
    head = data.lstrip()[:1]
    if head == b"[":
        return "json"
    return "csv" if b"," in data[:65536] else "text"


def parse_array(
    data: bytes,
    fmt: str | None = None,
    *,
    name: str | None = None,
    what: str = "input",
    channels: str = "grey",
    check: Check | None = None,
) -> tuple[Array, str]:
    """Parse bytes in *fmt* (sniffed when ``None``); return the array and the format.
    Images are read with *channels* (``grey`` or ``rgb``), their declared size passed to
    *check* first (see :func:`convcalc.arrays.images.read_image`).

    >>> parse_array(b"[1, 2.5]")[0]
    array([1. , 2.5])
    """
    if not data.strip():
        raise ArrayFormatError(f"the {what} is empty")
    fmt = fmt or sniff(data)
    if fmt == "npy":
        if not data.startswith(NPY_MAGIC):
            raise ArrayFormatError(f"the {what} is not a valid .npy file (no .npy header)")
        return load_npy(io.BytesIO(data), what), fmt
    if fmt == "npz":
        if not data.startswith(ZIP_MAGIC):
            raise ArrayFormatError(f"the {what} is not a valid .npz file (no zip header)")
        return _load_npz(io.BytesIO(data), name, what, check), fmt
    if fmt in IMAGE_FORMATS:
        return read_image(data, fmt, channels=channels, what=what, check=check), fmt
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


def load_npy(source: str | IO[bytes], what: str, mmap: bool = False) -> Array:
    if isinstance(source, io.BytesIO):
        _check_npy_length(source, what)
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


def _check_npy_length(source: io.BytesIO, what: str) -> None:
    """Refuse a ``.npy`` whose header declares more data than the bytes hold, before NumPy
    allocates the declared array (a 69-byte file may declare 10¹² numbers).

    >>> data = io.BytesIO(); np.save(data, np.zeros(4))
    >>> try:
    ...     _check_npy_length(io.BytesIO(data.getvalue()[:-8]), "input")
    ... except ArrayFormatError as exc:
    ...     print(exc)
    the input is a truncated .npy file: its header declares 4 numbers (32 bytes) but 24 bytes follow
    """
    try:
        version = np.lib.format.read_magic(source)
        readers = {(1, 0): np.lib.format.read_array_header_1_0,
                   (2, 0): np.lib.format.read_array_header_2_0}  # fmt: skip
        if version not in readers:
            return  # a newer header: NumPy checks it
        shape, _, dtype = readers[version](source)
    except (ValueError, OSError, EOFError) as exc:
        raise ArrayFormatError(f"the {what} is not a valid .npy file: {exc}") from None
    finally:
        start = source.tell()
        source.seek(0)
    count = math.prod(shape)
    declared = count * dtype.itemsize
    held = len(source.getbuffer()) - start
    if declared > held:
        raise ArrayFormatError(
            f"the {what} is a truncated .npy file: its header declares {count} numbers "
            f"({declared} bytes) but {held} bytes follow"
        )


def _unpacked_size(archive: Any, name: str) -> int:
    """Bytes of the ``.npz`` member *name* once decompressed, from the zip directory.

    >>> data = io.BytesIO(); np.savez_compressed(data, a=np.zeros(1000)); _ = data.seek(0)
    >>> with np.load(data) as archive:
    ...     _unpacked_size(archive, "a")
    8128
    """
    zipped: zipfile.ZipFile | None = archive.zip
    if zipped is None:
        return 0
    member = f"{name}.npy" if f"{name}.npy" in zipped.namelist() else name
    return zipped.getinfo(member).file_size


def _load_npz(source: IO[bytes], name: str | None, what: str, check: Check | None) -> Array:
    try:
        archive = np.load(source, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
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
        if check is not None:  # a few MB of zeros can decompress to gigabytes
            size = _unpacked_size(archive, name)
            check([(f"the {what} .npz array {name!r} ({size} bytes unpacked)", size)])
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
        value = json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise ArrayFormatError(
            f"the {what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise ArrayFormatError(_too_deep(what)) from None
    shape = _json_shape(value, what, "", 0)
    try:
        array = np.array(value, dtype=np.float64 if _has_float(value) else None)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ArrayFormatError(f"the {what} JSON is not a numeric array: {exc}") from None
    if array.dtype.kind not in "biuf":
        array = array.astype(np.float64)
    if array.shape != shape:  # pragma: no cover - _json_shape already checked
        raise ArrayFormatError(f"the {what} JSON is ragged")
    return _check_numeric(array, what)


def _json_int(text: str) -> int | float:
    """A JSON integer: an int while it fits int64, else the nearest float (``inf`` past
    float64), so that no number costs more than its digits to read."""
    return int(text) if len(text) <= 18 else float(text)


def _too_deep(what: str) -> str:
    return (
        f"the {what} JSON is nested more than {MAX_DIMS} levels deep; convcalc reads arrays "
        f"of at most {MAX_DIMS} dimensions"
    )


def _has_float(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return isinstance(value, float)


def _json_shape(value: Any, what: str, where: str, depth: int) -> tuple[int, ...]:
    """The shape of nested lists, or an error naming the first ragged or non-number spot
    (or the nesting past :data:`MAX_DIMS`)."""
    if isinstance(value, (bool, int, float)):
        return ()
    if not isinstance(value, list):
        kind = "null" if value is None else type(value).__name__
        if isinstance(value, str):
            kind = f"the string {value!r}"
        place = f" at {where}" if where else ""
        raise ArrayFormatError(f"the {what} JSON holds {kind}{place}; expected numbers")
    if depth >= MAX_DIMS:
        raise ArrayFormatError(_too_deep(what))
    if not value:
        return (0,)
    shapes = [_json_shape(v, what, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
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
        if not stripped.isascii():
            _refuse_non_ascii(rows[-1], number, what)
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


def _refuse_non_ascii(row: list[str], number: int, what: str) -> None:
    """Numbers are ASCII: ``５`` (a fullwidth 5) or ``٣`` is not a digit here, as in JSON."""
    for column, token in enumerate(row, start=1):
        if not token.isascii():
            raise ArrayFormatError(
                f"the {what} has {token!r} at line {number}, column {column}, which is not a "
                "number (convcalc reads ASCII digits only)"
            )
