"""convcalc: convolution, transposed-convolution and pooling shapes, pads and execution.

Importing ``convcalc`` loads only the pure shape engine (standard library); the NumPy
executor lives in ``convcalc.execute``.

>>> from convcalc import conv_output_shape
>>> conv_output_shape((224, 224), 7, stride=2, padding="same")
(112, 112)
"""

from __future__ import annotations

from convcalc.errors import (
    ArrayFormatError,
    ConvcalcError,
    EmptyOutputError,
    NoInverseError,
    SpecError,
)
from convcalc.shape import (
    AxisPlan,
    DeconvAxis,
    DeconvPlan,
    Padding,
    WindowPlan,
    conv_axis,
    conv_output_shape,
    conv_plan,
    deconv_axis,
    deconv_output_shape,
    deconv_plan,
    effective_kernel,
    invert_axis,
    invert_plan,
    pool_axis,
    pool_output_shape,
    pool_plan,
    resolve_pads,
)

__version__ = "0.1.0"

__all__ = [
    "ArrayFormatError",
    "AxisPlan",
    "ConvcalcError",
    "DeconvAxis",
    "DeconvPlan",
    "EmptyOutputError",
    "NoInverseError",
    "Padding",
    "SpecError",
    "WindowPlan",
    "__version__",
    "conv_axis",
    "conv_output_shape",
    "conv_plan",
    "deconv_axis",
    "deconv_output_shape",
    "deconv_plan",
    "effective_kernel",
    "invert_axis",
    "invert_plan",
    "pool_axis",
    "pool_output_shape",
    "pool_plan",
    "resolve_pads",
]
