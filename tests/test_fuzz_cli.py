"""Fuzz the command line (issue 14): never a traceback, never a hang.

A Hypothesis strategy draws command lines over the whole CLI grammar (every subcommand and
option, well-formed values mixed with malformed and extreme ones: huge integers, zero and
negative sizes, non-ASCII digits, empty strings, long chain specs, deep JSON on stdin,
paths in directories that do not exist). Each call runs in-process with ``CliRunner``
under an address-space cap and a wall-clock limit, and must end with

- no uncaught exception (only ``SystemExit``),
- exit status 0, 1 or 2, within the time limit,
- on failure exactly one ``Error: ...`` line on stderr; other lines only warnings
  (``warning: ...``, optionally after ``convcalc: ``) or, for a usage error (exit 2),
  Click's ``Usage:`` / ``Try '... -h' for help.`` preamble.

``HYPOTHESIS_PROFILE=thorough`` (see ``conftest.py``) draws 3,000 random command lines per
run instead of a fixed, derandomized quick set; add ``--hypothesis-seed=N`` to vary them.
Every reproducer named in issue 14 is also an explicit regression test below.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gzip
import json
import os
import re
import resource
import shlex
import signal
import sys
import time
import traceback
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TextIO

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from convcalc.cli import cli

# ---------------------------------------------------------------------------------------
# Running one call: time limit, address-space cap, outcome checks
# ---------------------------------------------------------------------------------------

KERAS_FIXTURES = Path(__file__).parent / "fixtures" / "keras"
"""Keras model configs recorded by ``tools/gen_keras_fixtures.py`` (``chain MODEL``)."""

ONNX_FIXTURES = Path(__file__).parent / "fixtures" / "onnx"
"""ONNX models written by ``tools/gen_onnx_fixtures.py`` (``chain MODEL``)."""

TMP = "{TMP}"
"""Placeholder for the per-module scratch directory in generated arguments and stdin."""

FUZZ_TIME_LIMIT = 5.0
"""Seconds one fuzzed call may take."""

HARD_TIME_LIMIT = 120.0
"""Seconds after which a call that the timer could not stop ends the whole test process."""

REGRESSION_TIME_LIMIT = 2.0
"""Seconds each issue-14 reproducer may take once fixed."""

ADDRESS_SPACE_HEADROOM = 2 * 1024**3
"""Virtual memory a call may add to the process. NumPy, OpenBLAS and the executor's worker
threads reserve about 250 MB of address space of which little is touched; 2 GiB above the
current size leaves room for every legitimate call and stops 300 GiB allocations early."""

PEAK_RSS_LIMIT = 200 * 1024**2
"""Resident memory an issue-14 reproducer may add (measured where /proc allows)."""

WARNING_LINE = re.compile(r"^(convcalc: )?warning: ", re.IGNORECASE)

ALLOW_GROUP_HELP = True
"""A group called without a subcommand (``convcalc shape``) prints its help on stderr and
exits 2 with no ``Error:`` line (Click's no_args_is_help). Accepted; set False to demand
one ``Error:`` line there too."""


class CallTimeout(BaseException):
    """Raised by the interval timer inside a call that ran too long. A ``BaseException`` so
    that the application's ``except Exception`` cannot swallow it."""


@dataclass(frozen=True)
class Call:
    """One command line and its stdin (``{TMP}`` stands for the scratch directory)."""

    argv: tuple[str, ...]
    stdin: str | None = None

    def render(self) -> str:
        """The call as a shell command line, with a shortened stdin."""
        line = "convcalc " + shlex.join(self.argv)
        if self.stdin is None:
            return line
        shown = self.stdin if len(self.stdin) <= 60 else f"{self.stdin[:40]}…({len(self.stdin)})"
        return f"{line}  <<< {shown!r}"

    def resolved(self, tmp: Path) -> tuple[list[str], str | None]:
        """argv and stdin with the placeholder replaced by ``tmp``."""
        argv = [a.replace(TMP, str(tmp)) for a in self.argv]
        stdin = None if self.stdin is None else self.stdin.replace(TMP, str(tmp))
        return argv, stdin


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None
    """An uncaught exception (never ``SystemExit``), or ``None``."""
    traceback: str
    seconds: float
    timed_out: bool


def _vm_size() -> int | None:
    """The process's current virtual size in bytes, from /proc (Linux), else None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@contextlib.contextmanager
def address_space_cap(headroom: int) -> Iterator[None]:
    """Cap RLIMIT_AS at the current size plus ``headroom`` (soft limit only; the old soft
    limit is restored on exit). A no-op where the size cannot be read."""
    size = _vm_size()
    old_soft, old_hard = resource.getrlimit(resource.RLIMIT_AS)
    if size is None:
        yield
        return
    cap = size + headroom
    if old_soft != resource.RLIM_INFINITY:
        cap = min(cap, old_soft)
    resource.setrlimit(resource.RLIMIT_AS, (cap, old_hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (old_soft, old_hard))


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`CallTimeout` in the main thread after ``seconds`` of wall time, and again
    every half second after that (a raise that lands in a destructor or a GC callback is
    only printed, not propagated). Past ``HARD_TIME_LIMIT`` (code stuck in C, which the
    timer cannot interrupt) faulthandler dumps every thread's stack and ends the process
    rather than hang the test run."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise CallTimeout(f"over {seconds:g} s")

    old_handler = signal.signal(signal.SIGALRM, expire)
    faulthandler.dump_traceback_later(HARD_TIME_LIMIT, exit=True)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, old_handler)


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _print_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Python's own way of showing a warning (to the current, captured, stderr)."""
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def invoke(call: Call, tmp: Path, seconds: float) -> Outcome:
    """Run ``call`` in-process (cwd = ``tmp``) under the time limit and address-space cap."""
    argv, stdin = call.resolved(tmp)
    runner = CliRunner()
    streams = sys.stdin, sys.stdout, sys.stderr
    start = time.perf_counter()
    try:
        with (
            warnings.catch_warnings(),  # as outside pytest: a warning is printed, not raised
            working_directory(tmp),
            address_space_cap(ADDRESS_SPACE_HEADROOM),
            time_limit(seconds),
        ):
            warnings.simplefilter("default")
            warnings.showwarning = _print_warning
            result = runner.invoke(cli, argv, input=stdin, env={"COLUMNS": "80", "NO_COLOR": "1"})
    except CallTimeout as exc:
        sys.stdin, sys.stdout, sys.stderr = streams  # a late repeat may hit CliRunner's cleanup
        elapsed = time.perf_counter() - start
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return Outcome(-1, "", "", exc, tb, elapsed, True)
    elapsed = time.perf_counter() - start
    exception = None if isinstance(result.exception, SystemExit) else result.exception
    tb = ""
    if exception is not None and result.exc_info is not None:
        tb = "".join(traceback.format_exception(*result.exc_info))
    return Outcome(result.exit_code, result.stdout, result.stderr, exception, tb, elapsed, False)


def problems(outcome: Outcome, seconds: float, *, picture: bool = False) -> list[str]:
    """Everything wrong with one call's outcome (empty when the call behaved). *picture*:
    ``run --show``, whose picture goes to stderr when stdout carries binary data."""
    found: list[str] = []
    if outcome.timed_out:
        return [f"hang: still running after {seconds:g} s"]
    if outcome.exception is not None:
        exc = outcome.exception
        found.append(f"uncaught {type(exc).__name__}: {str(exc)[:200]}")
    if outcome.seconds > seconds:
        found.append(f"slow: {outcome.seconds:.1f} s (limit {seconds:g} s)")
    if outcome.exit_code not in (0, 1, 2):
        found.append(f"exit status {outcome.exit_code}")
    if "Traceback" in outcome.stderr:
        found.append("traceback on stderr")
    if outcome.exit_code == 0 and outcome.exception is None and not picture:
        noise = [
            line
            for line in outcome.stderr.splitlines()
            if not WARNING_LINE.match(line) and not line.startswith("convcalc: ")
        ]
        if noise:
            found.append(f"stray stderr lines after success: {noise[:3]!r}")
    group_help = outcome.exit_code == 2 and outcome.stderr.startswith("Usage: ")
    group_help = (
        group_help and "\nCommands:\n" in outcome.stderr and "Error: " not in outcome.stderr
    )
    if (
        outcome.exit_code != 0
        and outcome.exception is None
        and not (ALLOW_GROUP_HELP and group_help)
    ):
        lines = outcome.stderr.splitlines()
        errors = [line for line in lines if line.startswith("Error: ")]
        if len(errors) != 1:
            found.append(f"{len(errors)} 'Error:' lines on stderr: {outcome.stderr[:200]!r}")
        others = [
            line
            for line in lines
            if not line.startswith("Error: ") and not WARNING_LINE.match(line)
        ]
        if others:
            found.append(f"extra stderr lines: {others[:3]!r}")
    return found


def describe(call: Call, outcome: Outcome, found: Sequence[str]) -> str:
    return (
        f"{call.render()}\n  exit {outcome.exit_code} in {outcome.seconds:.2f} s: "
        + "; ".join(found)
        + (f"\n{outcome.traceback}" if outcome.traceback else "")
    )


# ---------------------------------------------------------------------------------------
# The scratch directory: a few real input files the strategy may name
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with a few inputs (arrays, kernel, pool indices, chain specs)."""
    import numpy as np

    tmp = tmp_path_factory.mktemp("fuzz")
    image = np.arange(36, dtype=np.float64).reshape(6, 6)
    np.save(tmp / "x.npy", image)
    np.save(tmp / "k.npy", np.ones((3, 3)))
    np.savez(tmp / "k.npz", w=np.ones((2, 2)))
    (tmp / "x.json").write_text(json.dumps(image.tolist()))
    (tmp / "x.txt").write_text("1 2 3\n4 5 6\n7 8 9\n")
    _write_images(tmp)
    (tmp / "net.txt").write_text("conv k3 s2 p1 c8\npool max k2\nfc 10\n")
    (tmp / "net.json").write_text("{not json")
    (tmp / "somedir").mkdir()
    keras_config = gzip.decompress((KERAS_FIXTURES / "seq_1d.json.gz").read_bytes())
    (tmp / "model.json").write_bytes(keras_config)
    with zipfile.ZipFile(tmp / "model.keras", "w") as archive:
        archive.writestr("config.json", keras_config)
    with zipfile.ZipFile(tmp / "nocfg.keras", "w") as archive:
        archive.writestr("metadata.json", "{}")
    (tmp / "bytes.keras").write_bytes(bytes(range(256)) * 4)
    for name in ("zoo", "deconvs"):  # symbolic H×W (needs -i), and a fixed-size model
        raw = gzip.decompress((ONNX_FIXTURES / f"{name}.onnx.gz").read_bytes())
        (tmp / f"{name}.onnx").write_bytes(raw)
    (tmp / "cut.onnx").write_bytes(raw[: len(raw) // 2])
    made = CliRunner().invoke(
        cli,
        ["run", "pool", "-k", "2", "--indices", str(tmp / "idx.npy"), "-o", str(tmp / "y.npy")],
        input=json.dumps(image.tolist()),
    )
    assert made.exit_code == 0, made.output
    return tmp


IMAGE_FILES = [f"{TMP}/{name}" for name in ("photo.png", "grey.png", "cut.png", "bomb.png")]


def _write_images(tmp: Path) -> None:
    """Images for ``run`` (issue 20): RGB, greyscale, truncated, and a decompression bomb
    (a PNG header declaring 100000×100000 pixels)."""
    import struct
    import zlib

    import numpy as np
    from PIL import Image

    rgb = (np.arange(6 * 7 * 3).reshape(6, 7, 3) * 5 % 256).astype(np.uint8)
    Image.fromarray(rgb).save(tmp / "photo.png")
    Image.fromarray(rgb).convert("L").save(tmp / "grey.png")
    data = (tmp / "photo.png").read_bytes()
    (tmp / "cut.png").write_bytes(data[: len(data) // 2])

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    (tmp / "bomb.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
    )


# ---------------------------------------------------------------------------------------
# The strategy: the CLI grammar with well-formed, malformed and extreme values
# ---------------------------------------------------------------------------------------

SMALL = st.integers(1, 9).map(str)
MEDIUM = st.integers(0, 300).map(str)
EXTREME = st.sampled_from(
    [
        "0",
        "-1",
        "-7",
        "1000000",
        "100000000",
        "10000000",
        str(2**31),
        str(2**32),
        str(2**40),
        str(2**62),
        str(2**63),
        str(2**64),
        str(10**12),
        str(10**30),
        "9" * 400,
    ]
)
MALFORMED = st.sampled_from(
    [
        "",
        " ",
        "５",
        "٣",
        "３x３",
        "²",
        "½",
        "1.5",
        "1e3",
        "0x10",
        "+3",
        "-0",
        " 3",
        "3 ",
        "x",
        "3x",
        "x3",
        "3xx3",
        "3,3",
        "3X3",
        "3×3",
        "nan",
        "inf",
        "∞",
        "3\x00",
        "3\n4",
        "2x2x2x2",
        "1x2x3x4x5x6",
        "-",
        "--",
    ]
)
WILDNESS = st.shared(st.integers(0, 2), key="wildness")
"""Drawn once per command line: 0 keeps every value well-formed (so that calls get past
option parsing into the engine), 1 and 2 mix in extreme and malformed values."""

AXES = st.shared(st.integers(1, 3), key="axes")
"""Drawn once per command line: the spatial axes of its well-formed sizes and arrays."""


def clean_or_wild(
    clean: st.SearchStrategy[str], wild: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    """``clean`` in a well-formed command line, else ``wild``."""
    return WILDNESS.flatmap(lambda w: clean if w == 0 else wild)


NUMBER = WILDNESS.flatmap(
    lambda wild: (
        st.one_of(SMALL, SMALL, MEDIUM)
        if wild == 0
        else st.one_of(SMALL, SMALL, SMALL, SMALL, SMALL, MEDIUM, EXTREME, EXTREME, MALFORMED)
    )
)
"""One integer-ish token: mostly small and valid, sometimes extreme or malformed."""


def sizes(max_axes: int = 3) -> st.SearchStrategy[str]:
    """A SIZES value such as 13 or 5x5: ``x``-joined numbers, sometimes malformed."""
    joined = st.lists(NUMBER, min_size=1, max_size=max_axes).map("x".join)
    same_small = st.tuples(SMALL, st.integers(1, max_axes)).map(lambda t: "x".join([t[0]] * t[1]))
    wild = st.one_of(joined, same_small, same_small, joined, MALFORMED)
    per_axis = AXES.flatmap(
        lambda n: (
            st.lists(NUMBER, min_size=n, max_size=n).map("x".join) if n <= max_axes else NUMBER
        )
    )
    return clean_or_wild(st.one_of(NUMBER, per_axis, per_axis), wild)


PAD_WORD = st.sampled_from(
    ["valid", "same", "same-lower", "full", "causal", "SAME", "Valid", "same_lower", "ｓａｍｅ"]
)
PAD_PAIR = st.one_of(NUMBER, st.tuples(NUMBER, NUMBER).map(":".join))
PAD_GOOD = st.sampled_from(["valid", "same", "same-lower", "full", "causal"])
PADDING = WILDNESS.flatmap(
    lambda wild: (
        st.one_of(PAD_GOOD, PAD_GOOD, SMALL, st.tuples(SMALL, SMALL).map(":".join))
        if wild == 0
        else st.one_of(
            PAD_WORD,
            PAD_WORD,
            NUMBER,
            st.lists(PAD_PAIR, min_size=1, max_size=3).map("x".join),
            st.sampled_from(["::", "1:", ":1", "1:2:3", "same:1", "1x", "1:2x", "x1", "p1", ""]),
        )
    )
)

PATH_NAMES = ["out", "nodir/out", "somedir", "nodir/deeper/out", "a" * 300, "ü n/i"]


def out_path(extensions: Sequence[str]) -> st.SearchStrategy[str]:
    """An output path inside the scratch directory (absolute or relative to it)."""
    exts = st.sampled_from([*extensions, "", ".weird", ".NPY"])
    names = st.sampled_from(PATH_NAMES)
    absolute = st.booleans()
    return st.builds(
        lambda name, ext, ab: (
            (f"{TMP}/" if ab else "") + (name + ext if name != "somedir" else name)
        ),
        names,
        exts,
        absolute,
    )


def json_array(max_axes: int = 3) -> st.SearchStrategy[str]:
    """Small, mostly rectangular JSON arrays with ordinary and awkward numbers."""
    value = st.one_of(
        st.integers(-5, 5),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.sampled_from([1e308, -1e308, 5e-324]),
    )
    wild_shape = st.lists(st.integers(0, 6), min_size=1, max_size=max_axes)
    clean_shape = AXES.flatmap(
        lambda n: (
            st.lists(st.integers(1, 6), min_size=n, max_size=n) if n <= max_axes else wild_shape
        )
    )
    shape = WILDNESS.flatmap(lambda w: clean_shape if w == 0 else wild_shape)

    def fill(dims: list[int], draw: st.DrawFn) -> object:
        if len(dims) == 1:
            return [draw(value) for _ in range(dims[0])]
        return [fill(dims[1:], draw) for _ in range(dims[0])]

    @st.composite
    def array(draw: st.DrawFn) -> str:
        return json.dumps(fill(draw(shape), draw))

    return array()


def deep(n: int) -> str:
    return "[" * n + "1" + "]" * n


ARRAY_TEXT = clean_or_wild(
    json_array(),
    st.one_of(
        json_array(),
        json_array(),
        json_array(),
        st.sampled_from(
            [
                "",
                "[]",
                "[[]]",
                "[[1,2],[3]]",
                "[1, 2, 3, 4, 5]",
                "[[1]]",
                "[NaN, Infinity, -Infinity]",
                "[1e999]",
                '["a", "b"]',
                "[true, null]",
                "1 2 3\n4 5 6\n",
                "1,2,3\n4,5,6\n",
                "1 2\n3\n",
                "５ ６\n",
                "\x93NUMPY garbage",
                "PK\x03\x04",
                "{}",
                '{"a": [1]}',
                "[" * 10 + "]" * 9,
                "[" * 100000 + "]" * 100000,
                deep(40),
                deep(1000),
                deep(100000),
            ]
        ),
        st.text(max_size=40),
    ),
)

CLEAN_KERNEL = AXES.flatmap(
    lambda n: (
        st.one_of(
            st.sampled_from(["sobel-x", "sobel-y", "laplacian", "box3", "gaussian5", "identity"]),
            json_array(2),
        )
        if n == 2
        else json_array(3)
    )
)
RUN_KERNEL_WILD = st.one_of(
    st.sampled_from(
        ["sobel-x", "sobel-y", "laplacian", "box3", "box5", "gaussian3", "gaussian5", "identity"]
    ),
    json_array(2),
    st.sampled_from(
        [
            "[0,1,0.5]",
            "[[1,0,-1],[2,0,-2],[1,0,-1]]",
            "[]",
            "[[1],[2,3]]",
            "",
            "nope.npy",
            f"{TMP}/k.npy",
            f"{TMP}/k.npz:w",
            f"{TMP}/k.npz:missing",
            f"{TMP}/nodir/k.npy",
            f"{TMP}/grey.png",
            "box3x",
            deep(100000),
        ]
    ),
)
RUN_KERNEL = clean_or_wild(CLEAN_KERNEL, RUN_KERNEL_WILD)

INPUT_FILE = st.sampled_from(
    [
        f"{TMP}/x.npy",
        f"{TMP}/x.json",
        f"{TMP}/x.txt",
        "x.npy",
        "missing.npy",
        "-",
        f"{TMP}/somedir",
        *IMAGE_FILES,
    ]
)


@dataclass(frozen=True)
class Opt:
    """One option: its spelling, a value strategy (None for a flag), and how often it is
    given (required options almost always)."""

    name: str
    value: st.SearchStrategy[str] | None = None
    required: bool = False


@st.composite
def options(draw: st.DrawFn, opts: Sequence[Opt]) -> list[str]:
    """The options of one subcommand in a random order, plus now and then a stray token."""
    groups: list[list[str]] = []
    for opt in opts:
        given_ = draw(st.integers(0, 19)) < (19 if opt.required else 6)
        if given_:
            groups.append([opt.name] if opt.value is None else [opt.name, draw(opt.value)])
    groups = list(draw(st.permutations(groups))) if groups else groups
    argv = [word for group in groups for word in group]
    if draw(WILDNESS) and draw(st.integers(0, 19)) == 0:
        junk = st.sampled_from(["--bogus", "extra", "-k", "--", "-h", "--json", "-z", "３"])
        argv.insert(draw(st.integers(0, len(argv))), draw(junk))
    return argv


GEOMETRY = [
    Opt("-k", sizes(), required=True),
    Opt("-s", sizes()),
    Opt("-d", sizes()),
    Opt("-p", PADDING),
]
REPORT = [Opt("--json"), Opt("--explain")]
POOL_EXTRA = [
    Opt("--ceil-mode"),
    Opt("--type", clean_or_wild(st.sampled_from(["max", "avg"]), st.sampled_from(["sum", ""]))),
    Opt("--count-include-pad"),
    Opt("--no-count-include-pad"),
]
DECONV_EXTRA = [Opt("--output-padding", sizes()), Opt("--output-size", sizes())]
INPUT = Opt("-i", sizes(), required=True)


def simple(prefix: Sequence[str], opts: Sequence[Opt]) -> st.SearchStrategy[Call]:
    return options(opts).map(lambda argv: Call((*prefix, *argv)))


SCALES = clean_or_wild(
    st.sampled_from(["2", "0.5", "1.5x2", "3", "0.7", "2x2x2"]),
    st.sampled_from(["0", "-1", "nan", "inf", "1e300", "x", "", "1x2x3x4", "２", "1e-300"]),
)
RESIZE = [
    Opt("--size", sizes()),
    Opt("--scale", SCALES),
    Opt("--mode", st.sampled_from(["nearest", "nearest-exact", "linear", "cubic", "area", "x"])),
    Opt("--convention", st.sampled_from(["torch", "tf", "tf1", "keras", "onnx", "opencv",
                                         "pil", "jax", "x"])),
    Opt("--align-corners"),
    Opt("--half-pixel-centers"),
    Opt("--recompute-scale-factor"),
    Opt("--coordinate-mode", st.sampled_from(["half_pixel", "asymmetric", "align_corners",
                                              "pytorch_half_pixel", "half_pixel_symmetric"])),
    Opt("--nearest-mode", st.sampled_from(["round_prefer_floor", "floor", "ceil", "x"])),
    Opt("--cubic-a", st.one_of(st.sampled_from(["-0.5", "-0.75", "nan", "inf", "x"]), NUMBER)),
    Opt("--exclude-outside"),
    Opt("--antialias"),
    Opt("--no-antialias"),
]  # fmt: skip

SHAPE = st.one_of(
    simple(["shape", "resize"], [INPUT, *RESIZE, *REPORT]),
    simple(["shape", "conv"], [INPUT, *GEOMETRY, *REPORT]),
    simple(["shape", "pool"], [INPUT, *GEOMETRY, *POOL_EXTRA[:1], *REPORT]),
    simple(["shape", "deconv"], [INPUT, *GEOMETRY, *DECONV_EXTRA, *REPORT]),
    simple(["shape", "invert"], [Opt("-o", sizes(), required=True), *GEOMETRY, *REPORT]),
)

FRAMEWORKS_LIST = st.one_of(
    st.lists(
        st.sampled_from(["tf", "keras", "torch", "onnx", "jax", "scipy", "caffe", "mxnet"]),
        max_size=4,
    ).map(",".join),
    st.just(""),
)
COMPARE_EXTRA = [*REPORT, Opt("--frameworks", FRAMEWORKS_LIST)]
COMPARE = st.one_of(
    simple(["compare", "resize"], [INPUT, *RESIZE[:3], Opt("--json")]),
    simple(["compare", "conv"], [INPUT, *GEOMETRY, *COMPARE_EXTRA]),
    simple(["compare", "pool"], [INPUT, *GEOMETRY, *POOL_EXTRA, *COMPARE_EXTRA]),
    simple(["compare", "deconv"], [INPUT, *GEOMETRY, *DECONV_EXTRA, *COMPARE_EXTRA]),
)

FRAMEWORK = clean_or_wild(
    st.sampled_from(["tf", "keras", "torch", "onnx"]), st.sampled_from(["tf", "jax", "TF", ""])
)
PORT_EXTRA = [Opt("--json"), Opt("--check")]


@st.composite
def port_call(draw: st.DrawFn) -> Call:
    kind = draw(st.sampled_from(["conv", "pool", "deconv", "resize"]))
    if kind == "resize":
        argv = draw(
            options([INPUT, *[o for o in RESIZE if o.name != "--convention"], Opt("--json")])
        )
        return Call(("port", "--from", draw(FRAMEWORK), "--to", draw(FRAMEWORK), kind, *argv))
    extra = {"conv": [], "pool": POOL_EXTRA, "deconv": DECONV_EXTRA}[kind]
    argv = draw(options([INPUT, *GEOMETRY, *extra, *PORT_EXTRA]))
    return Call(("port", "--from", draw(FRAMEWORK), "--to", draw(FRAMEWORK), kind, *argv))


MODEL_FILE = st.sampled_from(
    [
        f"{TMP}/model.json",
        f"{TMP}/model.keras",
        f"{TMP}/bytes.keras",
        f"{TMP}/zoo.onnx",
        f"{TMP}/deconvs.onnx",
        f"{TMP}/cut.onnx",
        "missing.onnx",
    ]
)


@st.composite
def port_model_call(draw: st.DrawFn) -> Call:
    """``port MODEL --to FW``: the whole-model audit (issue 15)."""
    argv = draw(options([Opt("-i", sizes(4)), Opt("--json"), Opt("--all")]))
    words = [draw(MODEL_FILE), "--to", draw(FRAMEWORK), *argv]
    if draw(st.booleans()):
        words = words[1:3] + words[:1] + words[3:]
    return Call(("port", *words))


SOLVE_LIMITS = [
    Opt("--max-kernel", clean_or_wild(st.integers(1, 64).map(str), st.one_of(MEDIUM, NUMBER))),
    Opt("--max-stride", clean_or_wild(st.integers(1, 64).map(str), st.one_of(MEDIUM, NUMBER))),
    Opt("--max-dilation", clean_or_wild(st.integers(1, 16).map(str), NUMBER)),
    Opt("--limit", NUMBER),
    Opt("--json"),
]
SOLVE_FIXED = [
    Opt("-k", sizes()),
    Opt("-s", sizes()),
    Opt("-d", sizes()),
    Opt("-p", PADDING),
]
SOLVE = st.one_of(
    *[
        simple(
            ["solve", kind],
            [
                Opt("-i", sizes(2), required=True),
                Opt("--to", sizes(2), required=True),
                *SOLVE_FIXED,
                *SOLVE_LIMITS,
                *([Opt("--ceil-mode")] if kind == "pool" else []),
            ],
        )
        for kind in ("conv", "deconv", "pool")
    ]
)

EXPLORE_VIEW = ("--step", "--at", "--no-color")
DIAGRAM_VIEW = [
    Opt("--step", NUMBER),
    Opt("--at", st.one_of(st.tuples(NUMBER, NUMBER).map(",".join), NUMBER)),
    Opt("--all"),
    Opt("--animate"),
    Opt("--delay", clean_or_wild(st.just("0"), st.sampled_from(["0.01", "-1", "nan", "1e9"]))),
    Opt("--values", st.one_of(json_array(2), st.sampled_from(["-", f"{TMP}/x.json", "nope.json"]))),
    Opt("--no-color"),
    Opt("-w", clean_or_wild(st.integers(20, 200).map(str), st.one_of(MEDIUM, NUMBER))),
    Opt("--save", out_path([".svg", ".html", ".txt"])),
]


@st.composite
def diagram_call(draw: st.DrawFn) -> Call:
    kind = draw(st.sampled_from(["conv", "pool", "deconv", "resize"]))
    if kind == "resize":
        return Call(("diagram", "resize", *draw(options([INPUT, *RESIZE]))))
    extra = {
        "conv": [Opt("--kernel-values", json_array(2))],
        "pool": POOL_EXTRA,
        "deconv": [*DECONV_EXTRA, Opt("--kernel-values", json_array(2))],
    }[kind]
    argv = draw(options([Opt("-i", sizes(), required=True), *GEOMETRY, *extra, *DIAGRAM_VIEW]))
    stdin = draw(ARRAY_TEXT) if "-" in argv else None
    return Call(("diagram", kind, *argv), stdin)


EXPLORE = st.one_of(
    st.just(Call(("explore",))),
    *[
        simple(
            ["explore", kind],
            [INPUT, *GEOMETRY, *extra, *[o for o in DIAGRAM_VIEW if o.name in EXPLORE_VIEW]],
        )
        for kind, extra in (("conv", []), ("pool", POOL_EXTRA), ("deconv", DECONV_EXTRA))
    ],
)
"""``convcalc explore``: never a terminal here, so every call ends in a usage error (exit 2)."""


IMAGE_EXTENSIONS = [".png", ".jpg", ".tif", ".bmp", ".webp"]
IMAGE_FORMAT_NAMES = ["png", "jpeg", "tiff", "bmp", "webp"]
MAX_MEMORY = Opt(
    "--max-memory",
    clean_or_wild(
        st.sampled_from(["auto", "1K", "64M", "512M", "2G", "4096"]),
        st.sampled_from(["0", "-1", "1.5G", "9" * 40 + "G", "lots", "", "1e9", "1T"]),
    ),
)
"""``run``'s and ``show``'s memory limit: tiny limits refuse, huge ones are capped."""

RUN_IO = [
    MAX_MEMORY,
    Opt("-o", out_path([".npy", ".npz", ".json", ".txt", ".csv", *IMAGE_EXTENSIONS])),
    Opt(
        "--format",
        st.sampled_from(
            ["auto", "npy", "npz", "json", "text", "csv", "xml", *IMAGE_FORMAT_NAMES, "gif"]
        ),
    ),
    Opt(
        "--output-format",
        st.sampled_from(["npy", "npz", "json", "text", "csv", *IMAGE_FORMAT_NAMES]),
    ),
    Opt("--channels", clean_or_wild(st.just("grey"), st.sampled_from(["grey", "rgb", "RGB", ""]))),
    Opt("--normalize", st.sampled_from(["auto", "minmax", "abs", "clip", "x"])),
    Opt("--show"),
    Opt(
        "--bit-depth", clean_or_wild(st.sampled_from(["8", "16"]), st.one_of(NUMBER, st.just("16")))
    ),
    Opt("--precision", clean_or_wild(st.integers(1, 17).map(str), NUMBER)),
    Opt(
        "--layout",
        clean_or_wild(
            st.just("plain"),
            st.sampled_from(["plain", "ncw", "nchw", "ncdhw", "nwc", "nhwc", "ndhwc"]),
        ),
    ),
]
RUN_KERNELED = [
    Opt("-k", RUN_KERNEL, required=True),
    Opt("-b", st.one_of(st.sampled_from(["0", "1.5", "[1,2]", "nan", "", "x"]), NUMBER)),
    Opt("-g", NUMBER),
    Opt("-s", sizes()),
    Opt("-d", sizes()),
    Opt("-p", PADDING),
]


@st.composite
def run_call(draw: st.DrawFn) -> Call:
    kind = draw(st.sampled_from(["conv", "deconv", "pool", "unpool", "resize"]))
    extra = {
        "conv": [
            *RUN_KERNELED,
            Opt("--padding-mode", st.sampled_from(["zeros", "reflect", "replicate", "circular"])),
            Opt("--flip"),
        ],
        "deconv": [*RUN_KERNELED, *DECONV_EXTRA],
        "pool": [
            *GEOMETRY,
            *POOL_EXTRA,
            Opt("--indices", out_path([".npy", ".json", ".txt"])),
        ],
        "unpool": [
            Opt("-k", sizes(), required=True),
            Opt("-s", sizes()),
            Opt("-p", PADDING),
            Opt(
                "--indices",
                st.sampled_from([f"{TMP}/idx.npy", f"{TMP}/x.npy", "nope.npy", f"{TMP}/x.json"]),
                required=True,
            ),
            Opt("--output-size", sizes()),
        ],
        "resize": RESIZE,
    }[kind]
    argv = draw(options([*RUN_IO, *extra]))
    if draw(st.integers(0, 3)) == 0:
        argv.append(draw(INPUT_FILE))
        stdin = draw(ARRAY_TEXT) if argv[-1] == "-" else None
    else:
        stdin = draw(ARRAY_TEXT)
    if kind == "unpool" and draw(st.booleans()):
        stdin, argv = None, [*argv, f"{TMP}/y.npy"]
    return Call(("run", kind, *argv), stdin)


SHOW_FILE = st.sampled_from(
    [*IMAGE_FILES, f"{TMP}/x.npy", f"{TMP}/x.json", f"{TMP}/x.txt", f"{TMP}/k.npz:w",
     f"{TMP}/idx.npy", "missing.png", f"{TMP}/somedir", "-"]
)  # fmt: skip
SHOW_OPTIONS = [
    MAX_MEMORY,
    Opt("-w", clean_or_wild(st.integers(4, 200).map(str), st.one_of(MEDIUM, NUMBER))),
    Opt("--height", clean_or_wild(st.integers(1, 60).map(str), NUMBER)),
    Opt("--layout", st.sampled_from(["plain", "ncw", "nchw", "ncdhw", "nwc", "nhwc", "ndhwc"])),
    Opt("--axes", sizes(3)),
    Opt("--at", sizes(4)),
    Opt("--cmap", st.sampled_from(["auto", "viridis", "diverging", "grey", "rgb", "x"])),
    Opt("--format", st.sampled_from(["auto", "npy", "json", "text", "png", "jpeg", "xml"])),
    Opt("--no-color"),
]


@st.composite
def show_call(draw: st.DrawFn) -> Call:
    """``show [FILE]``: any array or image file drawn in the terminal (issue 20)."""
    argv = draw(options(SHOW_OPTIONS))
    if draw(st.integers(0, 3)) == 0:
        return Call(("show", *argv), draw(ARRAY_TEXT))
    path = draw(SHOW_FILE)
    return Call(("show", *argv, path), draw(ARRAY_TEXT) if path == "-" else None)


MATRIX_VIEW = [
    Opt("--transpose"),
    Opt("--json"),
    Opt("--save", out_path([".npy", ".npz", ".json", ".txt", ".csv"])),
    Opt("--check"),
    Opt("--pads"),
    Opt("--max-cells", clean_or_wild(st.integers(1, 10**6).map(str), NUMBER)),
    Opt("-w", clean_or_wild(st.integers(20, 200).map(str), st.one_of(MEDIUM, NUMBER))),
]
MATRIX_GEOMETRY = [Opt("-i", sizes(), required=True), *GEOMETRY]
MATRIX_KERNEL = Opt("--kernel", RUN_KERNEL)


@st.composite
def matrix_call(draw: st.DrawFn) -> Call:
    kind = draw(st.sampled_from(["conv", "deconv", "pool"]))
    extra = {
        "conv": [MATRIX_KERNEL],
        "deconv": [*DECONV_EXTRA, MATRIX_KERNEL],
        "pool": [*POOL_EXTRA[:1], *POOL_EXTRA[2:]],
    }[kind]
    argv = draw(options([*MATRIX_GEOMETRY, *extra, *MATRIX_VIEW]))
    if kind == "pool":
        op = clean_or_wild(st.just("avg"), st.sampled_from(["avg", "max", "sum", ""]))
        argv = [draw(op), *argv]
    return Call(("matrix", kind, *argv))


LAYER = st.one_of(
    st.tuples(
        st.sampled_from(["conv", "deconv", "pool max", "pool avg"]),
        st.lists(
            st.one_of(
                st.tuples(st.sampled_from(["k", "s", "d", "c", "g", "op", "x"]), NUMBER).map(
                    "".join
                ),
                st.tuples(st.just("p"), PADDING).map("".join),
                st.sampled_from(["same", "valid", "ceil", "dw", "nobias", "bn", "@a", "full"]),
            ),
            max_size=5,
        ).map(" ".join),
    ).map(" ".join),
    st.tuples(
        st.sampled_from(["upsample f", "fc ", "adaptive avg o", "upsample f2 x"]), NUMBER
    ).map("".join),
    st.tuples(
        st.sampled_from(["upsample f", "upsample o", "upsample f1.", "upsample f0.", "conv k3 f"]),
        NUMBER,
        st.sampled_from(["", " linear", " bilinear align", " cubic", " nearest align", " area"]),
        st.sampled_from(["", " nearest-exact", " align", " trilinear", " bicubic", " o4"]),
        st.sampled_from(["", "", " opencv", " tf", " tf1", " keras", " onnx", " pil", " jax"]),
    ).map("".join),
    st.sampled_from(
        [
            "gap",
            "flatten",
            "bn",
            "relu",
            "dropout",
            "add a",
            "cat a",
            "cat a crop",
            "res[conv k3 p1",
        ]
    ),
    st.just("res[conv k3 p1 c8 | conv k1 c8]"),
)


@st.composite
def chain_spec(draw: st.DrawFn) -> str:
    layers = draw(st.lists(LAYER, min_size=1, max_size=6))
    if draw(st.integers(0, 4)) == 0:  # a long spec: over 255 characters
        layers = layers * (300 // max(1, len(", ".join(layers))) + 1)
    return draw(st.sampled_from([", ", ",", "\n", "; "])).join(layers)


CHAIN_SPEC = st.one_of(
    chain_spec(),
    chain_spec(),
    st.sampled_from(["resnet18", "resnet-stem", "vgg16", "unet", "RESNET18", "resnet"]),
    st.sampled_from([f"{TMP}/net.txt", f"{TMP}/net.json", "missing.json", f"{TMP}/somedir", ""]),
    st.sampled_from(
        [
            f"{TMP}/model.json",
            f"{TMP}/model.keras",
            f"{TMP}/nocfg.keras",
            f"{TMP}/bytes.keras",
            "missing.keras",
            f"{TMP}/zoo.onnx",
            f"{TMP}/zoo.onnx",
            f"{TMP}/deconvs.onnx",
            f"{TMP}/cut.onnx",
            "missing.onnx",
        ]
    ),
    st.sampled_from(
        [
            "deconv k4 s2 p1 x18",
            "upsample f2 x20",
            "conv k3 p1 c8 x1000",
            "conv k3 " * 60,
            "x" * 300,
        ]
    ),
)


@st.composite
def chain_call(draw: st.DrawFn) -> Call:
    argv = draw(
        options(
            [
                Opt("-i", sizes(4)),
                Opt("--dims", NUMBER),
                Opt("--channels-first"),
                Opt("--list"),
                Opt("--json"),
                Opt("--all"),
                Opt("-i", sizes(4)),
            ]
        )
    )
    specs = draw(st.lists(CHAIN_SPEC, max_size=2))
    return Call(("chain", *argv, *specs))


MISC = st.one_of(
    st.just(Call(("demo",))),
    st.sampled_from(["bash", "zsh", "fish", "powershell", ""]).map(
        lambda shell: Call(("completion", shell))
    ),
    st.sampled_from(
        [
            Call(()),
            Call(("--version",)),
            Call(("-h",)),
            Call(("bogus",)),
            Call(("shape",)),
            Call(("run", "conv")),
            Call(("solve", "conv", "--help")),
            Call(("diagram", "conv", "-k", "3")),
        ]
    ),
)

CALLS: st.SearchStrategy[Call] = st.one_of(
    SHAPE, SHAPE, COMPARE, port_call(), port_model_call(), SOLVE, SOLVE, diagram_call(),
    diagram_call(), run_call(), run_call(), run_call(), chain_call(), chain_call(),
    matrix_call(), matrix_call(), EXPLORE, show_call(), MISC,
)  # fmt: skip
"""One command line over the whole grammar, weighted towards the commands with most
options."""


# ---------------------------------------------------------------------------------------
# The property
# ---------------------------------------------------------------------------------------

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
FUZZ_SETTINGS = settings(
    max_examples=1000 if PROFILE == "default" else settings.get_profile(PROFILE).max_examples,
    derandomize=PROFILE == "default",
    deadline=None,
    # Quick: no shrinking (a hang costs 5 s per shrink step); the failing line is printed whole.
    phases=[Phase.explicit, Phase.reuse, Phase.generate] if PROFILE == "default" else list(Phase),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    print_blob=True,
)
"""Quick (default profile): 1,000 fixed command lines, the same on every run. Thorough
(``HYPOTHESIS_PROFILE=thorough``): 3,000 fresh ones per run."""


@FUZZ_SETTINGS
@given(call=CALLS)
def test_fuzz_cli(scratch: Path, call: Call) -> None:
    outcome = invoke(call, scratch, FUZZ_TIME_LIMIT)
    _count(call, outcome)
    found = problems(outcome, FUZZ_TIME_LIMIT, picture="--show" in call.argv)
    assert not found, describe(call, outcome, found)


FUZZ_STATS: dict[str, object] = {}
"""Figures of this run's fuzzing (calls, exit statuses, uncaught, hangs, slowest call);
conftest.py prints them in the terminal summary."""


def _count(call: Call, outcome: Outcome) -> None:
    def bump(key: str) -> None:
        old = FUZZ_STATS.get(key, 0)
        FUZZ_STATS[key] = (old if isinstance(old, int) else 0) + 1

    bump("calls")
    bump("hangs" if outcome.timed_out else f"exit {outcome.exit_code}")
    if outcome.exception is not None and not outcome.timed_out:
        bump("uncaught")
    slowest = FUZZ_STATS.get("slowest seconds", 0.0)
    if not isinstance(slowest, float) or outcome.seconds > slowest:
        FUZZ_STATS["slowest seconds"] = round(outcome.seconds, 3)
        FUZZ_STATS["slowest call"] = call.render()


def test_fuzz_harness_catches_a_hang(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The timer interrupts a call and counts it as a hang (guards the harness itself):
    the command's engine call is replaced by an endless loop."""
    from convcalc.shape import invert

    def endless(*args: object, **kwargs: object) -> None:
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(invert, "invert_plan", endless)
    outcome = invoke(Call(("shape", "invert", "-o", "3", "-k", "3")), scratch, 0.2)
    assert outcome.timed_out
    assert problems(outcome, 0.2) == ["hang: still running after 0.2 s"]


def test_fuzz_harness_accepts_clean_errors(scratch: Path) -> None:
    usage = invoke(Call(("shape", "conv", "-i", "5", "-k", "x")), scratch, FUZZ_TIME_LIMIT)
    assert usage.exit_code == 2 and problems(usage, FUZZ_TIME_LIMIT) == []
    data = invoke(Call(("shape", "conv", "-i", "5", "-k", "9")), scratch, FUZZ_TIME_LIMIT)
    assert data.exit_code == 1 and problems(data, FUZZ_TIME_LIMIT) == []


# ---------------------------------------------------------------------------------------
# Issue 14's reproducers, one regression test each
# ---------------------------------------------------------------------------------------


def _peak_rss_tracking() -> Callable[[], int | None]:
    """Reset the peak-RSS counter (Linux clear_refs) and return a function giving the
    growth since; the function returns None where the counter cannot be reset."""

    def hwm() -> int | None:
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None

    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return lambda: None
    base = hwm()
    return lambda: None if base is None or (now := hwm()) is None else now - base


LONG_CHAIN = "conv k3 p1 c8, " * 20 + "conv k3 p1 c8"
NOT_FIXED = "issue 14: not fixed yet"

# expect: "error" (exit 1 or 2, one Error: line), "warning" (exit 0, the answer and a
# warning line), "answer" (exit 0, clean stderr), "any" (a clean answer or a clean error).
REPRODUCERS = [
    pytest.param(
        f"chain -i 64x64x3 '{LONG_CHAIN}'",
        None,
        "answer",
        id="chain-spec-over-255-chars",
    ),
    pytest.param(
        "diagram conv -i 13 -k 3 --save nodir/d.svg",
        None,
        "error",
        id="diagram-save-missing-dir",
    ),
    pytest.param(
        "run conv -k box3",
        "[" * 100000 + "]" * 100000,
        "error",
        id="run-deep-json-nesting",
    ),
    pytest.param(
        "run conv -k box3 -p 100000",
        "[[1]]",
        "error",
        id="run-conv-huge-pad",
    ),
    pytest.param(
        "run pool -k 3 -p 1000000000000",
        "[1, 2, 3]",
        "error",
        id="run-pool-huge-pad",
    ),
    pytest.param(
        "diagram conv -i 9223372036854775808 -k 3",
        None,
        "error",
        id="diagram-conv-2**63",
    ),
    pytest.param(
        "solve deconv -i 1 --to 5 -k 9223372036854775808",
        None,
        "any",
        id="solve-deconv-k-2**63",
    ),
    pytest.param(
        "shape invert -o 3 -k 100000000",
        None,
        "any",
        id="shape-invert-k-1e8",
    ),
    pytest.param(
        "solve pool -i 28 --to 3 -k 1000000",
        None,
        "any",
        id="solve-pool-k-1e6",
    ),
    pytest.param(
        "solve deconv -i 1 --to 5 -k 10000000",
        None,
        "any",
        id="solve-deconv-k-1e7",
    ),
    pytest.param(
        "port --from tf --to tf deconv -i 5 -k 1000000000000 -p valid",
        None,
        "any",
        id="port-deconv-k-1e12-valid",
    ),
    pytest.param(
        "chain -i 1x1 deconv k4 s2 p1 x18",
        None,
        "any",
        id="chain-deconv-x18",
    ),
    pytest.param(
        "chain -i 5x28 upsample f2 x20",
        None,
        "any",
        id="chain-upsample-x20",
    ),
    pytest.param(
        "run pool -k 2 -p 3",
        "[1,2,3,4,5]",
        "warning",
        id="run-pool-pad-over-half-kernel",
    ),
    pytest.param(
        "solve conv -i 10 --to 1000",
        None,
        "error",
        id="solve-conv-no-solution",
    ),
]


@pytest.mark.parametrize(("line", "stdin", "expect"), REPRODUCERS)
def test_issue14_reproducer(tmp_path: Path, line: str, stdin: str | None, expect: str) -> None:
    """Each command named in issue 14: a clean answer or error, under 2 s and 200 MB."""
    call = Call(tuple(shlex.split(line)), stdin)
    peak_growth = _peak_rss_tracking()
    outcome = invoke(call, tmp_path, REGRESSION_TIME_LIMIT)
    found = problems(outcome, REGRESSION_TIME_LIMIT)
    assert not found, describe(call, outcome, found)
    growth = peak_growth()
    assert growth is None or growth < PEAK_RSS_LIMIT, f"peak RSS grew by {growth} bytes"
    lines = outcome.stderr.splitlines()
    if expect == "error" or (expect == "any" and outcome.exit_code != 0):
        assert outcome.exit_code in (1, 2), outcome.stdout  # one Error: line: problems()
    elif expect == "warning":
        assert outcome.exit_code == 0, outcome.stderr
        assert any(WARNING_LINE.match(line) for line in lines), outcome.stderr
    else:
        assert outcome.exit_code == 0, outcome.stderr
        assert all(WARNING_LINE.match(line) for line in lines), outcome.stderr
    assert not list(tmp_path.rglob("*")), "a failed call left files behind"
