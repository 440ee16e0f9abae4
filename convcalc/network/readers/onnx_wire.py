"""An ONNX file read without its weights: the protobuf wire format is walked in the file,
read in small blocks (``ModelProto`` → ``graph`` → each ``initializer``), so a large
initializer keeps its name, dims, data type and storage fields but its values (``raw_data``,
``float_data``, ...) are skipped by length, never copied. Every other byte — nodes,
inputs, outputs, value_info, opsets — is copied and parsed by onnx's own
``ModelProto.FromString``, so the reader sees the same message as ``onnx.load`` gives,
less the values it never reads (a tensor of more than *limit* elements keeps only dims).

Anything the walk does not expect (a truncated or malformed record, a repeated ``graph``
field, a group) returns ``None``: the caller then falls back to ``onnx.load``, which gives
the file's usual error (or reads the odd but valid file whole).

>>> rec = lambda field, body: _key(field, 2) + _varint_bytes(len(body)) + body
>>> big = rec(1, bytes([2, 3])) + _key(2, 0) + b"\\x01" + rec(8, b"w") + rec(9, bytes(24))
>>> graph = rec(5, big) + rec(2, b"g")
>>> _graph(_Source(io.BytesIO(graph)), 0, len(graph), 1) == rec(5, big[:-26]) + rec(2, b"g")
True
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["read_model"]

_DATA = {4: 4, 5: 0, 6: -1, 7: 0, 9: -1, 10: 8, 11: 0}
"""TensorProto value fields → packed element size (0: varints, -1: bytes, unchecked)."""


class _Unsafe(Exception):
    """The walk met something it does not read: fall back to ``onnx.load``."""


class _Source:
    """A binary file read by position: single bytes come from one cached block, so the
    values skipped between two records are never read (nor mapped: a memory map would
    count the file's pages it touches, kernel fault-around included, as resident).

    >>> src = _Source(io.BytesIO(b"abcdef"))
    >>> len(src), src[2], src.read(1, 4)
    (6, 99, b'bcd')
    """

    BLOCK = 1 << 16

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.size = f.seek(0, io.SEEK_END)
        self.start = 0
        self.block = b""

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, pos: int) -> int:
        offset = pos - self.start
        if not 0 <= offset < len(self.block):
            self.start, offset = pos, 0
            self.f.seek(pos)
            self.block = self.f.read(self.BLOCK)
            if not self.block:
                raise _Unsafe
        return self.block[offset]

    def read(self, begin: int, end: int) -> bytes:
        """``file[begin:end]``, read whole (:class:`_Unsafe` when the file is shorter)."""
        self.f.seek(begin)
        data = self.f.read(end - begin)
        if len(data) != end - begin:
            raise _Unsafe
        return data


def read_model(path: Path, limit: int) -> Any:
    """The ``ModelProto`` of *path* with the values of its initializers of more than
    *limit* elements left out; ``None`` when the file is not walked (empty, unreadable,
    malformed, or unusual), for the caller to ``onnx.load`` it instead."""
    try:
        with path.open("rb", buffering=0) as f:
            raw = _model(_Source(f), limit)
    except (OSError, ValueError, _Unsafe):
        return None
    from onnx import ModelProto

    try:
        return ModelProto.FromString(raw)
    except Exception:  # protobuf's DecodeError: onnx.load names it
        return None


def _model(buf: _Source, limit: int) -> bytes:
    """The ModelProto bytes of *buf*, its graph's large initializers without values."""
    pieces: list[bytes] = []
    graphs = 0
    for field, wire, rec, start, end in _fields(buf, 0, len(buf)):
        if field == 7 and wire == 2:
            graphs += 1
            if graphs > 1:  # protobuf merges repeated messages: leave that to onnx.load
                raise _Unsafe
            body = _graph(buf, start, end, limit)
            pieces.append(_key(7, 2) + _varint_bytes(len(body)) + body)
        else:
            pieces.append(buf.read(rec, end))
    return b"".join(pieces)


def _graph(buf: _Source, begin: int, stop: int, limit: int) -> bytes:
    """The GraphProto bytes in ``buf[begin:stop]``, every initializer through
    :func:`_tensor`, every other field copied as it is."""
    pieces: list[bytes] = []
    for field, wire, rec, start, end in _fields(buf, begin, stop):
        if field == 5 and wire == 2:
            body = _tensor(buf, start, end, limit)
            pieces.append(_key(5, 2) + _varint_bytes(len(body)) + body)
        else:
            pieces.append(buf.read(rec, end))
    return b"".join(pieces)


def _tensor(buf: _Source, begin: int, stop: int, limit: int) -> bytes:
    """The TensorProto bytes in ``buf[begin:stop]``; without its value fields when it has
    more than *limit* elements (only its dims are read then).

    >>> t = _key(1, 0) + b"\\x05" + _key(9, 2) + b"\\x05" + bytes(5) + _key(8, 2) + b"\\x01a"
    >>> _tensor(_Source(io.BytesIO(t)), 0, len(t), 4) == t[:2] + t[9:]
    True
    """
    records = list(_fields(buf, begin, stop))
    dims: list[int] = []
    for field, wire, _, start, end in records:
        if field == 1 and wire == 0:
            dims.append(_signed(_varint(buf, start, end)[0]))
        elif field == 1 and wire == 2:
            pos = start
            while pos < end:
                value, pos = _varint(buf, pos, end)
                dims.append(_signed(value))
    if min(dims, default=0) < 0 or math.prod(dims) <= limit:
        return buf.read(begin, stop)
    pieces: list[bytes] = []
    for field, wire, rec, start, end in records:
        size = _DATA.get(field)
        if size is None:
            pieces.append(buf.read(rec, end))
        elif wire == 2 and size > 0 and (end - start) % size:
            raise _Unsafe  # a packed fixed-width field cut mid-value
        elif wire == 2 and size == 0 and end > start and buf[end - 1] >= 0x80:
            raise _Unsafe  # a packed varint field whose last varint is cut
    return b"".join(pieces)


def _fields(buf: _Source, begin: int, stop: int) -> Iterator[tuple[int, int, int, int, int]]:
    """(field number, wire type, record start, value start, value end) of each record of
    the message in ``buf[begin:stop]``; raises :class:`_Unsafe` on a malformed record.

    >>> msg = bytes([0x08, 0x96, 0x01, 0x12, 0x02]) + b"hi"
    >>> list(_fields(_Source(io.BytesIO(msg)), 0, len(msg)))
    [(1, 0, 0, 1, 3), (2, 2, 3, 5, 7)]
    """
    pos = begin
    while pos < stop:
        rec = pos
        key, pos = _varint(buf, pos, stop)
        field, wire = key >> 3, key & 7
        if field == 0:
            raise _Unsafe
        if wire == 0:
            end = _varint(buf, pos, stop)[1]
        elif wire == 1:
            end = pos + 8
        elif wire == 5:
            end = pos + 4
        elif wire == 2:
            length, pos = _varint(buf, pos, stop)
            end = pos + length
        else:  # groups (3, 4) and invalid wire types
            raise _Unsafe
        if end > stop:
            raise _Unsafe
        yield field, wire, rec, pos, end
        pos = end


def _varint(buf: _Source, pos: int, stop: int) -> tuple[int, int]:
    """(value, next position) of the varint at *pos*.

    >>> _varint(_Source(io.BytesIO(bytes([0x96, 0x01]))), 0, 2)
    (150, 2)
    """
    value = shift = 0
    while pos < stop and shift < 70:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
    raise _Unsafe


def _signed(value: int) -> int:
    """An int64 read as a varint (two's complement on 64 bits): ``_signed(2**64 - 1) == -1``."""
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >> 63 else value


def _varint_bytes(value: int) -> bytes:
    """The varint of *value* ≥ 0: ``_varint_bytes(150) == b"\\x96\\x01"``."""
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _key(field: int, wire: int) -> bytes:
    """A record's key: ``_key(7, 2) == b":"`` (field 7, length-delimited)."""
    return _varint_bytes(field << 3 | wire)
