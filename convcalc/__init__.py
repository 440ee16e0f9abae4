"""convcalc: convolution, transposed-convolution and pooling shapes, pads and execution.

Importing ``convcalc`` loads only the pure shape engine (standard library); the NumPy
executor lives in ``convcalc.execute``. The package is laid out in rooms; each may import
only the rooms below it (enforced by import-linter, contracts in ``pyproject.toml``):

- ``cli``: the Click commands, thin; errors mapped to exit codes once.
- ``explore``: the interactive explorer (Textual, imported only by ``convcalc explore``).
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

from convcalc import shape
from convcalc._lazy import lazy_exports
from convcalc.errors import (
    ArrayFormatError,
    ConvcalcError,
    EmptyOutputError,
    NoInverseError,
    SpecError,
)

if TYPE_CHECKING:
    from convcalc.shape import *  # noqa: F403 (for type checkers; loaded by name below)

__version__ = "0.1.0"

__all__ = [
    "ArrayFormatError",
    "ConvcalcError",
    "EmptyOutputError",
    "NoInverseError",
    "SpecError",
    "__version__",
    *shape.__all__,
]

# The shape engine's names load on first use: `import convcalc.cli` loads no engine module.
__getattr__, __dir__ = lazy_exports(__name__, dict.fromkeys(shape.__all__, "convcalc.shape"))
