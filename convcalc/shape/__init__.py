"""The shape engine: output sizes and pad splits for convolution, transposed convolution
and pooling, N-d, their inversion, and the formulas explained step by step (``explain``).
Pure Python, standard library only (and ``convcalc.errors``) — the one source of every formula.

Modules: ``axes`` (limits, checks, broadcasting), ``padding`` (modes and pad splits),
``window`` (convolution, pooling), ``transpose`` (transposed convolution, unpooling),
``reach`` (sizes a transposed convolution can reach), ``invert`` (inputs giving an output),
``explain`` (the arithmetic in words). Every value is ≤ ``MAX_SIZE`` (2**40); every answer
is a closed form, so the work never grows with the numbers typed.

>>> from convcalc.shape import conv_plan
>>> conv_plan((13,), 6, stride=5, padding="same").pads
((1, 2),)
"""

from __future__ import annotations

from convcalc.shape.axes import MAX_SIZE, Pair, Shape, effective_kernel
from convcalc.shape.invert import MAX_CANDIDATES, invert_axis, invert_plan
from convcalc.shape.padding import (
    Padding,
    PaddingArg,
    PaddingSpec,
    normalize_padding,
    resolve_pads,
    split_total,
)
from convcalc.shape.reach import keras_padding
from convcalc.shape.transpose import (
    DeconvAxis,
    DeconvPlan,
    deconv_axis,
    deconv_output_shape,
    deconv_plan,
    unpool_axis,
    unpool_output_shape,
)
from convcalc.shape.window import (
    AxisPlan,
    WindowPlan,
    conv_axis,
    conv_output_shape,
    conv_plan,
    default_count_include_pad,
    pool_axis,
    pool_output_shape,
    pool_plan,
    preimage,
)

__all__ = [
    "MAX_CANDIDATES",
    "MAX_SIZE",
    "AxisPlan",
    "DeconvAxis",
    "DeconvPlan",
    "Padding",
    "PaddingArg",
    "PaddingSpec",
    "Pair",
    "Shape",
    "WindowPlan",
    "conv_axis",
    "conv_output_shape",
    "conv_plan",
    "deconv_axis",
    "deconv_output_shape",
    "deconv_plan",
    "default_count_include_pad",
    "effective_kernel",
    "invert_axis",
    "invert_plan",
    "keras_padding",
    "normalize_padding",
    "pool_axis",
    "pool_output_shape",
    "pool_plan",
    "preimage",
    "resolve_pads",
    "split_total",
    "unpool_axis",
    "unpool_output_shape",
]
