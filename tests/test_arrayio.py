"""Array reading and writing: formats, sniffing, errors, mmap, atomic writes."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import IO, Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

from convcalc.arrays import formats as arrayio
from convcalc.errors import ArrayFormatError


def encode(array: Any, fmt: str) -> bytes:
    stream = io.BytesIO()
    arrayio.write_array(np.asarray(array), fmt, stream)
    return stream.getvalue()


@pytest.mark.parametrize("fmt", ["npy", "npz", "json", "text", "csv"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_roundtrip_every_format(fmt: str, dtype: Any) -> None:
    rng = np.random.default_rng(0)
    a = (rng.standard_normal((3, 4)) * 10.0 ** rng.integers(-6, 6, (3, 4))).astype(dtype)
    a[0, 0], a[0, 1] = 3.0, -0.0
    back, sniffed = arrayio.parse_array(encode(a, fmt))
    assert sniffed == fmt
    assert back.shape == a.shape
    np.testing.assert_array_equal(back.astype(dtype), a)  # shortest text still round-trips


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5)))
def test_float32_text_roundtrip(a: Any) -> None:
    for fmt in ("json", "text"):
        back, _ = arrayio.parse_array(encode(a, fmt))
        np.testing.assert_array_equal(back.astype(np.float32).reshape(a.shape), a)


def test_number_formatting() -> None:
    assert encode([0.0, 1.0, 2.5, 4.0, 1.5], "json") == b"[0, 1, 2.5, 4, 1.5]\n"
    assert encode(np.array([0.1, 1 / 3], np.float32), "json") == b"[0.1, 0.33333334]\n"
    assert encode([-0.0, np.nan, np.inf, -np.inf], "json") == b"[0, NaN, Infinity, -Infinity]\n"
    assert encode([[1.0, -10.5], [100.0, 2.0]], "text") == b"  1  -10.5\n100      2\n"
    assert encode([[1.0, -10.5], [100.0, 2.0]], "csv") == b"1,-10.5\n100,2\n"
    assert encode([[1, 2], [3, 4]], "json") == b"[[1, 2],\n [3, 4]]\n"
    assert encode(np.arange(8).reshape(2, 2, 2), "json") == (
        b"[[[0, 1],\n  [2, 3]],\n\n [[4, 5],\n  [6, 7]]]\n"
    )
    with pytest.raises(ArrayFormatError, match="1-D or 2-D"):
        encode(np.zeros((2, 2, 2)), "text")


@pytest.mark.parametrize(
    ("data", "shape"),
    [
        (b"1 2 3\n", (3,)),
        (b"1\n2\n3\n", (3,)),
        (b"# comment\n1, 2\n\n3, 4\n", (2, 2)),
        (b"1\t2\n3\t4\n", (2, 2)),
        (b"  [[1], [2]]", (2, 1)),
        (b"[true, false]", (2,)),
        (b"[NaN, Infinity]", (2,)),
    ],
)
def test_parse_shapes(data: bytes, shape: tuple[int, ...]) -> None:
    assert arrayio.parse_array(data)[0].shape == shape


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"[[1, 2], [3]]", r"ragged: \[0\] is a list of shape 2 but \[1\] is a list of shape 1"),
        (b"[1, [2]]", "ragged"),
        (b'[1, "a"]', "the string 'a' at \\[1\\]"),
        (b"[1, null]", "null"),
        (b"[1, 2", "not valid JSON"),
        (b"[]", "empty"),
        (b"1 2 3\n4 5\n", "line 2 has 2 values but line 1 has 3"),
        (b"1 2\n3 x\n", "'x' at line 2, column 2"),
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x93NUMPY garbage", "not a valid .npy"),
        (b"\xff\xfe\x00", "UTF-8"),
    ],
)
def test_parse_errors(data: bytes, text: str) -> None:
    with pytest.raises(ArrayFormatError, match=text):
        arrayio.parse_array(data)


def test_forced_json_scalar_is_refused() -> None:
    with pytest.raises(ArrayFormatError, match="single number"):
        arrayio.parse_array(b"5", "json")
    assert arrayio.parse_array(b"5")[0].tolist() == [5.0]  # as text: a 1-element signal


def test_pickled_npy_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "obj.npy"
    np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ArrayFormatError, match="pickled Python objects"):
        arrayio.read_array(str(path))
    with pytest.raises(ArrayFormatError, match="pickled Python objects"):
        arrayio.parse_array(path.read_bytes())
    np.savez(tmp_path / "obj.npz", a=np.array([None], dtype=object))
    with pytest.raises(ArrayFormatError, match="pickled"):
        arrayio.read_array(str(tmp_path / "obj.npz"))


def test_npz_names(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    np.savez(path, conv1=np.ones(2), conv2=np.zeros(3))
    assert arrayio.read_array(f"{path}:conv2")[0].tolist() == [0, 0, 0]
    with pytest.raises(ArrayFormatError, match=r"holds 2 arrays \(conv1, conv2\); pick one"):
        arrayio.read_array(str(path))
    with pytest.raises(ArrayFormatError, match="no array 'conv3'"):
        arrayio.read_array(f"{path}:conv3")
    single = tmp_path / "one.npz"
    np.savez(single, only=np.arange(3.0))
    assert arrayio.read_array(str(single))[0].tolist() == [0, 1, 2]
    data = single.read_bytes()
    assert arrayio.read_array("-:only", stdin=io.BytesIO(data))[0].tolist() == [0, 1, 2]


def test_large_npy_is_memory_mapped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.npy"
    np.save(path, np.arange(1000.0))
    monkeypatch.setattr(arrayio, "MMAP_MIN_BYTES", 1024)
    array, fmt = arrayio.read_array(str(path))
    assert fmt == "npy" and isinstance(array, np.memmap) and not array.flags.writeable
    monkeypatch.setattr(arrayio, "MMAP_MIN_BYTES", 1 << 30)
    assert not isinstance(arrayio.read_array(str(path))[0], np.memmap)


def test_read_errors(tmp_path: Path) -> None:
    with pytest.raises(ArrayFormatError, match="cannot read the input"):
        arrayio.read_array(str(tmp_path / "missing.txt"))
    with pytest.raises(ArrayFormatError, match="nothing arrived on stdin"):
        arrayio.read_array("-", stdin=io.BytesIO(b""))


def test_format_for_path_and_sniff() -> None:
    assert arrayio.format_for_path("a/b.NPY") == "npy"
    assert arrayio.format_for_path("x.tsv") == "text"
    assert arrayio.format_for_path("x") is None
    assert arrayio.sniff(b"1,2\n") == "csv"
    assert arrayio.sniff(b"1 2\n") == "text"
    assert arrayio.sniff(b" [1]") == "json"


def test_write_outputs_is_atomic(tmp_path: Path) -> None:
    good = tmp_path / "good.npy"
    bad = tmp_path / "bad.txt"
    good.write_bytes(b"old")

    def fail(stream: IO[bytes]) -> None:
        stream.write(b"partial")
        raise ArrayFormatError("boom")

    def ok(stream: IO[bytes]) -> None:
        arrayio.write_array(np.ones(2), "npy", stream)

    with pytest.raises(ArrayFormatError, match="boom"):
        arrayio.write_outputs([(str(good), ok), (str(bad), fail)])
    assert good.read_bytes() == b"old"  # untouched
    assert sorted(os.listdir(tmp_path)) == ["good.npy"]  # no temporary left
    arrayio.write_outputs([(str(good), ok)])
    assert np.load(good).tolist() == [1, 1]
    assert oct(good.stat().st_mode & 0o777) != oct(0o600)
    with pytest.raises(ArrayFormatError, match=r"cannot write .*nowhere"):
        arrayio.write_outputs([(str(tmp_path / "nowhere" / "x.npy"), ok)])
