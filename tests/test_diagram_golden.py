"""Golden renders of ``convcalc diagram``: the 19 configurations of Dumoulin & Visin's figure
set (conventions.md §3), the primer's examples and a few pooling and N-d cases.

Each case is rendered through the real command into
``Console(file=io.StringIO(), width=80, color_system=None | "truecolor",
legacy_windows=False)`` and compared with ``tests/golden/diagram/<name>.txt`` (no colour)
and ``<name>.color.txt`` (truecolor escapes). The first line of a golden file is the
command. Regenerate every golden after an intended change with::

    PYTHONPATH=. python -m pytest tests/test_diagram_golden.py --update-goldens

and review ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

import io
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from convcalc.cli import cli

GOLDEN = Path(__file__).parent / "golden" / "diagram"

# Dumoulin & Visin's numerical figures: numpy.random.seed(1234) in bin/produce_figure.
DV_INPUT = "[[3,3,2,1,0],[0,0,1,3,1],[3,1,2,2,3],[2,0,0,2,2],[2,0,0,0,1]]"
DV_KERNEL = "[[0,1,2],[2,2,0],[0,1,2]]"

CASES: dict[str, str] = {
    # Dumoulin & Visin: convolutions (i, k, s, p, d as in bin/generate_makefile)
    "dv_no_padding_no_strides": "conv -i 4x4 -k 3",
    "dv_arbitrary_padding_no_strides": "conv -i 5x5 -k 4 -p 2",
    "dv_same_padding_no_strides": "conv -i 5x5 -k 3 -p 1",
    "dv_full_padding_no_strides": "conv -i 5x5 -k 3 -p 2",
    "dv_no_padding_strides": "conv -i 5x5 -k 3 -s 2",
    "dv_padding_strides": "conv -i 5x5 -k 3 -s 2 -p 1",
    "dv_padding_strides_odd": "conv -i 6x6 -k 3 -s 2 -p 1",
    "dv_dilation": "conv -i 7x7 -k 3 -d 2",
    # ... and their transposes (the transposed input is the conv's output)
    "dv_no_padding_no_strides_transposed": "deconv -i 2x2 -k 3",
    "dv_arbitrary_padding_no_strides_transposed": "deconv -i 6x6 -k 4 -p 2",
    "dv_same_padding_no_strides_transposed": "deconv -i 5x5 -k 3 -p 1",
    "dv_full_padding_no_strides_transposed": "deconv -i 7x7 -k 3 -p 2",
    "dv_no_padding_strides_transposed": "deconv -i 2x2 -k 3 -s 2",
    "dv_padding_strides_transposed": "deconv -i 3x3 -k 3 -s 2 -p 1",
    "dv_padding_strides_odd_transposed": "deconv -i 3x3 -k 3 -s 2 -p 1 --output-padding 1",
    # ... and the numerical ones
    "dv_numerical_no_padding_no_strides": (
        f"conv -k 3 --values '{DV_INPUT}' --kernel-values '{DV_KERNEL}' --at 1,1"
    ),
    "dv_numerical_padding_strides": (
        f"conv -k 3 -s 2 -p 1 --values '{DV_INPUT}' --kernel-values '{DV_KERNEL}'"
    ),
    "dv_numerical_average_pooling": f"pool -k 3 -s 1 --op avg --values '{DV_INPUT}'",
    "dv_numerical_max_pooling": f"pool -k 3 -s 1 --op max --values '{DV_INPUT}' --step 8",
    # The primer: 1-D trains, valid / same / full, input 13 kernel 6 stride 5, transposes
    "seed_13_6_5_same": "conv -i 13 -k 6 -s 5 -p same",
    "seed_13_6_5_valid": "conv -i 13 -k 6 -s 5 -p valid --step 1",
    "seed_13_6_5_same_lower": "conv -i 13 -k 6 -s 5 -p same-lower",
    "seed_same_stride_1": "conv -i 7 -k 3 -p same",
    "seed_trains_full_1d": "conv -i 5 -k 3 -p full",
    "seed_full_7x7": "conv -i 7x7 -k 3 -p full",
    "seed_transpose_1d_stride_2": "deconv -i 3 -k 3 -s 2 --values '[1,2,3]'",
    "seed_transpose_same_stride_2": "deconv -i 3 -k 3 -s 2 -p same",
    # Pooling: ceil mode, divisors
    "pool_ceil_overhang": "pool -i 5 -k 2 --ceil-mode",
    "pool_ceil_dropped": "pool -i 5 -k 2 -s 2 -p 1 --ceil-mode --op avg",
    "pool_avg_exclude_pad": "pool -i 6x6 -k 3 -s 2 -p 1 --op avg --no-count-include-pad",
    "conv_same_dilation_only_padding": "conv -i 1 -k 2 -d 3 -p same",
    # N-d and elision
    "conv_3d_per_axis": "conv -i 3x4x5 -k 3 -p 1 --at 1,2,3",
    "deconv_3d_per_axis": "deconv -i 2x2x2 -k 3 -s 2",
    "conv_200x200_w40": "conv -i 200x200 -k 3",
}
WIDTHS = {"conv_200x200_w40": 40}


def render(args: str, *, color: bool, width: int = 80) -> str:
    """What ``convcalc diagram ARGS`` prints on an 80-column console."""
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system="truecolor" if color else None,
        legacy_windows=False,
    )
    result = CliRunner().invoke(cli, ["diagram", *shlex.split(args)], obj={"console": console})
    assert result.exit_code == 0, result.output
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(text, str)
    return f"$ convcalc diagram {args}\n{text}"


@pytest.mark.parametrize("color", [False, True], ids=["plain", "color"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, color: bool, check_golden: Callable[[Path, str], None]) -> None:
    path = GOLDEN / (f"{name}.color.txt" if color else f"{name}.txt")
    check_golden(path, render(CASES[name], color=color, width=WIDTHS.get(name, 80)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_plain_golden_fits_and_has_no_escapes(name: str) -> None:
    path = GOLDEN / f"{name}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    width = WIDTHS.get(name, 80)
    from rich.cells import cell_len

    assert all(cell_len(line) <= width for line in lines)
    assert not any("\x1b" in line for line in lines)
