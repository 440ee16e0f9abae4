"""Built-in kernels, in any number of spatial axes (outer products of 1-D factors).

Kernels are for the default cross-correlation: ``sobel-x`` responds positively where values
increase along the last axis (to the right), ``sobel-y`` along the axis before it (down),
like OpenCV's ``Sobel`` and ``scipy.ndimage.sobel``.

==========  ==================================================================
name        kernel (2-D)
==========  ==================================================================
sobel-x     ``[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]`` (1-D: ``[-1, 0, 1]``)
sobel-y     its transpose (needs 2 or more axes)
laplacian   ``[[0, 1, 0], [1, -4, 1], [0, 1, 0]]`` (centre ``−2·rank``)
box3/box5   mean over a 3- / 5-wide box
gaussian3   ``[1, 2, 1] ⊗ [1, 2, 1] / 16``
gaussian5   ``[1, 4, 6, 4, 1] ⊗ [1, 4, 6, 4, 1] / 256``
identity    3-wide, 1 in the centre
==========  ==================================================================

>>> builtin_kernel("sobel-x", 2).astype(int).tolist()
[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
>>> builtin_kernel("gaussian3", 1).tolist()
[0.25, 0.5, 0.25]
"""

from __future__ import annotations

from functools import reduce

import numpy as np
import numpy.typing as npt

from convcalc.errors import SpecError

__all__ = ["KERNELS", "MAX_BUILTIN_TAPS", "builtin_kernel"]

KERNELS = {
    "sobel-x": "Sobel derivative along the last axis (x, to the right)",
    "sobel-y": "Sobel derivative along the axis before the last (y, down)",
    "laplacian": "discrete Laplacian (3-wide, centre −2·rank)",
    "box3": "3-wide mean",
    "box5": "5-wide mean",
    "gaussian3": "3-wide binomial blur [1, 2, 1]/4 per axis",
    "gaussian5": "5-wide binomial blur [1, 4, 6, 4, 1]/16 per axis",
    "identity": "3-wide, 1 in the centre",
}
"""Built-in kernel names and what they do."""

MAX_BUILTIN_TAPS = 2**24
"""A built-in kernel has ``3^rank`` (``5^rank``) taps; past this many (rank 16, resp. 11)
it is refused before it is built (it could not fit any input that exists anyway)."""

_SMOOTH = {
    "box3": np.full(3, 1 / 3),
    "box5": np.full(5, 1 / 5),
    "gaussian3": np.array([1.0, 2.0, 1.0]) / 4,
    "gaussian5": np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16,
    "identity": np.array([0.0, 1.0, 0.0]),
}


def _outer(factors: list[npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
    return np.array(reduce(np.multiply.outer, factors), dtype=np.float64)


def builtin_kernel(name: str, rank: int) -> npt.NDArray[np.float64]:
    """The built-in kernel *name* for inputs with *rank* spatial axes (float64).

    Raises:
        SpecError: unknown name, ``sobel-y`` for a 1-D input, or more than
            :data:`MAX_BUILTIN_TAPS` taps.
    """
    key = name.strip().lower().replace("_", "-")
    if key not in KERNELS:
        raise SpecError(f"unknown built-in kernel {name!r}; expected one of {', '.join(KERNELS)}")
    if rank < 1:
        raise SpecError("built-in kernels need at least one spatial axis")
    width = 5 if key.endswith("5") else 3
    if width**rank > MAX_BUILTIN_TAPS:
        raise SpecError(
            f"the built-in kernel {key} for {rank} spatial axes would have {width}^{rank} taps, "
            f"more than {MAX_BUILTIN_TAPS}; pass a kernel array instead"
        )
    if key in _SMOOTH:
        return _outer([_SMOOTH[key]] * rank)
    if key == "laplacian":
        kernel = np.zeros((3,) * rank)
        centre = (1,) * rank
        kernel[centre] = -2.0 * rank
        for axis in range(rank):
            for side in (0, 2):
                kernel[(*centre[:axis], side, *centre[axis + 1 :])] = 1.0
        return kernel
    axis = rank - 1 if key == "sobel-x" else rank - 2
    if axis < 0:
        raise SpecError(f"{key} needs an input with at least 2 spatial axes, got {rank}")
    factors = [np.array([1.0, 2.0, 1.0])] * rank
    factors[axis] = np.array([-1.0, 0.0, 1.0])
    return _outer(factors)
