"""convcalc.network.stack / netspec / zoo: the layer-stack language and what a chain computes."""

from __future__ import annotations

import time
from fractions import Fraction
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convcalc.errors import ConvcalcError, SpecError
from convcalc.network import stack
from convcalc.network.field import RF_WORK_LIMIT
from convcalc.network.spec import MAX_LAYERS, MAX_SPEC_CHARS, LayerSpec
from convcalc.network.stack import ChainResult, parse_input, parse_spec, run_chain
from convcalc.network.zoo import BUILTINS
from convcalc.shape import conv_plan


def chain(spec: str, shape: str = "224x224x3", ndim: int = 2) -> ChainResult:
    spatial, channels, batch = parse_input(shape, ndim)
    return run_chain(parse_spec(spec), spatial, channels, batch)


def builtin(name: str) -> ChainResult:
    b = BUILTINS[name]
    return chain(b.spec, b.input)


def test_resnet_stem_receptive_field_and_jump() -> None:
    rows = chain("conv k7 s2 p3 c64, pool max k3 s2 p1").rows
    assert [r.rf for r in rows] == [(7, 7), (11, 11)]
    assert [r.jump for r in rows] == [(Fraction(2), Fraction(2)), (Fraction(4), Fraction(4))]
    assert rows[1].eff_pad == (5, 5)  # Distill: P = 3 + 1·2
    assert rows[1].output == (56, 56)


def test_resnet18_matches_torchvision() -> None:
    r = builtin("resnet18")
    assert r.params == 11_689_512
    last_spatial = next(row for row in r.rows if row.label == "layer4.1")
    assert last_spatial.output == (7, 7) and last_spatial.channels == 512
    stem = next(row for row in r.rows if row.label == "maxpool")
    assert (stem.rf, stem.jump) == ((11, 11), (Fraction(4), Fraction(4)))
    assert r.rows[-1].channels == 1000 and r.rows[-1].output == ()
    assert r.macs == 1_814_073_344


def test_vgg16_and_unet_parameter_counts() -> None:
    assert builtin("vgg16").params == 138_357_544
    unet = builtin("unet")
    assert unet.params == 31_030_658
    assert unet.output == (388, 388) and unet.rows[-1].channels == 2
    crops = [r.note for r in unet.rows if r.op == "cat"]
    assert crops[0] == "@e4 centre-cropped by (4, 4), (4, 4)"


def test_closed_form_receptive_field_for_conv_stacks() -> None:
    # Distill: r = 1 + Σ (k_l − 1)·Π s_i ; S = Π s ; P = Σ p_l·Π s_i
    spec = "conv k3 s2 p1, conv k5 s1 p2, pool max k2 s2, conv k3 d2 p2"
    rows = chain(spec, "64x64x1").rows
    k_eff, strides, pads = [3, 5, 2, 5], [2, 1, 2, 1], [1, 2, 0, 2]
    r, jump, p = 1, 1, 0
    for row, k, s, pad in zip(rows, k_eff, strides, pads, strict=True):
        r += (k - 1) * jump
        p += pad * jump
        jump *= s
        assert row.rf == (r, r) and row.jump == (Fraction(jump),) * 2 and row.eff_pad == (p, p)


def test_transposed_conv_makes_the_jump_fractional() -> None:
    rows = chain("conv k3 s2 p1 c8, deconv k2 s2 c8, deconv k4 s2 p1 c8", "32x32x1").rows
    assert rows[1].jump == (Fraction(1), Fraction(1))
    assert rows[2].jump == (Fraction(1, 2), Fraction(1, 2))
    assert rows[2].output == (64, 64)


def test_pads_come_from_the_engine() -> None:
    rows = chain("conv k7 s2 same c8, pool max k3 s2 same", "224x224x3").rows
    assert rows[0].pads == conv_plan((224, 224), 7, stride=2, padding="same").pads
    assert rows[0].note.startswith("same with stride > 1")


def test_params_groups_depthwise_and_bias() -> None:
    rows = chain("conv k3 p1 c32 g4, conv k3 p1 dw nobias bn, gap, fc 10", "8x8x16").rows
    assert rows[0].params == 32 * (16 // 4) * 9 + 32
    assert rows[1].params == 32 * 1 * 9 + 2 * 32
    assert rows[1].channels == 32


def test_unknown_channels_leave_params_unknown() -> None:
    r = chain("conv k3 c8, conv k3 c8", "10x10")
    assert r.rows[0].params is None and r.params is None
    assert r.rows[1].channels == 8 and r.rows[1].params == 8 * 8 * 9 + 8


def test_residual_block_checks_shapes() -> None:
    with pytest.raises(SpecError, match=r"layer 3 'add ← identity': the body gives 28×28×8"):
        chain("res[conv k3 s2 p1 c8, conv k3 p1 c8]", "56x56x8")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("conv k3, conv k0", "layer 2 'conv k0': kernel must be ≥ 1, got 0"),
        ("conv k3 q7", "layer 1 'conv k3 q7': unknown token 'q7'"),
        ("frob k3", "layer 1 'frob k3': unknown layer type 'frob'"),
        ("conv s2", "layer 1 'conv s2': needs a kernel size"),
        ("conv k3 g3 c64", "layer 1 'conv k3 g3 c64': groups 3 must divide the input channels 16"),
        ("conv k9 c4", "layer 1 'conv k9 c4': axis 0: kernel 9 is larger than padded input 8"),
        ("fc 10", "layer 1 'fc 10': needs a flattened input"),
        ("cat e1", "layer 1 'cat e1': no earlier layer is labelled @e1"),
        ("conv k3 p1x2x3", "layer 1 'conv k3 p1x2x3': padding has 3 entries"),
        ("res[conv k3", "unclosed '['"),
    ],
)
def test_bad_specs_name_the_layer(spec: str, message: str) -> None:
    with pytest.raises(SpecError) as info:
        chain(spec, "8x8x16")
    assert message in str(info.value)


