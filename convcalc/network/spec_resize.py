"""The ``upsample`` words of the layer-stack language (pure): resize modes, ``align``, a
fractional scale ``f1.5`` and a library convention (``torch`` by default, or ``tf``,
``tf1``, ``keras``, ``onnx``, ``opencv``, ``pil``, ``jax``: whose rule gives the output
size, e.g. OpenCV rounds ``in·f`` where PyTorch floors it); :mod:`convcalc.network.layers`
resolves them with the resize core (:func:`convcalc.shape.resize.resize_plan`).

>>> RESIZE_FLAGS["bilinear"], RESIZE_FLAGS["align"], RESIZE_FLAGS["opencv"]
(('resize', 'bilinear'), ('align', True), ('convention', 'opencv'))
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from convcalc.errors import SpecError
from convcalc.shape.axes import MAX_SIZE
from convcalc.shape.resize_settings import CONVENTIONS

if TYPE_CHECKING:
    from convcalc.network.spec import LayerSpec

__all__ = ["RESIZE_FLAGS", "SCALES", "check_resize_words", "scale_token"]

RESIZE_FLAGS: dict[str, tuple[str, object]] = {
    "align": ("align", True),
    "align_corners": ("align", True),
    **{m: ("resize", m) for m in ("nearest", "nearest-exact", "linear", "cubic", "area")},
    **{m: ("resize", m) for m in ("bilinear", "trilinear", "bicubic")},
    **{c: ("convention", c) for c in CONVENTIONS},
}
"""Token → (LayerSpec field, value): a mode (aliases resolved by the core), align or a
convention."""

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


def check_resize_words(spec: LayerSpec) -> None:
    """An ``upsample`` has one scale factor or one output size; the resize words (a mode,
    ``align``, a convention, ``f1.5``) belong to ``upsample`` only.

    >>> from convcalc.network.spec import parse_spec
    >>> try:
    ...     parse_spec("conv k3 opencv")
    ... except SpecError as exc:
    ...     print(exc)
    layer 1 'conv k3 opencv': a resize mode, align, a convention and f1.5 apply to upsample only
    """
    if spec.op == "upsample":
        given = [v for v in (spec.factor, spec.scale, spec.output_size) if v is not None]
        if not given:
            raise spec.fail("needs a scale factor or an output size, e.g. upsample f2 or o8")
        if len(given) > 1:
            raise spec.fail("give one scale factor (f2, f1.5) or an output size (o8), not both")
    elif any(
        v not in (None, False) for v in (spec.resize, spec.align, spec.scale, spec.convention)
    ):
        raise spec.fail("a resize mode, align, a convention and f1.5 apply to upsample only")
