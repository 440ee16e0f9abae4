"""`convcalc demo` runs every step on its built-in examples."""

from __future__ import annotations

from click.testing import CliRunner

from convcalc.cli import cli


def test_demo_runs_every_step() -> None:
    result = CliRunner().invoke(cli, ["demo"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "before = total // 2 = 1, after = total − before = 2" in out
    assert "inputs 11..12 (0-based) are never reached by a window: dropped" in out
    assert "[0, 1, 2.5, 4, 1.5]" in out
    assert "36  36  0  0  -36  -36" in out
    assert "y00 │ w00 w01 w02   · w10 w11 w12   · w20 w21 w22   ·   ·   ·   ·   ·" in out
    assert out.count("$ convcalc ") == 6
    # the Sobel map's picture (not a terminal: plain characters): |v| ramp, ×4, framed
    assert "│    ########        ########    │" in out
    assert "' .:-=+*#%@' = |v| 0 .. 36; 8×8 values, shown ×4" in out
    assert "\x1b" not in out
