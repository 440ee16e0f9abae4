"""convcalc.frameworks.solve: parameter sets that reach a size, ranked, with spellings."""

from __future__ import annotations

from convcalc.frameworks.solve import solve_axis
from convcalc.shape import Padding


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
