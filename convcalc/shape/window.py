"""Forward sliding windows: convolution and pooling output sizes and pads (pure).

One rule covers every framework once the pads are known (JAX ``stride_dim``)::

    k_eff = d·(k − 1) + 1
    out   = (n + before + after − k_eff) // s + 1            # floor mode
    out   = ceil((n + before + after − k_eff) / s) + 1       # ceil mode (pooling), then drop
            the last window if it would start in the right padding: (out − 1)·s ≥ n + before

The named modes only decide ``(before, after)`` (:func:`~convcalc.shape.padding.resolve_pads`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from convcalc.errors import EmptyOutputError, SpecError
from convcalc.shape.axes import (
    AxesPlan,
    AxisWindow,
    Pair,
    Shape,
    check_pads,
    check_window,
    each_axis,
    effective_kernel,
    per_axis,
)
from convcalc.shape.padding import (
    Padding,
    PaddingArg,
    PaddingSpec,
    describe_padding,
    normalize_padding,
    resolve_pads,
)

__all__ = [
    "AxisPlan",
    "WindowPlan",
    "conv_axis",
    "conv_output_shape",
    "conv_plan",
    "default_count_include_pad",
    "pool_axis",
    "pool_output_shape",
    "pool_plan",
    "preimage",
    "window_count",
]


@dataclass(frozen=True, slots=True)
class AxisPlan(AxisWindow):
    """One spatial axis of a convolution or pooling: every number a diagram or executor needs.

    Coordinates: window ``j`` covers padded cells ``j·s + t·d`` for taps ``t < k``, i.e.
    input cells ``j·s − pad_low + t·d`` (negative or ≥ ``input`` means padding).
    """

    input: int
    kernel: int
    stride: int
    dilation: int
    pad_low: int
    pad_high: int
    output: int
    padding: Padding | None = None
    ceil_mode: bool = False

    @property
    def padded(self) -> int:
        """Length of the padded axis, ``pad_low + input + pad_high``."""
        return self.pad_low + self.input + self.pad_high

    @property
    def span(self) -> int:
        """Padded cells from the first window's start to the last window's end."""
        return (self.output - 1) * self.stride + self.effective_kernel

    @property
    def overhang(self) -> int:
        """Cells the last (ceil-mode) window reaches past the padded end; 0 in floor mode."""
        return max(self.span - self.padded, 0)

    @property
    def dropped(self) -> int:
        """Input cells at the end that no window reaches (VALID with a stride that does not
        divide, for instance)."""
        return max(min(self.pad_low + self.input - self.span, self.input), 0)

    @property
    def ceil_dropped(self) -> bool:
        """Ceil mode rounded up to one more window, but it would start inside the right
        padding, so it was dropped (PyTorch/ONNX rule); that window's index is ``output``.

        >>> pool_axis(4, 2, stride=3, padding=(1, 1), ceil_mode=True).ceil_dropped
        True
        >>> pool_axis(5, 2, ceil_mode=True).ceil_dropped   # its 3rd window is kept
        False
        """
        room = self.padded - self.effective_kernel
        return self.ceil_mode and window_count(room, self.stride, ceil_mode=True) > self.output

    def window_start(self, j: int) -> int:
        """Input index (may be negative: padding) of window *j*'s first tap."""
        return j * self.stride - self.pad_low

    def taps(self, j: int) -> range:
        """Input indices read by window *j*, padding included (out-of-range indices)."""
        start = self.window_start(j)
        return range(start, start + self.effective_kernel, self.dilation)


@dataclass(frozen=True, slots=True)
class WindowPlan(AxesPlan[AxisPlan]):
    """N-d convolution or pooling: one :class:`AxisPlan` per spatial axis; ``input``,
    ``output`` and ``pads`` read across them (:class:`~convcalc.shape.axes.AxesPlan`)."""

    axes: tuple[AxisPlan, ...]


