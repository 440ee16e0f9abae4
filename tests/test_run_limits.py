"""``convcalc run`` never ends in a traceback or a hang (issue 14): bounded memory before any
allocation, one ``Error:`` line for hostile input, warnings where PyTorch disagrees, the
example files the manual names.

Every refusal is checked for its exit status, a single ``Error:`` line on stderr, its time
(well under 2 s) and, where it would have allocated gigabytes, its peak memory
(``tracemalloc``, which sees NumPy's allocations).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result

from convcalc.arrays import formats as arrayio
from convcalc.arrays.kernels import MAX_BUILTIN_TAPS, builtin_kernel
from convcalc.cli import cli
from convcalc.errors import ConvcalcError, MemoryLimitError, SpecError
from convcalc.execute import (
    conv,
    conv_transpose,
    max_pool,
    memory_limit,
    padding_only_windows,
)
from convcalc.execute.memory import DEFAULT_MAX_MEMORY, check_memory, current_limit
from convcalc.shape import pool_plan

SECONDS = 2.0
PEAK_BYTES = 64 * 2**20


def run(args: list[str], stdin: str | bytes | None = None) -> tuple[Result, float, int]:
    """``convcalc run ARGS`` in-process: the result, its seconds and its peak traced bytes."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = CliRunner().invoke(cli, ["run", *args], input=stdin)
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, seconds, peak


