"""convcalc.frameworks.port: source rules, recipes and the code they print."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner, Result

from convcalc.cli import cli
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


# ------------------------------------------------------------------ bounded work (issue 14)


def _cli(*args: str) -> tuple[Result, float]:
    start = time.perf_counter()
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})
    return result, time.perf_counter() - start


def test_huge_kernel_transposed_conv_ports_fast() -> None:
    result, seconds = _cli(
        "port", "--from", "tf", "--to", "tf", "deconv", "-i", "5", "-k", "1000000000000",
        "-p", "valid", "--json",
    )  # fmt: skip
    assert seconds < 2, seconds
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["recipe"]["output_size"] == [1000000000004]


@pytest.mark.parametrize(
    ("args", "status", "words"),
    [
        (["conv", "-i", "1099511627777", "-k", "3"], 2, ("size 1099511627777", "2**40")),
        (["deconv", "-i", "5", "-k", "9223372036854775808"], 2, ("-k", "2**40")),
        (["pool", "-i", "5", "-k", "2", "-p", "1099511627777"], 2, ("-p", "2**40")),
        (
            ["pool", "-i", "1099511627776", "-k", "3", "-s", "1", "-p", "1", "--type", "avg"],
            1,
            ("DIVISOR_WINDOWS",),
        ),
    ],
)
@pytest.mark.parametrize("command", [["compare"], ["port", "--from", "torch", "--to", "tf"]])
def test_huge_values_are_one_error_line(
    command: list[str], args: list[str], status: int, words: tuple[str, ...]
) -> None:
    """Options above the limit are malformed (exit 2); a layer too big to judge is data (1)."""
    result, seconds = _cli(*command, *args)
    assert seconds < 2, seconds
    assert result.exit_code == status, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, result.stderr
    assert all(w in lines[0] for w in words), lines[0]


@pytest.mark.parametrize("op", ["conv", "pool", "deconv"])
@pytest.mark.parametrize("source", ["tf", "torch", "onnx"])
def test_largest_sizes_port_and_compare_fast(op: str, source: str) -> None:
    big = str(2**40)
    pad = "same" if source != "torch" or op == "conv" else "1"
    for args in (
        ["port", "--from", source, "--to", "keras", op, "-i", big, "-k", "3", "-s", "1"],
        ["port", "--from", source, "--to", "torch", op, "-i", "5", "-k", big, "-s", "1"],
        ["compare", op, "-i", big, "-k", big, "-s", big, "-d", big],
    ):
        result, seconds = _cli(*args, "-p", pad, "--json")
        assert seconds < 2, (args, seconds)
        assert result.exit_code in (0, 1), result.output
        assert result.exit_code == 0 or result.stderr.startswith("Error: "), result.stderr


def test_onnx_output_shape_broadcasts_over_axes() -> None:
    result, _ = _cli(
        "port", "--from", "onnx", "--to", "torch", "deconv", "-i", "8x9", "-k", "3", "-s", "2",
        "-p", "same", "--output-size", "16",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    layer = source_layer("onnx", "deconv", (8, 9), 3, stride=2, padding="same", output_size=[16])
    assert layer.plan().output == (16, 16)
