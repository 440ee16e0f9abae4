"""Known values: the worked examples of conventions.md §2.8, the primer and the frameworks' docs."""

from __future__ import annotations

import pytest

from convcalc import (
    ConvcalcError,
    EmptyOutputError,
    NoInverseError,
    Padding,
    SpecError,
    conv_axis,
    conv_output_shape,
    conv_plan,
    deconv_axis,
    deconv_output_shape,
    deconv_plan,
    invert_axis,
    invert_plan,
    pool_axis,
    pool_output_shape,
    resolve_pads,
)

SAME, LOWER, VALID, FULL, CAUSAL = (
    Padding.SAME,
    Padding.SAME_LOWER,
    Padding.VALID,
    Padding.FULL,
    Padding.CAUSAL,
)


@pytest.mark.parametrize(
    ("n", "k", "s", "d", "padding", "pads", "out"),
    [
        (13, 6, 5, 1, VALID, (0, 0), 2),  # primer: inputs 11, 12 dropped
        (13, 6, 5, 1, SAME, (1, 2), 3),  # primer / TF doc: the odd zero at the end
        (13, 6, 5, 1, LOWER, (2, 1), 3),  # ONNX SAME_LOWER
        (12, 3, 3, 1, SAME, (0, 0), 4),  # in % s == 0: the primer's shortcut says 3
        (12, 3, 3, 1, VALID, (0, 0), 4),
        (224, 7, 2, 1, SAME, (2, 3), 112),  # pad depends on the input size (tf#18213)
        (225, 7, 2, 1, SAME, (3, 3), 113),
        (6, 3, 2, 1, SAME, (0, 1), 3),  # Dumoulin padding_strides_odd under TF
        (6, 3, 2, 1, (1, 1), (1, 1), 3),  # ... and under PyTorch padding=1
        (10, 4, 1, 1, SAME, (1, 2), 10),  # even kernel: TF / torch 'same'
        (10, 4, 1, 1, LOWER, (2, 1), 10),  # scipy / numpy 'same'
        (10, 4, 1, 3, SAME, (4, 5), 10),  # torch 'same' k=4, d=3
        (7, 3, 1, 2, SAME, (2, 2), 7),  # §2.8 #6
        (10, 3, 1, 2, CAUSAL, (4, 0), 10),  # Keras Conv1D causal §2.8 #15
        (8, 4, 1, 1, FULL, (3, 3), 11),  # np.convolve full N+M-1
        (7, 3, 1, 1, FULL, (2, 2), 9),
        (5, 3, 1, 1, (2, 2), (2, 2), 7),  # Dumoulin full_padding_no_strides
        (5, 4, 1, 1, (2, 2), (2, 2), 6),  # arbitrary_padding_no_strides
        (7, 3, 1, 2, VALID, (0, 0), 3),  # Dumoulin dilation
        (9, 2, 5, 1, SAME, (0, 0), 2),  # §9.3: clamp at 0 (TF 3-D would use -1)
        (1, 1, 1, 1, VALID, (0, 0), 1),
        (5, 5, 3, 1, VALID, (0, 0), 1),
        (2, 3, 1, 1, (1, 0), (1, 0), 1),
    ],
)
def test_conv_known(
    n: int,
    k: int,
    s: int,
    d: int,
    padding: Padding | tuple[int, int],
    pads: tuple[int, int],
    out: int,
) -> None:
    plan = conv_axis(n, k, stride=s, dilation=d, padding=padding)
    assert (plan.pads, plan.output) == (pads, out)


def test_valid_dropped_cells() -> None:
    plan = conv_axis(13, 6, stride=5)
    assert plan.dropped == 2
    assert [list(plan.taps(j)) for j in range(plan.output)] == [
        [0, 1, 2, 3, 4, 5],
        [5, 6, 7, 8, 9, 10],
    ]
    assert conv_axis(13, 6, stride=5, padding=SAME).dropped == 0


