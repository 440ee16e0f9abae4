"""convcalc.shape.explain: steps in the primer's terms and the primer's shortcut."""

from __future__ import annotations

from convcalc.shape import Padding, conv_axis, deconv_axis
from convcalc.shape.explain import explain_deconv_steps, explain_steps, primer_shortcut


def test_shortcut_wrong_when_in_divisible_by_s() -> None:
    lines = primer_shortcut(conv_axis(12, 3, stride=3, padding=Padding.SAME))
    assert "= 3: wrong, the pad total is 0" in lines[0]


def test_shortcut_agrees_otherwise() -> None:
    lines = primer_shortcut(conv_axis(13, 6, stride=5, padding=Padding.SAME))
    assert lines == [
        "primer's shortcut max(k − in % s, 0) = max(6 − 13 % 5, 0) = 3: agrees here (in % s ≠ 0)"
    ]
    assert primer_shortcut(conv_axis(13, 6, stride=5)) == []


def test_steps_in_seed_terms() -> None:
    steps = explain_steps(conv_axis(13, 6, stride=5))
    assert steps[0] == "1. out = ceil((in − k + 1) / s) = ceil((13 − 6 + 1) / 5) = 2"
    same = explain_steps(conv_axis(224, 7, stride=2, padding=Padding.SAME))
    assert same[0] == "1. out = ceil(in / s) = ceil(224 / 2) = 112"
    assert "max((112 − 1)·2 + 7 − 224, 0) = 5" in same[1]


def test_deconv_steps_reach_the_output() -> None:
    a = deconv_axis(7, 3, stride=2, padding=(1, 1), output_padding=1)
    assert explain_deconv_steps(a)[-1].endswith("= 14 = out")
