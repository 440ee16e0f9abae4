"""Shape inversion: every input length a convolution maps to a given output (pure).

Each candidate comes back as the transposed convolution (of that output, same parameters)
that reaches exactly that length, so the answer doubles as a recipe. The candidates are the
forward preimage in closed form (:func:`~convcalc.shape.reach.forward_preimage`): at most
``stride`` lengths, found in O(1) whatever the kernel.

>>> [c.output for c in invert_axis(3, 100_000_000)]
[100000002]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from convcalc.errors import NoInverseError, SpecError
from convcalc.shape.axes import Pair, check_window, each_axis
from convcalc.shape.padding import Padding, PaddingArg, describe_padding
from convcalc.shape.reach import forward_preimage
from convcalc.shape.transpose import DeconvAxis, deconv_axis
from convcalc.shape.window import window_args

__all__ = ["MAX_CANDIDATES", "invert_axis", "invert_plan"]

MAX_CANDIDATES = 4096
"""Most input lengths an inversion lists (per axis, and over the combinations of all axes):
a stride of *s* gives *s* candidates, so a larger answer ends in a one-line
:class:`~convcalc.errors.SpecError` that names the range instead of listing it."""


def invert_axis(
    output: int,
    kernel: int,
    *,
    stride: int = 1,
    dilation: int = 1,
    padding: Padding | Pair = Padding.VALID,
) -> tuple[DeconvAxis, ...]:
    """Every input length a convolution maps to *output*, each as the transposed convolution
    (of *output*, with the same parameters) that comes back to exactly that length.

    >>> [(c.output, c.output_padding) for c in invert_axis(6, 3, stride=2, padding=(1, 1))]
    [(11, 0), (12, 1)]
    """
    check_window("output size", output, kernel, stride, dilation)
    sizes = forward_preimage(output, kernel, stride, dilation, padding)
    if len(sizes) > MAX_CANDIDATES:
        raise SpecError(
            f"{len(sizes)} input lengths ({sizes[0]} to {sizes[-1]}) give output {output}, "
            f"more than convcalc lists (limit {MAX_CANDIDATES})"
        )
    if not sizes:
        raise NoInverseError(
            f"no input length gives output {output} with kernel {kernel}, stride {stride}, "
            f"dilation {dilation} and {describe_padding(padding)}"
        )
    return tuple(
        deconv_axis(
            output, kernel, stride=stride, dilation=dilation, padding=padding, output_size=n
        )
        for n in sizes
    )


def invert_plan(
    output_shape: Sequence[int],
    kernel_shape: int | Sequence[int],
    *,
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = Padding.VALID,
) -> tuple[tuple[DeconvAxis, ...], ...]:
    """Per axis, every input length that a convolution maps to *output_shape*.

    >>> [len(c) for c in invert_plan((7, 7), 3, stride=2, padding="same")]
    [2, 2]
    """
    args = window_args(output_shape, kernel_shape, stride, dilation, padding)

    def plan(a: int) -> tuple[DeconvAxis, ...]:
        n, k, s, d, p = args[a]
        return invert_axis(n, k, stride=s, dilation=d, padding=p)

    per_axis_candidates = each_axis(len(args), plan)
    combinations = math.prod(len(c) for c in per_axis_candidates)
    if combinations > MAX_CANDIDATES:
        raise SpecError(
            f"the axes' input lengths combine into {combinations} input shapes, more than "
            f"convcalc lists (limit {MAX_CANDIDATES}); invert one axis at a time"
        )
    return per_axis_candidates