@pytest.mark.parametrize(
    ("n", "k", "s", "pads", "ceil", "out"),
    [
        (5, 2, 2, (1, 1), True, 3),  # §2.8 #7: the 4th window would start in the pad
        (10, 1, 2, (0, 0), True, 5),  # §2.8 #8 (pytorch#148123 expected 6)
        (4, 2, 3, (1, 1), True, 2),  # §9.12
        (2, 2, 3, (1, 1), True, 1),  # the PyTorch docstring formula says 2
        (5, 2, 2, (0, 0), False, 2),
        (5, 2, 2, (0, 0), True, 3),
        (112, 3, 2, (1, 1), False, 56),  # ResNet max pool
        (6, 3, 2, (0, 0), True, 3),
    ],
)
def test_pool_known(n: int, k: int, s: int, pads: tuple[int, int], ceil: bool, out: int) -> None:
    assert pool_axis(n, k, stride=s, padding=pads, ceil_mode=ceil).output == out


def test_pool_stride_defaults_to_window() -> None:
    assert pool_output_shape((8, 9), 2) == (4, 4)
    assert pool_output_shape((8, 9), (2, 3), stride=1) == (7, 7)


def test_ceil_mode_overhang() -> None:
    plan = pool_axis(5, 2, ceil_mode=True)  # windows at 0, 2, 4: the last reads past the end
    assert plan.output == 3
    assert plan.overhang == 1


@pytest.mark.parametrize(
    ("n", "k", "s", "d", "pads", "op", "out"),
    [
        (6, 3, 2, 1, (1, 1), 0, 11),  # §2.8 #9
        (6, 3, 2, 1, (1, 1), 1, 12),
        (14, 3, 2, 1, (1, 1), 1, 28),  # the 14 → 27 vs 28 question (Lasagne#746)
        (3, 3, 2, 1, (1, 1), 1, 6),  # Dumoulin padding_strides_odd_transposed
        (2, 3, 1, 1, (0, 0), 0, 4),  # no_padding_no_strides_transposed
        (4, 2, 1, 2, (0, 0), 1, 7),  # op < max(s, d) allows op=1 with s=1, d=2
    ],
)
def test_deconv_explicit_known(
    n: int, k: int, s: int, d: int, pads: tuple[int, int], op: int, out: int
) -> None:
    plan = deconv_axis(n, k, stride=s, dilation=d, padding=pads, output_padding=op)
    assert plan.output == out
    assert plan.output == plan.full - sum(pads) + op


@pytest.mark.parametrize(
    ("n", "k", "s", "padding", "op", "out"),
    [
        (4, 3, 2, SAME, None, 8),  # §2.8 #10 Keras None / 0 / 1 → 8 / 7 / 8
        (4, 3, 2, SAME, 0, 7),
        (4, 3, 2, SAME, 1, 8),
        (4, 3, 2, VALID, None, 9),  # valid → 9 / 9 / 10
        (4, 3, 2, VALID, 0, 9),
        (4, 3, 2, VALID, 1, 10),
        (13, 6, 5, SAME, None, 65),  # §9.10
        (13, 6, 5, SAME, 4, 64),
        (3, 3, 2, SAME, None, 6),  # ONNX SAME_* → i·s
        (2, 5, 3, VALID, None, 8),  # valid: i·s + max(k − s, 0)
        (2, 2, 3, VALID, None, 6),
    ],
)
def test_deconv_named_known(
    n: int, k: int, s: int, padding: Padding, op: int | None, out: int
) -> None:
    assert deconv_axis(n, k, stride=s, padding=padding, output_padding=op).output == out


def test_deconv_named_ranges() -> None:
    assert deconv_axis(4, 3, stride=2, padding=SAME).output_range == (7, 8)  # §2.8 #10
    assert deconv_axis(4, 3, stride=2, padding=VALID).output_range == (9, 10)
    same = deconv_axis(13, 6, stride=5, padding=SAME, output_size=61)  # §9.11
    assert same.output_range == (61, 65)
    assert same.pads == (2, 3)  # crop 2 before (TF run), the odd one after
    assert deconv_axis(13, 6, stride=5, padding=SAME, output_size=65).pads == (0, 1)


