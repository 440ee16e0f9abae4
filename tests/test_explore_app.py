"""``convcalc explore`` under Textual's pilot (``App.run_test``): keys change the layer and
the screen, errors stay in place, leaving returns the equivalent diagram command; and the
command refuses to start without a terminal."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from click.testing import CliRunner
from textual.pilot import Pilot

from convcalc.cli import cli
from convcalc.cli.explore_cmd import parse_value
from convcalc.explore.app import ExploreApp, screen_text
from convcalc.explore.model import State
from convcalc.shape import Padding, WindowPlan

Scenario = Callable[[ExploreApp, Pilot[str]], Awaitable[None]]


def run(state: State, scenario: Scenario, size: tuple[int, int] = (80, 24), **kw: bool) -> str:
    """Run *scenario* on an app started at *state*; the app's return value."""
    app = ExploreApp(state, parse_value, **kw)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(app, pilot)

    asyncio.run(main())
    return app.return_value or ""


def row(screen: str, label: str) -> str:
    """The diagram row that starts with *label* (the part right of the parameter list)."""
    for line in screen.splitlines():
        right = line.split("│", 1)[-1]
        if right.strip().startswith(label):
            return right
    raise AssertionError(f"no row {label!r} in\n{screen}")


def test_primer_same_to_valid_shows_two_dropped_cells_and_output_2() -> None:
    async def scenario(app: ExploreApp, pilot: Pilot[str]) -> None:
        before = screen_text(app)
        assert "padding same (1 before, 2 after) → output 3" in before
        assert "×" not in row(before, "input ")
        await pilot.press("down", "down", "down", "down")  # input → padding
        assert app.state.field == "padding"
        await pilot.press("left")  # same → valid
        await pilot.pause()
        after = screen_text(app)
        assert app.state.padding is Padding.VALID
        assert "padding valid (none) → output 2" in after
        assert row(after, "input ").split().count("×") == 2
        assert "× dropped input (no window reaches it)" in after
        assert row(after, "output").split() == ["output", "0", "1"]
        await pilot.press("q")

    line = run(State(), scenario)
    assert line == "convcalc diagram conv -i 13 -k 6 -s 5 -p valid --step 0"


def test_window_steps_across_a_stride_2_layer() -> None:
    state = State(input=(7,), kernel=(3,), stride=(2,), padding=Padding.VALID)
    seen: list[str] = []

    async def scenario(app: ExploreApp, pilot: Pilot[str]) -> None:
        for _ in range(4):
            screen = screen_text(app)
            step = next(line for line in screen.splitlines() if "step " in line)
            seen.append(step.split("│", 1)[-1].strip())
            j = app.state.step % 3
            index = row(screen, "index")
            out = row(screen, f"out {j}")
            # the highlighted window runs from the column of input 2j to that of 2j + 2
            assert out.index("┗") <= index.index(f" {2 * j} ") + 1 < out.index("━")
            assert out.index("┛") == index.index(f" {2 * j + 2}") + 1
            await pilot.press("n")

    run(state, scenario)
    assert seen == [
        "step 0 of 0..2: output 0 reads input 0..2",
        "step 1 of 0..2: output 1 reads input 2..4",
        "step 2 of 0..2: output 2 reads input 4..6",
        "step 0 of 0..2: output 0 reads input 0..2",
    ]


def test_typed_values_and_engine_errors_stay_in_place() -> None:
    async def scenario(app: ExploreApp, pilot: Pilot[str]) -> None:
        await pilot.press("down", "enter")  # kernel: type a value
        await pilot.press("ctrl+u", *"20", "enter")
        await pilot.pause()
        assert app.state.kernel == (20,)
        await pilot.press("down", "down", "down", "enter", "ctrl+u", *"valid", "enter")
        await pilot.pause()
        screen = screen_text(app)
        assert "Error: kernel 20 is larger than padded input 13 under" in screen
        assert app.is_running
        await pilot.press("enter", "down", "ctrl+u", *"nonsense", "enter")  # down: no effect
        await pilot.pause()
        assert "Error: unknown padding 'nonsense'" in screen_text(app)
        await pilot.press("up", "up", "up", "left")  # kernel 20 → 19: still too big
        assert app.state.kernel == (19,) and "Error: kernel 19" in screen_text(app)
        await pilot.press("enter", "ctrl+u", *"3", "enter")
        await pilot.pause()
        assert "Error" not in screen_text(app)
        assert "padding valid (none) → output 3" in screen_text(app)
        await pilot.press("escape")

    line = run(State(), scenario)
    assert line == "convcalc diagram conv -i 13 -k 3 -s 5 -p valid --step 0"


