"""The explorer's pure state model: keys and typed values change the layer, the shape engine
plans it, errors are kept as messages, and leaving gives a ``convcalc diagram`` command that
draws the same layer."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from convcalc.cli import cli
from convcalc.cli.explore_cmd import parse_value as parse
from convcalc.errors import SpecError
from convcalc.explore.model import FIELDS, State
from convcalc.shape import Padding, WindowPlan, conv_plan, deconv_plan, pool_plan


def test_primer_same_then_valid_drops_two_cells() -> None:
    s = State()
    assert s.outcome().plan == conv_plan((13,), 6, stride=5, padding="same")
    valid = s.select("padding").nudge(-1)
    assert valid.padding is Padding.VALID
    plan = valid.outcome().plan
    assert isinstance(plan, WindowPlan)
    assert plan.output == (2,)
    assert plan.axes[0].dropped == 2


def test_padding_cycles_through_every_mode_and_explicit_pads() -> None:
    s = State().select("padding")
    seen = []
    for _ in range(6):
        s = s.nudge(1)
        seen.append(s.padding)
    assert seen[:4] == [Padding.SAME_LOWER, Padding.FULL, Padding.CAUSAL, ((5, 0),)]
    assert seen[4:] == [Padding.VALID, Padding.SAME]


def test_explicit_pads_start_from_the_engines_split() -> None:
    s = State().select("pad before").nudge(1)
    assert s.padding == ((2, 2),)  # same's (1, 2), then one more before
    assert s.outcome().plan == conv_plan((13,), 6, stride=5, padding=((2, 2),))


def test_numbers_change_on_the_selected_axis_only() -> None:
    s = State(input=(5, 5), kernel=(3,), stride=(1,), padding=Padding.VALID)
    s = s.select("axis").nudge(1).select("stride").nudge(1)
    assert (s.axis, s.stride) == (1, (1, 2))
    assert s.outcome().plan == conv_plan((5, 5), 3, stride=(1, 2))
    assert s.select("kernel").nudge(-5).kernel == (3, 1)  # never below 1


def test_typed_values_are_read_like_the_command_line() -> None:
    s = State().select("input").typed("6x8", parse)
    assert s.input == (6, 8) and s.kernel == (6, 6) and s.stride == (5, 5)
    s = s.select("padding").typed("1:2x0", parse)
    assert s.padding == ((1, 2), (0, 0))
    with pytest.raises(SpecError, match="size list"):
        s.select("kernel").typed("3y", parse)
    with pytest.raises(SpecError, match="not a pool type"):
        State(op="pool").select("pool type").typed("median", parse)
    assert State(op="pool").select("ceil mode").typed("on", parse).ceil_mode


def test_engine_errors_are_kept_as_messages() -> None:
    big = State(padding=Padding.VALID).select("kernel").typed("14", parse)
    outcome = big.outcome()
    assert outcome.plan is None and outcome.windows == 0
    assert outcome.error is not None and "larger than padded input 13" in outcome.error
    deconv = State(op="deconv", input=(3,), kernel=(3,), stride=(2,), padding=((1, 1),))
    bad = deconv.select("output_padding").typed("2", parse).outcome()
    assert bad.error is not None and "smaller than stride" in bad.error
    assert big.walk(1) == big  # no windows: nothing to step


def test_windows_step_row_major_and_wrap() -> None:
    s = State(input=(7,), kernel=(3,), stride=(2,), padding=Padding.VALID)
    positions = []
    for _ in range(4):
        positions.append(s.highlight())
        s = s.walk(1)
    assert positions == [(0,), (1,), (2,), (0,)]
    grid = State(input=(5, 5), kernel=(3,), stride=(2,), padding=((1, 1),), step=5)
    assert grid.highlight() == (1, 2)
    assert grid.walk(-6).highlight() == (2, 2)


def test_op_switch_and_pool_options() -> None:
    s = State().select("op").nudge(1)
    assert s.op == "pool" and s.fields() == FIELDS["pool"]
    s = s.select("pool type").nudge(1).select("count pad").nudge(1)
    assert (s.pool_type, s.count_include_pad) == ("avg", True)
    assert s.outcome().plan == pool_plan((13,), 6, stride=5, padding="same")


def test_deconv_mode_to_pads_keeps_the_output() -> None:
    s = State(op="deconv", input=(7,), kernel=(3,), stride=(2,), padding=Padding.SAME)
    explicit = s.select("pad before").nudge(0)
    assert explicit.padding == ((0, 1),)
    plan = explicit.outcome().plan
    assert plan is not None
    assert plan.output == deconv_plan((7,), 3, stride=2, padding="same").output == (14,)


@pytest.mark.parametrize(
    "state",
    [
        State(),
        State(op="pool", input=(5,), kernel=(2,), stride=None, padding=((1, 1),), ceil_mode=True),
        State(op="pool", input=(6, 6), kernel=(3,), stride=(2,), pool_type="avg",
              count_include_pad=False, step=4),
        State(op="deconv", input=(3, 3), kernel=(3,), stride=(2,), padding=((1, 1),),
              output_padding=(1,), step=7),
        State(input=(9,), kernel=(3,), stride=(1,), dilation=(2,), padding=((2, 1),), step=6),
    ],
)  # fmt: skip
def test_command_line_draws_the_same_window(state: State) -> None:
    words = state.command_line().split()
    assert words[:2] == ["convcalc", "diagram"]
    result = CliRunner().invoke(cli, [*words[1:], "--no-color", "-w", "100"])
    assert result.exit_code == 0, result.output
    windows = state.outcome().windows
    assert f"step {state.step} of 0..{windows - 1}" in result.output


def test_choosing_a_window_of_a_layer_without_output_is_refused() -> None:
    broken = State(kernel=(20,), padding=Padding.VALID).select("window")
    with pytest.raises(SpecError, match="no window to choose"):
        broken.typed("0", parse)
    with pytest.raises(SpecError, match="window 3 does not exist: there are 3"):
        State().select("window").typed("3", parse)
    assert State().select("window").typed("2", parse).step == 2