def assert_one_error(result: Result, seconds: float, peak: int, status: int = 1) -> str:
    """Exit *status*, one ``Error:`` line, no traceback, fast and small; returns the line."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result
    assert result.exit_code == status, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 if status == 1 else lines[-1].startswith("Error:"), result.stderr
    assert lines[-1].startswith("Error: ")
    assert seconds < SECONDS, seconds
    assert peak < PEAK_BYTES, peak
    return lines[-1]


@pytest.mark.parametrize(
    ("stdin", "text"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested more than 32 levels"),
        ("[" * 500 + "1" + "]" * 500, "nested more than 32 levels"),
        ("[" * 33 + "1" + "]" * 33, "nested more than 32 levels"),
        ('{"a": 1}', "not a number"),
        ('["1", 2]', "string '1'"),
        ("[null]", "null"),
        ("１ ２\n", "ASCII digits only"),
        ("1 ٣\n", "ASCII digits only"),
        ("[1, 2", "not valid JSON"),
        ("PK\x03\x04junk", "not a valid .npz file"),
        ("NaN text\n", "'text'"),
    ],
)
def test_hostile_arrays_are_one_error_line(stdin: str, text: str) -> None:
    line = assert_one_error(*run(["conv", "-k", "box3"], stdin))
    assert text in line


def test_huge_and_special_numbers_are_read() -> None:
    """Numbers past float64 are ±inf (a 5000-digit integer costs its digits, no more);
    NaN and Infinity are numbers, as in NumPy."""
    result, seconds, _ = run(["conv", "-k", "[1]"], "[" + "9" * 5000 + ", -" + "9" * 400 + "]")
    assert (result.exit_code, result.stdout, seconds < SECONDS) == (
        0,
        "[Infinity, -Infinity]\n",
        True,
    )
    result, _, _ = run(["conv", "-k", "[1]"], "[NaN, 1e999, 2]")
    assert (result.exit_code, result.stdout) == (0, "[NaN, Infinity, 2]\n")
    assert run(["conv", "-k", "[1]"], "nan 1 # not a comment\n")[0].exit_code == 1
    assert run(["conv", "-k", "[1]"], "# températures\nnan 1\n")[0].stdout == "nan  1\n"


def test_deep_kernel_json_and_huge_builtin_kernels() -> None:
    assert "nested" in assert_one_error(*run(["conv", "-k", "[" * 100_000, "-"], "[1]"))
    deep = "[" * 32 + "1" + "]" * 32
    line = assert_one_error(*run(["conv", "-k", "box3"], deep))
    assert f"more than {MAX_BUILTIN_TAPS}" in line
    with pytest.raises(SpecError, match="5\\^11 taps"):
        builtin_kernel("gaussian5", 11)
    assert builtin_kernel("box3", 15).shape == (3,) * 15 or MAX_BUILTIN_TAPS < 3**15


@pytest.mark.parametrize(
    ("args", "stdin", "size"),
    [
        (["conv", "-k", "box3", "-p", "100000"], "[[1]]", "1×1×199999×199999 cells"),
        (["pool", "-k", "3", "-p", "1000000000000", "-o", "y.npy"], "[1]", "4.85 TiB"),
        (["pool", "--op", "avg", "-k", "3", "-p", "1000000000000"], "[1, 2, 3]", "TiB"),
        (["conv", "-k", "[[1,1,1]]", "-s", "1x1000000", "-p", "0x1000000000"], "[[1]]", "GiB"),
        (
            ["deconv", "-k", "[[1]]", "-s", "1000000x100000", "--output-padding", "999999x99999"],
            "[[1]]",
            "1×1×1000000×100000 cells",
        ),
        (["conv", "-k", "[1]", "-p", "100000000", "--output-format", "text"], "[1]", "GiB"),
    ],
)
def test_oversized_layers_are_refused_before_allocating(
    args: list[str], stdin: str, size: str
) -> None:
    line = assert_one_error(*run([*args, "--max-memory", "4G"], stdin))
    assert size in line and "memory limit of 4 GiB (--max-memory)" in line


def test_unpool_output_is_sized_first(tmp_path: Path) -> None:
    (tmp_path / "idx.json").write_text("[[0, 1]]")
    args = ["unpool", "-k", "100000", "--indices", str(tmp_path / "idx.json")]
    assert "(1×1×100000×200000 cells)" in assert_one_error(*run(args, "[[1, 2]]"))


def test_max_memory_option() -> None:
    """The limit is explicit and named; 'auto' is the default; nonsense is a usage error."""
    image = "\n".join(" ".join(["1"] * 64) for _ in range(64))
    line = assert_one_error(*run(["conv", "-k", "box3", "--max-memory", "16K"], image))
    assert "memory limit of 16 KiB" in line
    assert run(["conv", "-k", "box3", "--max-memory", "auto"], image)[0].exit_code == 0
    assert run(["conv", "-k", "box3", "--max-memory", "3.5MiB"], image)[0].exit_code == 0
    text = assert_one_error(*run(["conv", "-k", "box3", "--max-memory", "2M"], image))
    assert "the text of the output" in text  # refused before the layer runs
    npy = ["conv", "-k", "box3", "--max-memory", "2M", "--output-format", "npy"]
    assert run(npy, image)[0].exit_code == 0
    for bad in ("5X", "-1G", "0", "１G"):
        assert_one_error(*run(["conv", "-k", "box3", "--max-memory", bad], image), status=2)
    assert current_limit() <= DEFAULT_MAX_MEMORY  # the option's limit ends with the command


def test_library_memory_limit() -> None:
    x = np.ones((1, 1, 64, 64))
    with memory_limit(2**14), pytest.raises(MemoryLimitError, match=r"output .* needs 32 KiB"):
        conv(x, np.ones((1, 1, 1, 1)), layout="nchw")
    with memory_limit(2**30), pytest.raises(MemoryLimitError, match="shift-slab workspace"):
        conv(np.ones((1, 1)), np.ones((1, 3)), stride=(1, 10**6), padding=[(0, 0), (10**9,) * 2])
    with memory_limit(2**20):
        assert conv(x, np.ones((1, 1, 3, 3)), layout="nchw").shape == (1, 1, 62, 62)
    with memory_limit(1000), pytest.raises(MemoryLimitError, match="2 KiB in all"):
        check_memory([("a", 1024), ("b", 1024)])


@pytest.mark.parametrize(
    "error",
    [
        MemoryError("Unable to allocate 3 GiB"),
        ValueError("array is too big; `arr.size * arr.dtype.itemsize` is larger than ..."),
    ],
)
def test_numpy_errors_become_one_line(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """Whatever NumPy raises from user input under 'run' is one Error line, exit 1."""
    import convcalc.execute

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(convcalc.execute, "conv", fail)
    line = assert_one_error(*run(["conv", "-k", "[1]"], "[1, 2]"))
    assert str(error).splitlines()[0] in line


def test_pool_warns_where_pytorch_disagrees() -> None:
    """A pad over half the window: PyTorch refuses it; windows of padding only: -inf. The
    answer is still written, exit 0, one warning line."""
    result, seconds, _ = run(["pool", "-k", "2", "-p", "3"], "[1,2,3,4,5]")
    assert (result.exit_code, result.stdout) == (0, "[-Infinity, 1, 3, 5, -Infinity]\n")
    warning = result.stderr.strip().splitlines()
    assert len(warning) == 1 and warning[0].startswith("warning: ")
    assert "over half the window 2" in warning[0] and "2 output cell(s)" in warning[0]
    assert seconds < SECONDS
    avg = run(["pool", "--op", "avg", "--no-count-include-pad", "-k", "2", "-p", "3"], "[1,2]")[0]
    assert "NaN (0/0)" in avg.stderr and avg.exit_code == 0
    for quiet in (["-k", "3", "-p", "1"], ["-k", "2", "-p", "same"], ["-k", "3", "-s", "1"]):
        result = run(["pool", *quiet], "[1,2,3,4,5]")[0]
        assert (result.exit_code, result.stderr) == (0, ""), quiet


@pytest.mark.parametrize("size", [1, 2, 3, 5])
@pytest.mark.parametrize("kernel", [1, 2, 3])
@pytest.mark.parametrize("dilation", [1, 2, 4])
def test_padding_only_windows_matches_the_argmax(size: int, kernel: int, dilation: int) -> None:
    x = np.arange(1.0, size + 1)
    for stride in (1, 2, 3):
        for low in range(5):
            for high in range(5):
                pads = [(low, high)]
                try:
                    plan = pool_plan(
                        (size,), kernel, stride=stride, dilation=dilation, padding=pads
                    )
                except ConvcalcError:
                    continue
                _, argmax = max_pool(
                    x, kernel, stride=stride, dilation=dilation, padding=pads, return_indices=True
                )
                assert padding_only_windows(plan) == int((argmax < 0).sum())


def test_transposed_conv_with_more_phases_than_cells() -> None:
    """A stride far above the kernel: the per-tap col2im, not a loop over every phase."""
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 2)), rng.standard_normal((3, 3))
    start = time.perf_counter()
    single = conv_transpose(x[:1, :1], w, stride=(100_000, 10**12))
    assert time.perf_counter() - start < SECONDS
    np.testing.assert_array_equal(single, x[0, 0] * w)
    with memory_limit(2**20):
        small = conv_transpose(x, w, stride=(70, 80))  # 5600 phases > MAX_PHASES
    expected = np.zeros(small.shape)
    for (i, j), v in np.ndenumerate(x):
        expected[i * 70 : i * 70 + 3, j * 80 : j * 80 + 3] += v * w
    np.testing.assert_array_equal(small, expected)


@pytest.mark.parametrize("fmt", ["npy", "npz", "json", "text", "csv"])
def test_unwritable_outputs_leave_nothing(tmp_path: Path, fmt: str) -> None:
    """-o into a missing folder or onto a folder, --indices likewise: one line, no file."""
    for target in (tmp_path / "missing" / f"y.{fmt}", tmp_path):
        args = ["pool", "-k", "2", "--output-format", fmt, "-o", str(target)]
        assert_one_error(*run(args, "[[1, 2], [3, 4]]"))
        idx = ["--indices", str(tmp_path / "missing" / "i.json"), "-o", str(tmp_path / "y.json")]
        assert_one_error(*run(["pool", "-k", "2", *idx], "[[1, 2], [3, 4]]"))
        assert sorted(p.name for p in tmp_path.iterdir()) == []
    name = "n" * 300
    assert_one_error(*run(["conv", "-k", "[1]", str(tmp_path / name)]))
    assert_one_error(*run(["conv", "-k", "[1]", "-o", str(tmp_path / f"{name}.{fmt}")], "[1]"))
    assert_one_error(*run(["conv", "-k", "[1]", str(tmp_path)]))


def test_example_files_are_the_manuals(tmp_path: Path) -> None:
    """'demo --write-examples DIR' writes the array files of docs/examples/, where the
    manual's and README's examples run (tests/test_docs_examples.py)."""
    examples = Path(__file__).resolve().parents[1] / "docs" / "examples"
    result = CliRunner().invoke(cli, ["demo", "--write-examples", str(tmp_path / "ex")])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "ex"
    for name in ("trains.json", "image.txt", "grid.json", "square.txt"):
        assert (folder / name).read_bytes() == (examples / name).read_bytes()
    again = CliRunner().invoke(cli, ["demo", "--write-examples", str(folder)])
    assert again.exit_code == 0  # same content: rewritten
    (folder / "trains.json").write_text("[9]\n")
    clash = CliRunner().invoke(cli, ["demo", "--write-examples", str(folder)])
    assert clash.exit_code == 1 and "not overwritten" in clash.stderr
    assert (folder / "trains.json").read_text() == "[9]\n"
    nowhere = CliRunner().invoke(cli, ["demo", "--write-examples", str(folder / "image.txt")])
    assert nowhere.exit_code == 1 and nowhere.stderr.startswith("Error: cannot write")


def test_read_array_errors_are_array_format_errors(tmp_path: Path) -> None:
    checks: list[Callable[[], Any]] = [
        lambda: arrayio.read_array(str(tmp_path)),
        lambda: arrayio.parse_array(b"[" * 10_000),
        lambda: arrayio.parse_array("[１]".encode()),
    ]
    for check in checks:
        with pytest.raises(ConvcalcError):
            check()


def _npy_header(shape: tuple[int, ...]) -> bytes:
    """A ``.npy`` header declaring float64 *shape*, with no data after it."""
    import io

    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        head, {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    return head.getvalue()


@pytest.mark.parametrize("shape", [(10**6, 10**6), (1000, 1000), (3,)])
@pytest.mark.parametrize("command", [["run", "pool", "-k", "1"], ["show"]])
def test_a_truncated_npy_is_refused_before_its_declared_array_is_allocated(
    tmp_path: Path, shape: tuple[int, ...], command: list[str]
) -> None:
    """A 128-byte .npy declaring 8 TB (or 8 MB, or 24 bytes) of float64: one line, read from a
    file and from stdin, without allocating what the header declares."""
    path = tmp_path / "huge.npy"
    path.write_bytes(_npy_header(shape))
    for args, stdin in (([str(path)], None), (["-"], path.read_bytes())):
        tracemalloc.start()
        start = time.perf_counter()
        try:
            result = CliRunner().invoke(cli, [*command, *args], input=stdin)
        finally:
            seconds = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        line = assert_one_error(result, seconds, peak)
        assert "truncated .npy file" in line and f"declares {np.prod(shape)} numbers" in line


def test_a_failed_allocation_anywhere_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A MemoryError the memory checks did not foresee ends as one line in every command
    (the top-level group maps it), not only under ``run``."""
    from convcalc.cli import show_cmd

    def fail(*_: object, **__: object) -> None:
        raise MemoryError("Unable to allocate 7.28 TiB")

    monkeypatch.setattr(show_cmd, "print_picture", fail)
    result = CliRunner().invoke(cli, ["show", "-"], input="[1, 2, 3]")
    assert result.exit_code == 1
    assert result.stderr == "Error: not enough memory: Unable to allocate 7.28 TiB\n"


def test_an_npz_member_that_unpacks_past_the_limit_is_refused_unpacked(tmp_path: Path) -> None:
    """64 MiB of zeros compress to about 64 KiB: the member's unpacked size is checked
    against the memory limit before it is decompressed."""
    path = tmp_path / "zeros.npz"
    np.savez_compressed(path, a=np.zeros((4096, 4096), np.float32))
    assert path.stat().st_size < 2**20
    result, seconds, peak = run(["pool", "-k", "1", str(path), "--max-memory", "16M"])
    line = assert_one_error(result, seconds, peak)
    assert ".npz array 'a' (67108992 bytes unpacked)" in line and "memory limit" in line
