"""The ``upsample`` words of the layer-stack language (pure): resize modes, ``align`` and a
fractional scale ``f1.5``; :mod:`convcalc.network.layers` resolves them with the resize
core (:func:`convcalc.shape.resize.resize_plan`, PyTorch's rules).

>>> RESIZE_FLAGS["bilinear"], RESIZE_FLAGS["align"]
(('resize', 'bilinear'), ('align', True))
"""

from __future__ import annotations

import re

from convcalc.errors import SpecError
from convcalc.shape.axes import MAX_SIZE

__all__ = ["RESIZE_FLAGS", "SCALES", "scale_token"]

RESIZE_FLAGS: dict[str, tuple[str, object]] = {
    "align": ("align", True),
    "align_corners": ("align", True),
    **{m: ("resize", m) for m in ("nearest", "nearest-exact", "linear", "cubic", "area")},
    **{m: ("resize", m) for m in ("bilinear", "trilinear", "bicubic")},
}
"""Token → (LayerSpec field, value): a mode (aliases resolved by the core) or align."""

SCALES = re.compile(r"[0-9]+(\.[0-9]+)?(x[0-9]+(\.[0-9]+)?)*")


def scale_token(spec_text: str, index: int, tok: str, body: str) -> tuple[float, ...]:
    """``f1.5`` / ``f1.5x2``: a fractional scale factor per axis (at most 2**40; the core
    checks that it is positive and what it gives).

    >>> scale_token("upsample f1.5x2", 1, "f1.5x2", "1.5x2")
    (1.5, 2.0)
    """
    parts = body.split("x")
    if any(len(v) > 40 for v in parts) or any(float(v) > MAX_SIZE for v in parts):
        raise SpecError(f"layer {index} '{spec_text}': scale factor {tok!r} is too large")
    return tuple(float(v) for v in parts)
