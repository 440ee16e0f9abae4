"""convcalc: convolution, transposed-convolution and pooling shapes, pads and execution.

Importing ``convcalc`` loads only the pure shape engine (standard library); the NumPy
executor lives in ``convcalc.execute``. The package is laid out in rooms; each may import
only the rooms below it (enforced by import-linter, contracts in ``pyproject.toml``):

- ``cli``: the Click commands, thin; errors mapped to exit codes once.
- ``report``: what the commands print (plain text, Rich tables, JSON-ready dicts).
- ``network``: layer stacks, their runner, the built-in networks.
  ``frameworks``: framework spellings, compare, port, solve, ``--check``.
  ``diagram``: the padded-grid model, its values and its Rich pictures.
- ``execute``: the NumPy executor. ``arrays``: array files and built-in kernels.
- ``shape``: the pure shape engine and its explanations (standard library only).
- ``errors``: one exception root, :class:`ConvcalcError`.

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