def test_keys_for_axis_op_target_and_side_panel() -> None:
    state = State(input=(5, 5), kernel=(3,), stride=(2,), padding=((1, 1),))

    async def scenario(app: ExploreApp, pilot: Pilot[str]) -> None:
        await pilot.press("down", "down", "right")  # stride of axis 0 → 3
        await pilot.press("a", "left")  # axis 1: stride 2 → 1
        assert (app.state.axis, app.state.stride) == (1, (3, 1))
        assert "output 2×5" in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        side = screen_text(app)
        assert "compare: output 2×5" in side and "TensorFlow" in side
        assert "port: this conv → PyTorch" in side
        await pilot.press("t")
        await pilot.pause()
        assert "port: this conv → TensorFlow" in screen_text(app)
        await pilot.press("o")
        assert app.state.op == "pool"
        await pilot.press("q")

    run(state, scenario)


def test_a_click_selects_a_parameter() -> None:
    async def scenario(app: ExploreApp, pilot: Pilot[str]) -> None:
        await pilot.click("#params", offset=(3, 5))
        assert app.state.field == "padding"

    run(State(), scenario)


def test_fits_40_columns() -> None:
    async def scenario(app: ExploreApp, pilot: Pilot[str]) -> None:
        screen = screen_text(app)
        assert max(len(line) for line in screen.splitlines()) <= 40
        assert "▶ input 13" in screen
        assert "output 3" in screen
        await pilot.press("down")
        assert "▶ kernel 6" in screen_text(app)

    run(State(), scenario, size=(40, 24))


def _colours(app: ExploreApp) -> set[tuple[int, ...]]:
    found = set()
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            style = segment.style
            for color in (style.color, style.bgcolor) if style else ():
                if color is not None:
                    found.add(tuple(color.get_truecolor()))
    return found


@pytest.mark.parametrize("how", ["env", "flag"])
def test_no_color_draws_in_greys(how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    colours: dict[str, set[tuple[int, ...]]] = {}

    async def look(app: ExploreApp, pilot: Pilot[str]) -> None:
        colours[str(app.no_color)] = _colours(app)

    run(State(), look)
    if how == "env":
        monkeypatch.setenv("NO_COLOR", "1")
    run(State(), look, no_color=how == "flag")
    assert any(len(set(c)) > 1 for c in colours["False"])
    assert colours["True"] and all(len(set(c)) == 1 for c in colours["True"])


@pytest.mark.parametrize(
    "args",
    [[], ["conv", "-i", "13", "-k", "6", "-s", "5", "-p", "same"], ["pool", "-i", "5", "-k", "2"]],
)
def test_refuses_without_a_terminal(args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["explore", *args])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: explore is interactive and stdout is not a terminal")
    assert result.stdout == ""


def test_options_become_the_starting_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Options are diagram's; the app returns (here at once) the command it would print."""
    import convcalc.cli.explore_cmd as explore_cmd

    monkeypatch.setattr(explore_cmd, "_need_terminal", lambda: None)
    monkeypatch.setattr(ExploreApp, "run", lambda self: self.state.command_line())
    args = ["pool", "-i", "5", "-k", "2", "-p", "1", "--ceil-mode", "--op", "avg", "--at", "2"]
    result = CliRunner().invoke(cli, ["explore", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == ("convcalc diagram pool -i 5 -k 2 -p 1 --ceil-mode --op avg --step 2\n")
    result = CliRunner().invoke(cli, ["explore", "conv", "-i", "5", "-k", "3", "--step", "3"])
    assert result.exit_code == 2
    assert "3 is past the last window: this layer has 3 (0..2)" in result.stderr


def test_plus_minus_space_and_p() -> None:
    async def scenario(app: ExploreApp, pilot: Pilot[str]) -> None:
        await pilot.press("down", "plus", "plus", "minus")  # kernel 6 → 7
        assert app.state.kernel == (7,)
        await pilot.press("space", "space")
        assert app.state.step == 2
        await pilot.press("p")
        assert app.state.step == 1
        plan = app.state.outcome().plan
        assert isinstance(plan, WindowPlan)
        taps = plan.axes[0].taps(1)  # the engine's window 1 of kernel 7, same padding
        assert f"step 1 of 0..2: output 1 reads input {taps[0]}..{taps[-1]}" in screen_text(app)

    run(State(), scenario)


def test_the_highlighted_window_is_scrolled_into_view() -> None:
    """A transposed convolution's windows sit below its first three steps: stepping the
    window scrolls the diagram so that the highlighted one shows at 80×24."""
    state = State(op="deconv", input=(5,), kernel=(3,), stride=(2,), padding=((1, 1),),
                  output_padding=(1,))  # fmt: skip

    async def scenario(app: ExploreApp, pilot: Pilot[str]) -> None:
        assert "┗" not in screen_text(app)  # step 0's window is below the fold
        for _ in range(6):
            await pilot.press("n")
        await pilot.pause()
        screen = screen_text(app)
        assert app.state.step == 6
        assert "┗━━━┛" in row(screen, "out 6")

    run(state, scenario)