def test_cat_without_crop_explains_how() -> None:
    with pytest.raises(SpecError, match="add 'crop'"):
        chain("conv k3 c4 @a, conv k3 c4, cat a", "10x10x1")


def test_adaptive_gap_flatten_upsample() -> None:
    rows = chain("adaptive avg o7, upsample f2, gap, flatten, fc 5", "14x14x2").rows
    assert [r.output for r in rows] == [(7, 7), (14, 14), (1, 1), (), ()]
    assert rows[3].channels == 2 and rows[4].params == 2 * 5 + 5


def test_parse_input_variants() -> None:
    assert parse_input("224x224x3") == ((224, 224), 3, 1)
    assert parse_input("224x224") == ((224, 224), None, 1)
    assert parse_input("16000x1", ndim=1) == ((16000,), 1, 1)
    with pytest.raises(SpecError, match="set --dims"):
        parse_input("1x2x3x4x5")


def test_repeat_and_labels() -> None:
    layers = parse_spec("conv k3 c8 x3 @a\nres[conv k1 c8] x2  # comment")
    assert [layer.index for layer in layers] == [1, 2, 3, 5, 7]
    assert layers[-1].text == "add ← identity"


# ------------------------------------------- receptive fields: closed forms = enumeration

_LAYERS = st.one_of(
    st.builds(
        "conv k{} s{} d{} {}".format,
        st.integers(1, 7),
        st.integers(1, 3),
        st.integers(1, 2),
        st.sampled_from(["p0", "p1", "p2:0", "same", "valid", "full", "causal"]),
    ),
    st.builds(
        "pool max k{} s{} {}".format,
        st.integers(1, 4),
        st.integers(1, 3),
        st.sampled_from(["p0", "p1", "same", "ceil"]),
    ),
    st.builds(
        "deconv k{} s{} d{} {}".format,
        st.integers(1, 6),
        st.integers(1, 3),
        st.integers(1, 2),
        st.sampled_from(["p0", "p1", "p2", "same", "valid", "full"]),
    ),
    st.builds("upsample f{}".format, st.integers(1, 3)),
    st.sampled_from(
        ["relu", "gap", "adaptive avg o3", "bn", "res[conv k3 s2 p1, conv k3 p1 | conv k1 s2]"]
    ),
)


def _enumerated(layers: list[LayerSpec], size: tuple[int, ...]) -> ChainResult:
    """The same run with every closed form switched off: units enumerated per period."""
    with patch.object(stack, "node_forms", lambda nodes, edges, ndim: (None,) * ndim):
        return run_chain(layers, size, 4)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LAYERS, min_size=1, max_size=6), st.integers(1, 40), st.booleans())
def test_closed_forms_equal_enumeration(layers: list[str], n: int, two_d: bool) -> None:
    specs = parse_spec(", ".join(layers))
    size = (n, n + 3) if two_d else (n,)
    try:
        fast = run_chain(specs, size, 4)
    except ConvcalcError:
        return
    slow = _enumerated(specs, size)
    assert [(r.rf, r.jump, r.start, r.eff_pad) for r in fast.rows] == [
        (r.rf, r.jump, r.start, r.eff_pad) for r in slow.rows
    ]


def test_stacked_upsampling_takes_closed_forms() -> None:
    start = time.perf_counter()
    rows = chain("deconv k4 s2 p1 x18", "1x1").rows
    assert rows[-1].output == (2**18, 2**18)
    assert rows[-1].jump == (Fraction(1, 2**18),) * 2
    up = chain("upsample f2 x20", "5x28").rows[-1]
    assert (up.rf, up.jump) == ((1, 1), (Fraction(1, 2**20),) * 2)
    assert time.perf_counter() - start < 2


def test_enumeration_is_budgeted() -> None:
    start = time.perf_counter()
    with pytest.raises(SpecError, match=f"limit of {RF_WORK_LIMIT} interval steps"):
        chain("conv k3 s2, upsample f2 x30", "64x64")
    assert time.perf_counter() - start < 2


def test_spec_limits() -> None:
    with pytest.raises(SpecError, match=f"more than {MAX_LAYERS} layers"):
        parse_spec("relu x1000000")
    with pytest.raises(SpecError, match=f"limit {MAX_SPEC_CHARS}"):
        parse_spec("relu, " * MAX_SPEC_CHARS)
    assert len(parse_spec(f"relu x{MAX_LAYERS}")) == MAX_LAYERS
