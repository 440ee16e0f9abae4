"""Reading and writing arrays: ``.npy``, ``.npz``, JSON nested lists, plain text and CSV,
and images (PNG, JPEG, TIFF, BMP, WebP through Pillow: :mod:`convcalc.arrays.images`).

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

import os
from pathlib import Path
from typing import IO, Any

import numpy.typing as npt

from convcalc.arrays.images import IMAGE_EXTENSIONS, Check
from convcalc.arrays.readers import BINARY, FORMATS, NPY_MAGIC, load_npy, parse_array, sniff
from convcalc.arrays.writers import format_array, write_array, write_outputs
from convcalc.errors import ArrayFormatError

__all__ = [
    "BINARY",
    "FORMATS",
    "MMAP_MIN_BYTES",
    "format_array",
    "format_for_path",
    "parse_array",
    "read_array",
    "sniff",
    "split_name",
    "write_array",
    "write_outputs",
]

EXTENSIONS = {
    ".npy": "npy",
    ".npz": "npz",
    ".json": "json",
    ".txt": "text",
    ".text": "text",
    ".dat": "text",
    ".tsv": "text",
    ".csv": "csv",
    **IMAGE_EXTENSIONS,
}

MMAP_MIN_BYTES = 16 * 2**20
"""``.npy`` files at least this large are memory-mapped instead of read."""

Array = npt.NDArray[Any]


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The format an output path's extension asks for, if any.

    >>> format_for_path("edges.csv"), format_for_path("out.bin")
    ('csv', None)
    """
    return EXTENSIONS.get(Path(path).suffix.lower())


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


def read_array(
    spec: str,
    fmt: str | None = None,
    *,
    what: str = "input",
    stdin: IO[bytes] | None = None,
    channels: str = "grey",
    check: Check | None = None,
) -> tuple[Array, str]:
    """Read the array named by *spec*: a path, ``-`` (stdin), or ``FILE.npz:NAME``.

    Large ``.npy`` files are memory-mapped (read-only). Images are read with *channels*
    (``grey``/``rgb``), their declared size passed to *check* before decoding.
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
        return parse_array(data, fmt, name=name, what=what, channels=channels, check=check)
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(NPY_MAGIC))
            size = os.fstat(handle.fileno()).st_size
            if (fmt or sniff(head)) == "npy" and head == NPY_MAGIC and size >= MMAP_MIN_BYTES:
                return load_npy(path, what, mmap=True), "npy"
            data = head + handle.read()
    except OSError as exc:
        raise ArrayFormatError(f"cannot read the {what} {path!r}: {exc.strerror}") from None
    what = f"{what} {path!r}"
    return parse_array(data, fmt, name=name, what=what, channels=channels, check=check)
