"""convcalc.frameworks.solve: parameter sets that reach a size, ranked, with spellings."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner, Result

from convcalc.cli import cli
from convcalc.errors import ConvcalcError, NoInverseError, SpecError
from convcalc.frameworks.solve import solve_axis
from convcalc.shape import Padding, conv_axis, deconv_axis


def test_deconv_7_to_14_k3_s2() -> None:
    found = {s.label: s for s in solve_axis("deconv", 7, 14, kernels=[3], strides=[2])}
    torch = found["padding 1, output_padding 1"]
    assert torch.torch == "padding=1 output_padding=1"
    same = found["same"]
    assert same.tf.startswith("padding='SAME', output_shape=14")
    assert same.note == "crop (0, 1)" and torch.note == "crop (1, 0)"


def test_conv_224_to_112_k7_s2() -> None:
    found = solve_axis("conv", 224, 112, kernels=[7], strides=[2])
    assert [s.pads for s in found] == [(3, 3), (2, 3)]
    assert found[1].tf == "padding='SAME'"


def test_ranking_prefers_simple_sets() -> None:
    found = solve_axis("conv", 224, 112)
    assert (found[0].kernel, found[0].stride, found[0].pads) == (1, 2, (0, 0))
    assert all(s.output == 112 for s in found)


def test_fixed_padding_mode() -> None:
    found = solve_axis("pool", 112, 56, kernels=[3], strides=[2], paddings=[Padding.SAME])
    assert [s.pads for s in found] == [(0, 1)]


# ------------------------------------------------------------------ bounded work (issue 14)


def _cli(*args: str) -> tuple[Result, float]:
    start = time.perf_counter()
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})
    return result, time.perf_counter() - start


def _one_error(result: Result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert all(w in lines[0] for w in words), lines[0]
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("args", "first"),
    [
        (["solve", "pool", "-i", "28", "--to", "3", "-k", "1000000"], (1000000, 1)),
        (["solve", "deconv", "-i", "1", "--to", "5", "-k", "10000000"], (10000000, 1)),
        (
            ["solve", "conv", "-i", "1000000000000", "--to", "3", "-k", "3", "-s", "400000000000"],
            (3, 400000000000),
        ),
    ],
)
def test_huge_numbers_solve_fast(args: list[str], first: tuple[int, int]) -> None:
    result, seconds = _cli(*args, "--json")
    assert seconds < 2, seconds
    assert result.exit_code == 0, result.output
    best = json.loads(result.stdout)["axes"][0][0]
    assert (best["kernel"], best["stride"]) >= first
    assert best["output"] == int(args[args.index("--to") + 1])


def test_huge_pool_kernel_gives_the_simple_answers() -> None:
    found = solve_axis("pool", 28, 3, kernels=[1000000], limit=3)
    assert [(s.stride, s.pads) for s in found] == [
        (1, (499987, 499987)),
        (2, (499988, 499988)),
        (3, (499989, 499989)),
    ]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["solve", "conv", "-i", "10", "--to", "1000"],
            ("no conv", "10 to 1000", "nearest reachable sizes: 16 (below)"),
        ),
        (
            ["solve", "conv", "-i", "10x12", "--to", "1000x5"],
            ("axis 0", "nearest reachable sizes: 16 (below)"),
        ),
        (
            ["solve", "deconv", "-i", "7", "--to", "100", "-k", "3", "-s", "2"],
            ("nearest reachable sizes: 16 (below)",),
        ),
        (
            [
                "solve",
                "conv",
                "-i",
                "224",
                "--to",
                "112",
                "--max-kernel",
                "64",
                "--max-stride",
                "64",
                "--max-dilation",
                "2",
            ],
            ("SEARCH_BUDGET",),
        ),
    ],
)
def test_unsolvable_or_too_big_is_one_error_line(args: list[str], words: tuple[str, ...]) -> None:
    result, seconds = _cli(*args)
    assert seconds < 2, seconds
    _one_error(result, *words)


@pytest.mark.parametrize("option", ["-i", "--to", "-k"])
def test_values_above_the_limit_are_malformed_options(option: str) -> None:
    args = {"-i": "7", "--to": "14", "-k": "3"} | {option: "9223372036854775808"}
    result, seconds = _cli("solve", "deconv", *[v for kv in args.items() for v in kv])
    assert seconds < 2 and result.exit_code == 2, result.output
    assert "9223372036854775808 is above convcalc's limit 2**40" in result.stderr


def test_the_library_checks_the_limit_too() -> None:
    with pytest.raises(SpecError, match=r"kernel 1099511627777 is above convcalc's limit 2\*\*40"):
        solve_axis("deconv", 1, 5, kernels=[2**40 + 1], strides=[1])


def test_no_solution_names_sizes_on_both_sides() -> None:
    with pytest.raises(NoInverseError, match=r"sizes: 3 \(below\), 7 \(above\)$"):
        solve_axis("conv", 9, 4, kernels=[3], strides=[3], paddings=[(0, 0), (6, 6)])


def test_largest_search_is_bounded() -> None:
    for op, target in (("conv", 500), ("pool", 500), ("deconv", 2000)):
        start = time.perf_counter()
        found = solve_axis(op, 1000, target, kernels=range(1, 65), strides=range(1, 65), limit=12)
        assert time.perf_counter() - start < 2
        assert len(found) == 12


def test_listing_everything_has_a_limit() -> None:
    with pytest.raises(SpecError, match="MAX_SOLUTIONS"):
        solve_axis("conv", 2**40, 2, kernels=[2**20], strides=[2**40])
    assert len(solve_axis("conv", 2**40, 2, kernels=[2**20], strides=[2**40], limit=2)) == 2


def _brute_force(op: str, size: int, target: int, k: int, s: int) -> set[tuple[int, ...]]:
    """Every (k, s, pads, output_padding) the old enumeration over all pads found."""
    k_eff = k
    pads: list[Padding | tuple[int, int]] = [Padding.SAME, Padding.VALID]
    pads += [(p, p) for p in range(k_eff)]
    if op != "deconv":
        pads += [(p, p + 1) for p in range(k_eff - 1)]
    found: set[tuple[int, ...]] = set()
    for padding in pads:
        try:
            if op == "deconv":
                a = deconv_axis(size, k, stride=s, padding=padding, output_size=target)
                found.add((k, s, *a.pads, a.output_padding))
            elif conv_axis(size, k, stride=s, padding=padding).output == target:
                found.add((k, s, *conv_axis(size, k, stride=s, padding=padding).pads, 0))
        except ConvcalcError:
            continue
    return found


@pytest.mark.parametrize("op", ["conv", "pool", "deconv"])
def test_bisection_finds_what_enumeration_finds(op: str) -> None:
    for size in (1, 2, 5, 8, 13):
        for target in range(1, 30):
            for k in range(1, 9):
                for s in range(1, 5):
                    want = _brute_force(op, size, target, k, s)
                    try:
                        got = solve_axis(op, size, target, kernels=[k], strides=[s])
                    except NoInverseError:
                        got = []
                    assert {
                        (x.kernel, x.stride, *x.pads, x.output_padding or 0) for x in got
                    } == want, (op, size, target, k, s)
