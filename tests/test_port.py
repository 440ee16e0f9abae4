"""convcalc.frameworks.port: source rules, recipes and the code they print."""

from __future__ import annotations

import pytest

from convcalc.errors import SpecError
from convcalc.frameworks.port import port_layer
from convcalc.frameworks.render import render
from convcalc.frameworks.source import source_layer


def test_tf_same_stride2_to_torch_depends_on_input_size() -> None:
    at224 = port_layer(source_layer("tf", "conv", (224,), 7, stride=2, padding="same"), "torch")
    at225 = port_layer(source_layer("tf", "conv", (225,), 7, stride=2, padding="same"), "torch")
    assert at224.pre_pad == ((2, 3),) and at224.padding == ((0, 0),)
    assert at225.pre_pad is None and at225.padding == ((3, 3),)
    assert any("depend on the input size" in n for n in at224.notes)


def test_torch_code_uses_f_pad_order() -> None:
    layer = source_layer("tf", "conv", (224, 224), 7, stride=2, padding="same")
    code = render(port_layer(layer, "torch"), layer)
    assert code[0].startswith("x = F.pad(x, (2, 3, 2, 3))")
    assert "nn.Conv2d(C_in, C_out, 7, stride=2, padding=0)" in code[1]


def test_tf_same_avg_pool_to_torch_divides_by_count() -> None:
    layer = source_layer("tf", "pool", (6, 6), 3, stride=2, padding="same", pool="avg")
    recipe = port_layer(layer, "torch")
    assert recipe.divide_by_count and recipe.pre_pad == ((0, 1), (0, 1))
    assert render(recipe, layer)[-1].startswith("y = F.avg_pool2d(x, 3, 2) / F.avg_pool2d(ones")


def test_max_pool_same_pads_with_minus_inf() -> None:
    layer = source_layer("tf", "pool", (6,), 3, stride=2, padding="same")
    recipe = port_layer(layer, "torch")
    assert recipe.pad_value == "-inf"
    assert "value=float('-inf')" in render(recipe, layer)[0]


def test_deconv_output_shape_and_output_padding() -> None:
    tf_layer = source_layer("tf", "deconv", (7,), 3, stride=2, padding="same", output_size=(14,))
    torch = port_layer(tf_layer, "torch")
    assert torch.crop == ((0, 1),) and torch.padding == ((0, 0),)
    onnx = render(port_layer(tf_layer, "onnx"), tf_layer)[0]
    assert "pads=[0, 1], output_padding=[0]" in onnx
    pt_layer = source_layer("torch", "deconv", (7,), 3, stride=2, padding=1, output_padding=1)
    tf = port_layer(pt_layer, "tf")
    assert tf.exact and tf.crop == ((1, 0),) and tf.output_size == (15,)


def test_onnx_output_shape_puts_the_odd_crop_first() -> None:
    layer = source_layer("onnx", "deconv", (3,), 3, stride=2, padding=0, output_size=(6,))
    assert layer.plan().pads == ((1, 0),)


@pytest.mark.parametrize(
    ("framework", "kwargs", "message"),
    [
        ("torch", {"stride": 2, "padding": "same"}, "PyTorch rejects padding='same' with stride 2"),
        ("tf", {"padding": "full"}, "TensorFlow has no 'full' padding"),
        ("keras", {"stride": 2, "dilation": 2}, "Keras rejects stride > 1 together with dilation"),
    ],
)
def test_source_rules(framework: str, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        source_layer(framework, "conv", (16,), 3, **kwargs)  # type: ignore[arg-type]


def test_torch_pool_pad_limit() -> None:
    with pytest.raises(SpecError, match="at most half the kernel"):
        source_layer("torch", "pool", (16,), 3, stride=2, padding=2)


def test_no_exact_equivalent_says_why() -> None:
    layer = source_layer("torch", "conv", (20,), 3, stride=2, dilation=2, padding=2)
    recipe = port_layer(layer, "tf")
    assert not recipe.exact and "stride > 1 with dilation > 1" in recipe.notes[0]