def test_deconv_output_size_gives_output_padding() -> None:
    plan = deconv_plan((7, 7), 3, stride=2, padding=1, output_size=(14, 13))
    assert plan.output_padding == (1, 0)
    assert plan.output == (14, 13)


def test_keras_even_kernel_same_op0_is_rejected() -> None:
    """Keras says 6, TensorFlow raises (conventions §2.4)."""
    with pytest.raises(SpecError, match=r"accepts only output sizes 7\.\.8"):
        deconv_axis(4, 4, stride=2, padding=SAME, output_padding=0)


def test_invert_explicit() -> None:
    candidates = invert_axis(14, 3, stride=2, padding=(1, 1))
    assert [(c.output, c.output_padding) for c in candidates] == [(27, 0), (28, 1)]


def test_invert_named() -> None:
    candidates = invert_axis(7, 3, stride=2, padding=SAME)
    assert [c.output for c in candidates] == [13, 14]
    assert [c.pads for c in candidates] == [(1, 1), (0, 1)]
    assert [c.keras_output_padding for c in candidates] == [0, 1]


def test_invert_plan_is_per_axis() -> None:
    per_axis = invert_plan((7, 4), (3, 1), stride=(2, 4), padding="valid")
    assert [[c.output for c in axis] for axis in per_axis] == [[15, 16], [13, 14, 15, 16]]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: conv_axis(10, 3, stride=0), "stride must be ≥ 1, got 0"),
        (lambda: conv_axis(10, 0), "kernel must be ≥ 1, got 0"),
        (lambda: conv_axis(0, 3), "input size must be ≥ 1, got 0"),
        (lambda: conv_axis(10, 3, dilation=0), "dilation must be ≥ 1, got 0"),
        (
            lambda: conv_axis(10, 7, dilation=2),
            "kernel 7 (effective 13 with dilation 2) is larger than padded input 10 under 'valid'",
        ),
        (lambda: conv_axis(3, 5, padding=(1, 0)), "larger than padded input 4 under pads (1, 0)"),
        (lambda: conv_axis(3, 2, padding=(-1, 0)), "pads must be ≥ 0"),
        (
            lambda: deconv_axis(6, 3, stride=2, padding=(1, 1), output_padding=2),
            "output_padding must be ≥ 0 and smaller than stride or dilation (max(2, 1) = 2), got 2",
        ),
        (
            lambda: deconv_axis(6, 3, stride=2, padding=(1, 1), output_size=10),
            "output size 10 is not reachable",
        ),
        (lambda: conv_plan((4, 4), (3, 3, 3)), "kernel has 3 values but the input has 2 axes"),
        (lambda: conv_plan((4, 4), 3, padding="bogus"), "unknown padding 'bogus'"),
        (lambda: conv_plan((4, 40), 9), "axis 0: kernel 9 is larger than padded input 4"),
        (lambda: invert_axis(1, 5, padding=FULL), "no input length gives output 1"),
    ],
)
def test_errors_name_the_problem(call: object, message: str) -> None:
    with pytest.raises(ConvcalcError) as info:
        call()  # type: ignore[operator]
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_error_classes() -> None:
    with pytest.raises(EmptyOutputError):
        conv_axis(3, 5)
    with pytest.raises(NoInverseError):
        deconv_axis(6, 3, stride=2, padding=(1, 1), output_size=13)


def test_nd_wrappers_broadcast() -> None:
    assert conv_output_shape((16, 32, 32), 3, padding="same") == (16, 32, 32)
    assert conv_output_shape((16, 32, 32), (3, 5, 7), stride=(1, 2, 3), padding=1) == (16, 15, 10)
    assert conv_plan((10, 10), 3, padding=[(1, 2), 0]).pads == ((1, 2), (0, 0))
    assert deconv_output_shape((7, 7, 7, 7), 4, stride=2, padding=1) == (14, 14, 14, 14)


def test_padding_names() -> None:
    assert Padding.parse("SAME_UPPER") is SAME
    assert Padding.parse(" same_lower ") is LOWER
    assert resolve_pads(10, 5, 1, FULL) == (4, 4)
