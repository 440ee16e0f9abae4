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

from typing import TYPE_CHECKING

from convcalc.errors import (
    ArrayFormatError,
    ConvcalcError,
    EmptyOutputError,
    NoInverseError,
    SpecError,
)

if TYPE_CHECKING:
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

_SHAPE_NAMES = frozenset(
    {
        "AxisPlan",
        "DeconvAxis",
        "DeconvPlan",
        "Padding",
        "WindowPlan",
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
    }
)
"""The shape engine's names re-exported here; they load on first use (PEP 562), so
``import convcalc.cli`` does not load the whole engine."""


def __getattr__(name: str) -> object:
    """Fetch a shape-engine name from :mod:`convcalc.shape` on first use.

    >>> import convcalc
    >>> convcalc.conv_output_shape((13,), 6, stride=5, padding="same")
    (3,)
    """
    if name not in _SHAPE_NAMES:
        raise AttributeError(f"module 'convcalc' has no attribute {name!r}")
    import convcalc.shape

    value = getattr(convcalc.shape, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
