"""Read a layer the way one framework reads its arguments, rejecting what it rejects (pure).

``--from`` of ``convcalc port``: a spelling in TensorFlow, Keras, PyTorch or ONNX becomes a
:class:`~convcalc.frameworks.layer.Layer` in convcalc's own terms.

>>> source_layer("onnx", "pool", (6,), 3, stride=2, padding="same").count_pad
False
"""

from __future__ import annotations

from collections.abc import Sequence

from convcalc.errors import SpecError
from convcalc.frameworks.layer import NAMES, Layer, make_layer, plan_with
from convcalc.frameworks.recipe import check_portable
from convcalc.shape import DeconvPlan, Padding, PaddingArg, split_total
from convcalc.shape.axes import broadcast

__all__ = ["source_layer"]

MODES = {
    "tf": {Padding.SAME, Padding.VALID},
    "keras": {Padding.SAME, Padding.VALID, Padding.CAUSAL},
    "torch": {Padding.SAME, Padding.VALID},
    "onnx": {Padding.SAME, Padding.SAME_LOWER, Padding.VALID},
}
"""The padding modes each framework has a name for."""


def source_layer(
    framework: str,
    op: str,
    input_shape: Sequence[int],
    kernel: int | Sequence[int],
    *,
    stride: int | Sequence[int] | None = None,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = Padding.VALID,
    pool: str = "max",
    ceil_mode: bool = False,
    count_pad: bool | None = None,
    output_padding: int | Sequence[int] | None = None,
    output_size: Sequence[int] | None = None,
) -> Layer:
    """Read a layer the way *framework* reads its arguments, rejecting what it rejects.

    ``same`` means TensorFlow/Keras SAME, PyTorch ``padding='same'`` (stride 1 only) or
    ONNX SAME_UPPER; explicit pads mean PyTorch's ``padding=`` (or a pad op before it).
    ``count_pad=None`` takes the framework's default (PyTorch: pad cells count).

    >>> source_layer("torch", "conv", (8,), 3, stride=2, padding="same")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    convcalc.errors.SpecError: PyTorch rejects padding='same' with stride 2 (...)
    """
    check_portable(framework)
    layer = make_layer(
        op,
        input_shape,
        kernel,
        stride=stride,
        dilation=dilation,
        padding=padding,
        pool=pool,
        ceil_mode=ceil_mode,
        count_pad=count_pad,
        output_padding=output_padding,
        output_size=output_size,
    )
    mode = layer.padding if isinstance(layer.padding, Padding) else None
    _reject(framework, layer, mode)
    if framework in ("tf", "keras") and count_pad is None and op == "pool":
        layer = layer.with_padding(layer.padding, count_pad=mode is None)
    if framework == "torch":
        layer = _torch_source(layer, mode, count_pad)
    if framework == "onnx":
        if count_pad is None:
            layer = layer.with_padding(layer.padding, count_pad=False)
        if op == "deconv" and output_size is not None:
            layer = _onnx_output_shape(layer, mode)
    if op == "deconv" and framework == "tf" and output_size is None and mode is not None:
        layer = layer.with_padding(layer.padding)  # Keras' default size stands in
    layer.plan()
    return layer


def _reject(framework: str, layer: Layer, mode: Padding | None) -> None:
    """What TensorFlow, Keras and every framework refuse outright, whatever the layer."""
    name = NAMES[framework]
    if mode is not None and mode not in MODES[framework]:
        raise SpecError(f"{name} has no {mode.value!r} padding")
    if framework == "keras" and mode is Padding.CAUSAL and (layer.op != "conv" or layer.ndim != 1):
        raise SpecError("Keras has causal padding only in Conv1D")
    if framework not in ("tf", "keras"):
        return
    if layer.ceil_mode:
        raise SpecError(f"{name} pools have no ceil mode")
    strided = any(s > 1 for s in layer.stride)
    if layer.op != "deconv" and strided and any(d > 1 for d in layer.dilation):
        raise SpecError(f"{name} rejects stride > 1 together with dilation > 1")


def _torch_source(layer: Layer, mode: Padding | None, count_pad: bool | None) -> Layer:
    strides = [s for s in layer.stride if s > 1]
    if mode is Padding.SAME and layer.op == "conv" and strides:
        raise SpecError(
            f"PyTorch rejects padding='same' with stride {strides[0]} "
            "(\"padding='same' is not supported for strided convolutions\")"
        )
    if mode is not None and layer.op != "conv":
        kind = "pools" if layer.op == "pool" else "ConvTranspose"
        raise SpecError(f"PyTorch {kind} take no string padding; give pads such as -p 1")
    if mode is None:
        pads = layer.padding
        assert not isinstance(pads, Padding)
        if layer.op == "deconv" and any(a != b for a, b in pads):
            raise SpecError("PyTorch ConvTranspose pads are symmetric; give one value per axis")
        if layer.op == "pool":
            for (a, b), k in zip(pads, layer.kernel, strict=True):
                if max(a, b) > k // 2:
                    raise SpecError(
                        f"PyTorch pool padding must be at most half the kernel ({k // 2}), "
                        f"got {max(a, b)}"
                    )
    if count_pad is None and layer.op == "pool":
        return layer.with_padding(layer.padding, count_pad=True)
    return layer


def _onnx_output_shape(layer: Layer, mode: Padding | None) -> Layer:
    """ONNX ConvTranspose with ``output_shape``: pads are ignored; the crop total is split
    with the extra cell at the start unless ``auto_pad=SAME_UPPER`` (the spec's Else branch)."""
    assert layer.output_size is not None
    full = plan_with(layer, ((0, 0),) * layer.ndim, output_padding=(0,) * layer.ndim)
    assert isinstance(full, DeconvPlan)
    pads = []
    extra = []
    wanted = broadcast("output_size", layer.output_size, layer.ndim)
    for axis, want in zip(full.axes, wanted, strict=True):
        total = axis.output - want
        split = split_total(
            max(total, 0), Padding.SAME if mode is Padding.SAME else Padding.SAME_LOWER
        )
        pads.append(split)
        extra.append(max(-total, 0))
    return layer.with_padding(tuple(pads), output_padding=tuple(extra), output_size=None)
