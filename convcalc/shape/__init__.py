"""The shape engine: output sizes and pad splits for convolution, transposed convolution
and pooling, N-d, their inversion, and the formulas explained step by step (``explain``).
Pure Python, standard library only (and ``convcalc.errors``) — the one source of every formula.

Modules: ``axes`` (limits, checks, broadcasting, the plan base classes), ``padding``
(modes and pad splits), ``window`` (convolution, pooling), ``transpose`` (transposed
convolution, unpooling), ``reach`` (sizes a transposed convolution can reach), ``invert``
(inputs giving an output), ``explain`` (the arithmetic in words). Every value is ≤
``MAX_SIZE`` (2**40); every answer is a closed form, so the work never grows with the numbers typed.

Names load on first use (PEP 562): ``from convcalc.shape import conv_plan`` imports
``window`` and what it needs, not the transposed-convolution modules, so a shape query
starts fast.

>>> from convcalc.shape import conv_plan
>>> conv_plan((13,), 6, stride=5, padding="same").pads
((1, 2),)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from convcalc._lazy import lazy_exports

if TYPE_CHECKING:
    from convcalc.shape.axes import (
        MAX_SIZE,
        Pair,
        Shape,
        effective_kernel,
    )
    from convcalc.shape.invert import (
        MAX_CANDIDATES,
        invert_axis,
        invert_plan,
    )
    from convcalc.shape.padding import (
        Padding,
        PaddingArg,
        PaddingSpec,
        normalize_padding,
        resolve_pads,
        split_total,
    )
    from convcalc.shape.reach import (
        keras_padding,
    )
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

_HOMES = {
    "MAX_SIZE": "axes",
    "Pair": "axes",
    "Shape": "axes",
    "effective_kernel": "axes",
    "MAX_CANDIDATES": "invert",
    "invert_axis": "invert",
    "invert_plan": "invert",
    "Padding": "padding",
    "PaddingArg": "padding",
    "PaddingSpec": "padding",
    "normalize_padding": "padding",
    "resolve_pads": "padding",
    "split_total": "padding",
    "keras_padding": "reach",
    "DeconvAxis": "transpose",
    "DeconvPlan": "transpose",
    "deconv_axis": "transpose",
    "deconv_output_shape": "transpose",
    "deconv_plan": "transpose",
    "unpool_axis": "transpose",
    "unpool_output_shape": "transpose",
    "AxisPlan": "window",
    "WindowPlan": "window",
    "conv_axis": "window",
    "conv_output_shape": "window",
    "conv_plan": "window",
    "default_count_include_pad": "window",
    "pool_axis": "window",
    "pool_output_shape": "window",
    "pool_plan": "window",
    "preimage": "window",
}
"""Each public name and the submodule that defines it."""


__getattr__, __dir__ = lazy_exports(
    __name__, {name: f"convcalc.shape.{home}" for name, home in _HOMES.items()}
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
