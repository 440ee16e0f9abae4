"""convcalc.frameworks.compare: every framework's spelling, planned by the engine and judged."""

from __future__ import annotations

from convcalc.frameworks.compare import Row, Verdict, compare_layer
from convcalc.frameworks.layer import divisors, make_layer
from convcalc.shape import conv_axis


def rows(*args: object, **kwargs: object) -> dict[str, Row]:
    layer = make_layer(*args, **kwargs)  # type: ignore[arg-type]
    return {f"{r.framework} {r.spelling}": r for r in compare_layer(layer)}


def test_tf_same_vs_torch_padding_1_is_shifted() -> None:
    got = rows("conv", (6,), 3, stride=2, padding="same")
    tf, torch = got["TensorFlow padding='SAME'"], got["PyTorch padding=1"]
    assert (tf.output, tf.pads, tf.verdict) == ((3,), ((0, 1),), Verdict.EXACT)
    assert (torch.output, torch.pads, torch.verdict) == ((3,), ((1, 1),), Verdict.SHIFTED)
    assert "windows shifted by 1" in torch.why
    assert got["PyTorch padding='same'"].verdict is Verdict.UNSUPPORTED
    assert got["PyTorch F.pad (0, 1) + padding=0"].verdict is Verdict.EXACT
    assert got["ONNX auto_pad=SAME_LOWER"].pads == ((1, 0),)


def test_even_kernel_same_split_sides() -> None:
    got = rows("conv", (8,), 4, padding="same")
    assert got["PyTorch padding='same'"].pads == ((1, 2),)
    assert got["SciPy correlate(x, w, 'same')"].pads == ((2, 1),)
    assert got["SciPy correlate(x, w, 'same')"].verdict is Verdict.SHIFTED


def test_avg_pool_divisors() -> None:
    got = rows("pool", (6,), 3, stride=2, padding="same", pool="avg")
    assert got["TensorFlow padding='SAME'"].divisor == "real cells only"
    assert got["PyTorch F.pad (0, 1) + padding=0"].verdict is Verdict.DIVISOR
    assert divisors(conv_axis(6, 3, stride=2, padding=(0, 1)), True) == (3, 3, 3)


def test_caffe_pools_round_up() -> None:
    got = rows("pool", (112,), 3, stride=2, padding=1)
    caffe = got["Caffe pad: 1 (always ceil)"]
    assert (caffe.output, caffe.verdict) == ((57,), Verdict.SIZE)


def test_deconv_same_vs_torch_output_padding() -> None:
    got = rows("deconv", (7,), 3, stride=2, padding="same")
    torch = got["PyTorch padding=1, output_padding=1"]
    assert torch.output == (14,) and torch.pads == ((1, 0),)
    assert torch.verdict is Verdict.SHIFTED
    assert got["ONNX auto_pad=SAME_UPPER"].verdict is Verdict.EXACT
    assert got["TensorFlow padding='VALID', output_shape=14"].verdict is Verdict.UNSUPPORTED


def test_strided_dilated_is_not_expressible_in_tf() -> None:
    got = rows("conv", (20,), 3, stride=2, dilation=2, padding="same")
    assert got["TensorFlow strides + dilation"].verdict is Verdict.UNSUPPORTED
