"""Array layouts: where the batch, channel and spatial axes are, and how kernels are laid out.

Internally every operation runs on channels-first arrays ``(N, C, *spatial)`` with PyTorch
weights; a :class:`Layout` converts in and out.

========  =================  ==========================  ===============================
layout    input / output     conv weight                 transposed-conv weight
========  =================  ==========================  ===============================
plain     ``*spatial``       ``*k``                      ``*k``
ncw …     ``N, C, *spatial`` ``O, C/groups, *k``         ``C_in, O/groups, *k`` (PyTorch)
nwc …     ``N, *spatial, C`` ``*k, C/groups, O``         ``*k, O/groups, C_in`` (TensorFlow)
========  =================  ==========================  ===============================

``ncw``/``nchw``/``ncdhw`` and ``nwc``/``nhwc``/``ndhwc`` fix the number of spatial axes
(1, 2, 3); ``plain`` takes any rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from convcalc.errors import ArrayFormatError, SpecError

__all__ = ["LAYOUTS", "Layout", "get_layout"]

_SPATIAL = {1: "W", 2: "H, W", 3: "D, H, W"}
_KERNEL = {1: "kW", 2: "kH, kW", 3: "kD, kH, kW"}


@dataclass(frozen=True, slots=True)
class Layout:
    """One array layout.

    >>> get_layout("nhwc").to_first(np.zeros((2, 5, 7, 3))).shape
    (2, 3, 5, 7)
    """

    name: str
    channels: str  # "none", "first" or "last"
    spatial: int | None  # number of spatial axes; None: any (plain)

    @property
    def copies(self) -> int:
        """Arrays of the output's size a result needs: 2 when :meth:`from_first` copies."""
        return 2 if self.channels == "last" else 1

    def spatial_rank(self, x: npt.NDArray[Any], what: str = "input") -> int:
        """Spatial axes of *x*; raises if its rank does not fit the layout."""
        if self.spatial is None:
            if x.ndim < 1:
                raise ArrayFormatError(f"the {what} is a scalar; it needs at least 1 dimension")
            return x.ndim
        if x.ndim != self.spatial + 2:
            raise ArrayFormatError(
                f"layout {self.name} needs a {self.spatial + 2}-D {what} "
                f"({self.describe()}), got shape {tuple(x.shape)}"
            )
        return self.spatial

    def describe(self, channels: str = "C") -> str:
        """The axes as text: ``N, C, H, W``."""
        spatial = _SPATIAL.get(self.spatial or 0, "spatial axes")
        if self.channels == "first":
            return f"N, {channels}, {spatial}"
        if self.channels == "last":
            return f"N, {spatial}, {channels}"
        return spatial

    def to_first(self, x: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """``(N, C, *spatial)`` view of an input in this layout."""
        if self.channels == "first":
            return x
        if self.channels == "last":
            return np.moveaxis(x, -1, 1)
        return x.reshape((1, 1, *x.shape))

    def from_first(self, y: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """A channels-first result back in this layout (C-contiguous)."""
        if self.channels == "first":
            return y
        if self.channels == "last":
            return np.ascontiguousarray(np.moveaxis(y, 1, -1))
        return y.reshape(y.shape[2:])

    def conv_weight(self, w: npt.NDArray[Any], rank: int) -> npt.NDArray[Any]:
        """A convolution weight as ``(O, C/groups, *k)`` (PyTorch)."""
        return self._weight(w, rank, "O, C/groups", "C/groups, O")

    def deconv_weight(self, w: npt.NDArray[Any], rank: int) -> npt.NDArray[Any]:
        """A transposed-convolution weight as ``(C_in, O/groups, *k)`` (PyTorch)."""
        return self._weight(w, rank, "C_in, O/groups", "O/groups, C_in")

    def _weight(self, w: npt.NDArray[Any], rank: int, first: str, last: str) -> npt.NDArray[Any]:
        kernel = _KERNEL.get(rank, "k…")
        if self.channels == "none":
            if w.ndim != rank:
                raise ArrayFormatError(
                    f"the kernel has {w.ndim} dimension(s) (shape {tuple(w.shape)}) but the "
                    f"input has {rank}; under layout plain they must match"
                )
            return w.reshape((1, 1, *w.shape))
        if w.ndim != rank + 2:
            axes = f"{first}, {kernel}" if self.channels == "first" else f"{kernel}, {last}"
            raise ArrayFormatError(
                f"layout {self.name} needs a {rank + 2}-D kernel ({axes}), "
                f"got shape {tuple(w.shape)}"
            )
        if self.channels == "first":
            return w
        return w.transpose((rank + 1, rank, *range(rank)))


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("plain", "none", None),
        Layout("ncw", "first", 1),
        Layout("nchw", "first", 2),
        Layout("ncdhw", "first", 3),
        Layout("nwc", "last", 1),
        Layout("nhwc", "last", 2),
        Layout("ndhwc", "last", 3),
    )
}


def get_layout(name: str | Layout) -> Layout:
    """Look a layout up by name (case-insensitive).

    >>> get_layout("NCHW").spatial
    2
    """
    if isinstance(name, Layout):
        return name
    layout = LAYOUTS.get(str(name).strip().lower())
    if layout is None:
        raise SpecError(f"unknown layout {name!r}; expected one of {', '.join(LAYOUTS)}")
    return layout
