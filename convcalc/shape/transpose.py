"""Transposed convolution: output sizes, pads, ``output_padding`` and shape inversion (pure).

A transposed convolution scatters each of its ``n`` inputs over ``k_eff`` cells, ``s`` apart:
the *full* result has ``(n − 1)·s + k_eff`` cells. Frameworks then crop ``(before, after)``
and may append ``output_padding`` cells at the end (PyTorch, ONNX)::

    out = (n − 1)·s + k_eff − before − after + output_padding

With a named mode (TensorFlow / Keras) the crop is the pad the *forward* convolution of the
requested output size would use; which sizes that allows is :mod:`convcalc.shape.reach`.
Inverting a convolution is :mod:`convcalc.shape.invert`. Max unpooling sizes live here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from convcalc.errors import EmptyOutputError, NoInverseError, SpecError
from convcalc.shape.axes import (
    AxesPlan,
    AxisWindow,
    Pair,
    Shape,
    broadcast,
    check_pads,
    check_positive,
    check_size,
    check_window,
    each_axis,
    effective_kernel,
    per_axis,
)
from convcalc.shape.padding import Padding, PaddingArg, normalize_padding, resolve_pads
from convcalc.shape.reach import check_reachable, named_size
from convcalc.shape.window import axis_padding, window_args

__all__ = [
    "DeconvAxis",
    "DeconvPlan",
    "deconv_axis",
    "deconv_output_shape",
    "deconv_plan",
    "unpool_axis",
    "unpool_output_shape",
]


@dataclass(frozen=True, slots=True)
class DeconvAxis(AxisWindow):
    """One spatial axis of a transposed convolution.

    ``pad_low``/``pad_high`` are cropped from the full result and ``output_padding`` cells are
    appended, so ``output = full − pad_low − pad_high + output_padding`` always holds.
    ``keras_output_padding`` is the Keras ``output_padding`` that gives this size under a
    named mode (``None`` for explicit pads, or when Keras cannot express it).
    """

    input: int
    kernel: int
    stride: int
    dilation: int
    pad_low: int
    pad_high: int
    output_padding: int
    output: int
    output_range: Pair
    default_output: int
    padding: Padding | None = None
    keras_output_padding: int | None = None

    @property
    def full(self) -> int:
        """Length before cropping: ``(n − 1)·s + k_eff``."""
        return (self.input - 1) * self.stride + self.effective_kernel

    @property
    def stretched(self) -> int:
        """The input with ``s − 1`` zeros between neighbours: ``(n − 1)·s + 1``."""
        return (self.input - 1) * self.stride + 1

    @property
    def border_low(self) -> int:
        """Zeros before the stretched input in the equivalent stride-1 convolution
        (``k_eff − 1 − pad_low``; negative means cells are cropped instead)."""
        return self.effective_kernel - 1 - self.pad_low

    @property
    def border_high(self) -> int:
        """Zeros after the stretched input: ``k_eff − 1 − pad_high + output_padding``."""
        return self.effective_kernel - 1 - self.pad_high + self.output_padding


@dataclass(frozen=True, slots=True)
class DeconvPlan(AxesPlan[DeconvAxis]):
    """N-d transposed convolution: one :class:`DeconvAxis` per spatial axis; ``input``,
    ``output`` and ``pads`` read across them (:class:`~convcalc.shape.axes.AxesPlan`)."""

    axes: tuple[DeconvAxis, ...]

    @property
    def output_padding(self) -> Shape:
        return tuple(a.output_padding for a in self.axes)

    @property
    def output_range(self) -> tuple[Pair, ...]:
        return tuple(a.output_range for a in self.axes)


def deconv_axis(
    n: int,
    kernel: int,
    *,
    stride: int = 1,
    dilation: int = 1,
    padding: Padding | Pair = (0, 0),
    output_padding: int | None = None,
    output_size: int | None = None,
) -> DeconvAxis:
    """Plan one axis of a transposed convolution.

    Explicit pads follow PyTorch (``0 ≤ output_padding < max(stride, dilation)``). A named
    mode follows TensorFlow/Keras: the size defaults to Keras' ``output_padding=None`` size
    (SAME ``n·s``, VALID ``n·s + max(k_eff − s, 0)``), ``output_padding`` is Keras', and
    ``output_size`` (TF ``output_shape``) may be any size in ``output_range``.

    Raises:
        SpecError: invalid sizes or ``output_padding``.
        NoInverseError: ``output_size`` outside the reachable range (the message names it).

    >>> deconv_axis(6, 3, stride=2, padding=(1, 1), output_size=12).output_padding
    1
    >>> a = deconv_axis(4, 3, stride=2, padding=Padding.SAME)
    >>> a.output, a.output_range, a.pads
    (8, (7, 8), (0, 1))
    """
    check_window("input size", n, kernel, stride, dilation)
    if output_size is not None:
        check_positive("output size", output_size)
    if isinstance(padding, Padding):  # the size first, then crop its forward pads
        size, reach, default, keras_op = named_size(
            n, kernel, stride, dilation, padding, output_padding, output_size
        )
        k_eff = effective_kernel(kernel, dilation)
        low, high = resolve_pads(size, k_eff, stride, padding)
        extra = size - ((n - 1) * stride + k_eff - low - high)
        axis = DeconvAxis(
            n, kernel, stride, dilation, low, high, extra, size, reach, default, padding, keras_op
        )
    else:
        axis = _explicit_axis(
            n, kernel, stride, dilation, check_pads(*padding), output_padding, output_size
        )
    check_size("output size", axis.output)
    return axis


def _explicit_axis(
    n: int,
    kernel: int,
    stride: int,
    dilation: int,
    pads: Pair,
    output_padding: int | None,
    output_size: int | None,
) -> DeconvAxis:
    """PyTorch: crop the pads, then append ``output_padding`` (< max(stride, dilation))."""
    low, high = pads
    full = (n - 1) * stride + effective_kernel(kernel, dilation)
    base = full - low - high
    limit = max(stride, dilation) - 1
    reach = (max(base, 1), base + limit)
    if output_size is not None:
        check_reachable(output_size, reach, n, kernel, stride, dilation, pads)
        if output_padding is not None and output_padding != output_size - base:
            raise SpecError(
                f"output_padding {output_padding} and output size {output_size} disagree: "
                f"that size needs output_padding {output_size - base}"
            )
        output_padding = output_size - base
    elif output_padding is None:
        output_padding = 0
    elif not 0 <= output_padding <= limit:
        raise SpecError(
            "output_padding must be ≥ 0 and smaller than stride or dilation "
            f"(max({stride}, {dilation}) = {limit + 1}), got {output_padding}"
        )
    size = base + output_padding
    if size < 1:
        raise EmptyOutputError(
            f"pads ({low}, {high}) crop all {full} cells of the transposed convolution "
            f"(input {n}, kernel {kernel}, stride {stride}): the output would be {size}"
        )
    return DeconvAxis(n, kernel, stride, dilation, low, high, output_padding, size, reach, base)


def deconv_plan(
    input_shape: Sequence[int],
    kernel_shape: int | Sequence[int],
    *,
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = 0,
    output_padding: int | Sequence[int] | None = None,
    output_size: Sequence[int] | None = None,
) -> DeconvPlan:
    """Plan an N-d transposed convolution (see :func:`deconv_axis`).

    >>> deconv_plan((3, 3), 3, stride=2, padding=1, output_padding=1).output
    (6, 6)
    """
    args = window_args(input_shape, kernel_shape, stride, dilation, padding)
    extras = _optional_per_axis("output_padding", output_padding, len(args))
    sizes = _optional_per_axis("output size", output_size, len(args))

    def plan(a: int) -> DeconvAxis:
        n, k, s, d, p = args[a]
        extra, size = extras[a], sizes[a]
        return deconv_axis(
            n, k, stride=s, dilation=d, padding=p, output_padding=extra, output_size=size
        )

    return DeconvPlan(each_axis(len(args), plan))


def deconv_output_shape(
    input_shape: Sequence[int],
    kernel_shape: int | Sequence[int],
    *,
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = 0,
    output_padding: int | Sequence[int] | None = None,
) -> Shape:
    """Spatial output shape of a transposed convolution.

    >>> deconv_output_shape((14, 14), 3, stride=2, padding=1, output_padding=1)
    (28, 28)
    """
    return deconv_plan(
        input_shape,
        kernel_shape,
        stride=stride,
        dilation=dilation,
        padding=padding,
        output_padding=output_padding,
    ).output


def _optional_per_axis(
    name: str, value: int | Sequence[int] | None, ndim: int
) -> tuple[int | None, ...]:
    return (None,) * ndim if value is None else broadcast(name, value, ndim)


def unpool_axis(
    n: int,
    window: int,
    *,
    stride: int | None = None,
    padding: Padding | Pair = (0, 0),
    output_size: int | None = None,
) -> int:
    """Output length of a max unpooling (PyTorch ``MaxUnpool``), stride defaulting to *window*.

    The default is the transposed convolution's size with those pads, ``(n − 1)·s − before −
    after + k``; an explicit *output_size* must lie strictly within one stride of it.

    >>> unpool_axis(2, 2), unpool_axis(3, 3, stride=2, padding=(1, 1))
    (4, 5)
    >>> unpool_axis(2, 2, output_size=6)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    convcalc.errors.NoInverseError: output size 6 is not valid ... sizes 3 to 5 are
    """
    step = window if stride is None else stride
    if isinstance(padding, Padding):
        raise SpecError(
            f"max unpooling takes explicit pads (PyTorch), got the mode '{padding.value}'"
        )
    default = deconv_axis(n, window, stride=step, padding=padding).default_output
    if output_size is None:
        return default
    check_positive("output size", output_size)
    low, high = max(default - step + 1, 1), default + step - 1
    if not low <= output_size <= high:
        raise NoInverseError(
            f"output size {output_size} is not valid for max unpooling of input {n} with "
            f"window {window} and stride {step}: sizes {low} to {high} are"
        )
    return output_size


def unpool_output_shape(
    input_shape: Sequence[int],
    window: int | Sequence[int],
    *,
    stride: int | Sequence[int] | None = None,
    padding: PaddingArg = 0,
    output_size: Sequence[int] | None = None,
) -> Shape:
    """Spatial output shape of a max unpooling (see :func:`unpool_axis`).

    >>> unpool_output_shape((2, 3), 2)
    (4, 6)
    """
    ndim = len(input_shape)
    windows = per_axis("window", window, ndim)
    strides = windows if stride is None else per_axis("stride", stride, ndim)
    spec = normalize_padding(padding, ndim)
    sizes = _optional_per_axis("output size", output_size, ndim)

    def plan(a: int) -> int:
        padding, size = axis_padding(spec, a), sizes[a]
        return unpool_axis(
            input_shape[a], windows[a], stride=strides[a], padding=padding, output_size=size
        )

    return each_axis(ndim, plan)