def window_count(room: int, stride: int, *, ceil_mode: bool = False) -> int:
    """Window positions with *room* cells of slack (padded length − k_eff), stride apart:
    ``room // s + 1``, or ``ceil(room / s) + 1`` in ceil mode (before the drop rule).

    >>> window_count(5, 2), window_count(5, 2, ceil_mode=True)
    (3, 4)
    """
    return (-(-room // stride) if ceil_mode else room // stride) + 1


def conv_axis(
    n: int,
    kernel: int,
    *,
    stride: int = 1,
    dilation: int = 1,
    padding: Padding | Pair = Padding.VALID,
    ceil_mode: bool = False,
) -> AxisPlan:
    """Plan one axis of a convolution: output length and the exact pad split.

    Args:
        n: input length. kernel: kernel length (before dilation).
        stride, dilation: window step and tap spacing.
        padding: a :class:`Padding` mode or an explicit ``(before, after)`` pair.
        ceil_mode: round the window count up (pooling; PyTorch/ONNX drop rule).

    Raises:
        SpecError: a size, stride or dilation below 1, or a negative pad.
        EmptyOutputError: the window does not fit the padded input.

    >>> p = conv_axis(13, 6, stride=5, padding=Padding.SAME)
    >>> p.output, p.pads
    (3, (1, 2))
    >>> p = conv_axis(13, 6, stride=5)   # valid: inputs 11 and 12 are dropped
    >>> p.output, p.dropped
    (2, 2)
    """
    check_window("input size", n, kernel, stride, dilation)
    k_eff = effective_kernel(kernel, dilation)
    low, high = check_pads(*resolve_pads(n, k_eff, stride, padding))
    out = window_count(n + low + high - k_eff, stride, ceil_mode=ceil_mode)
    if ceil_mode and (out - 1) * stride >= n + low:
        out -= 1  # PyTorch / ONNX: no window may start in the right padding
    if out < 1:
        raise EmptyOutputError(_empty_message(n, kernel, dilation, low, high, padding))
    mode = padding if isinstance(padding, Padding) else None
    return AxisPlan(n, kernel, stride, dilation, low, high, out, mode, ceil_mode)


def pool_axis(
    n: int,
    window: int,
    *,
    stride: int | None = None,
    dilation: int = 1,
    padding: Padding | Pair = Padding.VALID,
    ceil_mode: bool = False,
) -> AxisPlan:
    """Plan one axis of a pooling layer: like :func:`conv_axis`, stride defaults to *window*.

    >>> pool_axis(5, 2, padding=(1, 1), ceil_mode=True).output   # 4th window starts in pad
    3
    """
    return conv_axis(
        n,
        window,
        stride=window if stride is None else stride,
        dilation=dilation,
        padding=padding,
        ceil_mode=ceil_mode,
    )


def conv_plan(
    input_shape: Sequence[int],
    kernel_shape: int | Sequence[int],
    *,
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = Padding.VALID,
    ceil_mode: bool = False,
) -> WindowPlan:
    """Plan an N-d convolution; ints broadcast over the axes.

    >>> conv_plan((224, 224), 7, stride=2, padding="same").pads
    ((2, 3), (2, 3))
    """
    shape = per_axis("input size", input_shape, len(input_shape))
    args = window_args(shape, kernel_shape, stride, dilation, padding)

    def plan(a: int) -> AxisPlan:
        n, k, s, d, p = args[a]
        return conv_axis(n, k, stride=s, dilation=d, padding=p, ceil_mode=ceil_mode)

    return WindowPlan(each_axis(len(args), plan))


def pool_plan(
    input_shape: Sequence[int],
    window: int | Sequence[int],
    *,
    stride: int | Sequence[int] | None = None,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = Padding.VALID,
    ceil_mode: bool = False,
) -> WindowPlan:
    """Plan an N-d pooling layer; the stride defaults to the window.

    >>> pool_plan((112, 112), 3, stride=2, padding=1).output
    (56, 56)
    """
    return conv_plan(
        input_shape,
        window,
        stride=window if stride is None else stride,
        dilation=dilation,
        padding=padding,
        ceil_mode=ceil_mode,
    )


def conv_output_shape(
    input_shape: Sequence[int],
    kernel_shape: int | Sequence[int],
    *,
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = Padding.VALID,
) -> Shape:
    """Spatial output shape of a convolution.

    >>> conv_output_shape((13,), 6, stride=5, padding="same")
    (3,)
    """
    return conv_plan(
        input_shape, kernel_shape, stride=stride, dilation=dilation, padding=padding
    ).output


def pool_output_shape(
    input_shape: Sequence[int],
    window: int | Sequence[int],
    *,
    stride: int | Sequence[int] | None = None,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = Padding.VALID,
    ceil_mode: bool = False,
) -> Shape:
    """Spatial output shape of a pooling layer.

    >>> pool_output_shape((10,), 1, stride=2, ceil_mode=True)
    (5,)
    """
    return pool_plan(
        input_shape,
        window,
        stride=stride,
        dilation=dilation,
        padding=padding,
        ceil_mode=ceil_mode,
    ).output


def default_count_include_pad(plan: WindowPlan) -> bool:
    """The average-pool divisor rule that goes with the padding's style: explicit pads
    (PyTorch) count pad cells, a mode name (TensorFlow, ONNX ``auto_pad``) does not.

    >>> default_count_include_pad(pool_plan((6,), 3, padding=1))
    True
    >>> default_count_include_pad(pool_plan((6,), 3, padding="same"))
    False
    """
    return plan.axes[0].padding is None


def preimage(target: int, forward: Callable[[int], int], low: int, high: int) -> range:
    """The lengths ``n`` in ``[low, high]`` with ``forward(n) == target``, as a range.

    *forward* must be non-decreasing (every window rule is) and may reject only the smallest
    lengths (with :class:`SpecError`: no window fits); those count as below *target*. Found by
    bisection: about ``2·log2(high − low)`` calls of *forward*, whatever the numbers.

    >>> preimage(3, lambda n: conv_axis(n, 3, stride=2).output, 1, 20)
    range(7, 9)
    """

    def reaches(bound: int) -> Callable[[int], bool]:
        def key(n: int) -> bool:
            try:
                return forward(n) >= bound
            except SpecError:
                return False

        return key

    lengths = range(max(low, 1), high + 1)
    first = bisect.bisect_left(lengths, True, key=reaches(target))
    end = bisect.bisect_left(lengths, True, lo=first, key=reaches(target + 1))
    return lengths[first:end] if first < end else range(0)


AxisArgs = tuple[int, int, int, int, Padding | Pair]
"""One axis of an N-d query, broadcast and checked, as a per-axis rule takes it:
``(size, kernel, stride, dilation, padding)``."""


def window_args(
    sizes: Sequence[int],
    kernel_shape: int | Sequence[int],
    stride: int | Sequence[int],
    dilation: int | Sequence[int],
    padding: PaddingArg,
) -> tuple[AxisArgs, ...]:
    """Broadcast kernel, stride, dilation and padding over the axes of *sizes* and check them
    (in that order; *sizes* are the caller's to check), one :data:`AxisArgs` per axis.

    >>> window_args((5, 6), 3, (1, 2), 1, "valid")[1]
    (6, 3, 2, 1, <Padding.VALID: 'valid'>)
    """
    ndim = len(sizes)
    kernels = per_axis("kernel", kernel_shape, ndim)
    strides = per_axis("stride", stride, ndim)
    dilations = per_axis("dilation", dilation, ndim)
    spec = normalize_padding(padding, ndim)
    return tuple(
        (sizes[a], kernels[a], strides[a], dilations[a], axis_padding(spec, a)) for a in range(ndim)
    )


def axis_padding(spec: PaddingSpec, axis: int) -> Padding | Pair:
    """The padding of one axis: the mode itself, or that axis' pair."""
    return spec if isinstance(spec, Padding) else spec[axis]


def _empty_message(
    n: int, kernel: int, dilation: int, low: int, high: int, padding: Padding | Pair
) -> str:
    k_eff = effective_kernel(kernel, dilation)
    kernel_text = f"kernel {kernel}"
    if dilation > 1:
        kernel_text += f" (effective {k_eff} with dilation {dilation})"
    mode = describe_padding(padding)
    return (
        f"{kernel_text} is larger than padded input {n + low + high} under {mode}: "
        "no window fits, the output would be empty"
    )
