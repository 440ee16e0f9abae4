"""Which output sizes a transposed convolution can reach under a named mode (pure).

With a mode (TensorFlow / Keras) the crop is the pad the *forward* convolution of the
requested size would use, so TensorFlow accepts exactly the sizes whose forward convolution
gives back the input ``n`` (the forward preimage): SAME ``[(n − 1)·s + 1, n·s]``, VALID
``[(n − 1)·s + k_eff, (n − 1)·s + k_eff + s − 1]``. Keras picks one of them from its own
``output_padding``. Everything here is a closed form: O(1) whatever the sizes.

>>> named_size(4, 3, 2, 1, Padding.SAME, None, None)
(8, (7, 8), 8, 1)
"""

from __future__ import annotations

from convcalc.errors import EmptyOutputError, NoInverseError, SpecError
from convcalc.shape.axes import Pair, effective_kernel
from convcalc.shape.padding import Padding, describe_padding, resolve_pads

__all__ = ["check_reachable", "forward_preimage", "keras_padding", "named_size"]


def keras_padding(mode: Padding, k_eff: int) -> int | None:
    """The symmetric pad Keras assumes when ``output_padding`` is given (``None``: Keras has
    no transposed convolution for this mode).

    >>> keras_padding(Padding.SAME, 5), keras_padding(Padding.CAUSAL, 5)
    (2, None)
    """
    return {
        Padding.SAME: k_eff // 2,
        Padding.SAME_LOWER: k_eff // 2,
        Padding.VALID: 0,
        Padding.FULL: k_eff - 1,
    }.get(mode)


def forward_preimage(
    n: int, kernel: int, stride: int, dilation: int, padding: Padding | Pair
) -> range:
    """Every input length whose forward convolution has output *n*: the window rule solved
    for the input, in O(1). ``⌊(m + P − k_eff) / s⌋ + 1 = n`` holds for the *s* lengths from
    ``m = (n − 1)·s + k_eff − P``; SAME and SAME_LOWER (``⌈m / s⌉ = n``) from ``(n − 1)·s + 1``.

    >>> forward_preimage(3, 3, 2, 1, Padding.VALID), forward_preimage(3, 3, 2, 1, Padding.SAME)
    (range(7, 9), range(5, 7))
    """
    k_eff = effective_kernel(kernel, dilation)
    if padding in (Padding.SAME, Padding.SAME_LOWER):
        low = (n - 1) * stride + 1
    else:
        low = (n - 1) * stride + k_eff - sum(resolve_pads(1, k_eff, stride, padding))
    return range(max(low, 1), low + stride)


def named_size(
    n: int,
    kernel: int,
    stride: int,
    dilation: int,
    mode: Padding,
    output_padding: int | None,
    output_size: int | None,
) -> tuple[int, Pair, int, int | None]:
    """(size, TF-accepted range, Keras default, Keras output_padding) for a named mode."""
    k_eff = effective_kernel(kernel, dilation)
    sizes = forward_preimage(n, kernel, stride, dilation, mode)
    if not sizes:
        raise EmptyOutputError(
            f"no input length gives a '{mode.value}' convolution output of {n} with kernel "
            f"{k_eff} and stride {stride}, so the transposed convolution has no size"
        )
    reach = (sizes[0], sizes[-1])
    default = n * stride + {
        Padding.VALID: max(k_eff - stride, 0),
        Padding.FULL: 2 - stride - k_eff,
    }.get(mode, 0)
    default = min(max(default, reach[0]), reach[1])
    keras_pad = keras_padding(mode, k_eff)
    keras_base = None if keras_pad is None else (n - 1) * stride + k_eff - 2 * keras_pad
    if output_size is not None:
        check_reachable(output_size, reach, n, kernel, stride, dilation, mode)
        size = output_size
    elif output_padding is not None:
        size = _keras_size(n, k_eff, stride, mode, reach, keras_base, output_padding)
    else:
        size = default
    keras_op = None
    if keras_base is not None and 0 <= size - keras_base < stride:
        keras_op = size - keras_base
    return size, reach, default, keras_op


def _keras_size(
    n: int,
    k_eff: int,
    stride: int,
    mode: Padding,
    reach: Pair,
    keras_base: int | None,
    output_padding: int,
) -> int:
    """The size Keras computes from its ``output_padding``, if TensorFlow accepts it."""
    if keras_base is None:
        raise SpecError(
            f"output_padding is a Keras notion and Keras has no '{mode.value}' transposed "
            "convolution; give the output size instead"
        )
    if not 0 <= output_padding < stride:
        raise SpecError(
            f"output_padding must be ≥ 0 and smaller than the stride {stride} "
            f"(Keras), got {output_padding}"
        )
    size = keras_base + output_padding
    if not reach[0] <= size <= reach[1]:
        lo_op, hi_op = max(reach[0] - keras_base, 0), min(reach[1] - keras_base, stride - 1)
        keras_pad = keras_padding(mode, k_eff)
        raise SpecError(
            f"Keras computes (n − 1)·s + k − 2·{keras_pad} + output_padding = {size} "
            f"for input {n}, kernel {k_eff}, stride {stride}, '{mode.value}', but "
            f"TensorFlow accepts only output sizes {reach[0]}..{reach[1]} here, so the "
            f"op raises; use output_padding {_span(lo_op, hi_op)} or the default (None)"
        )
    return size


def _span(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}..{hi}"


def check_reachable(
    size: int,
    reach: Pair,
    n: int,
    kernel: int,
    stride: int,
    dilation: int,
    padding: Padding | Pair,
) -> None:
    """Raise :class:`NoInverseError` naming the reachable range unless *size* is in it."""
    if not reach[0] <= size <= reach[1]:
        dil = f", dilation {dilation}" if dilation > 1 else ""
        raise NoInverseError(
            f"output size {size} is not reachable: a transposed convolution of input {n} "
            f"with kernel {kernel}, stride {stride}{dil} and {describe_padding(padding)} gives "
            "sizes "
            f"{reach[0]} to {reach[1]}"
        )
