"""Each library's resize settings: its names, the ranks and modes it has, its defaults and
the knobs it accepts (pure). :func:`library_settings` resolves one request into a
:class:`ResizeSettings`, or a :class:`SpecError` naming what the library refuses.

>>> library_settings("onnx", "cubic", dict.fromkeys(KNOBS), False, True).cubic_a
-0.75
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from convcalc.errors import SpecError
from convcalc.shape.resize_kernels import NEAREST_RULES

__all__ = [
    "ALIASES",
    "CONVENTIONS",
    "COORDINATE_MODES",
    "KNOBS",
    "LIBRARY",
    "MODES",
    "RANKS",
    "ResizeSettings",
    "check_rank",
    "library_settings",
]

CONVENTIONS = ("torch", "tf", "tf1", "keras", "onnx", "opencv", "pil", "jax")
MODES = ("nearest", "nearest-exact", "linear", "cubic", "area")
COORDINATE_MODES = (
    "half_pixel",
    "pytorch_half_pixel",
    "align_corners",
    "asymmetric",
    "half_pixel_symmetric",
)

ALIASES = {"bilinear": "linear", "trilinear": "linear", "bicubic": "cubic"}

_ANY, _2D = (1, 2, 3), (2,)
RANKS: dict[str, dict[str, tuple[int, ...]]] = {
    "torch": {"nearest": _ANY, "nearest-exact": _ANY, "linear": _ANY, "cubic": _2D, "area": _ANY},
    "tf": {"nearest": _2D, "linear": _2D, "cubic": _2D, "area": _2D},
    "tf1": {"nearest": _2D, "linear": _2D, "cubic": _2D, "area": _2D},
    "keras": {"nearest": _2D, "linear": _2D, "cubic": _2D, "area": _2D},
    "keras-upsampling": {"nearest": _ANY, "linear": _2D, "cubic": _2D},
    "onnx": {"nearest": _ANY, "linear": _ANY, "cubic": _2D},
    "opencv": {m: _2D for m in ("nearest", "nearest-exact", "linear", "cubic", "area")},
    "pil": {"nearest": _2D, "linear": _2D, "cubic": _2D, "area": _2D},
    "jax": {"nearest": _ANY, "linear": _ANY, "cubic": _ANY},
}
"""Spatial ranks each library computes each mode for (``keras-upsampling``: ``--scale``)."""

KNOBS = (
    "align_corners",
    "half_pixel_centers",
    "coordinate_mode",
    "nearest_mode",
    "cubic_a",
    "exclude_outside",
    "antialias",
)
"""The options that override a library's defaults (``None``: the default)."""

LIBRARY = {
    "torch": "torch.nn.functional.interpolate",
    "tf": "tf.image.resize",
    "tf1": "tf.compat.v1.image.resize",
    "keras": "keras.layers.Resizing",
    "keras-upsampling": "keras.layers.UpSampling{n}D",
    "onnx": "ONNX Resize (onnxruntime)",
    "opencv": "cv2.resize",
    "pil": "PIL.Image.resize",
    "jax": "jax.image.resize",
}


@dataclass(frozen=True, slots=True)
class ResizeSettings:
    """Everything that decides the sampling, with the library's defaults filled in."""

    convention: str
    mode: str
    coordinate: str
    nearest: str | None = None
    cubic_a: float | None = None
    exclude_outside: bool = False
    align_corners: bool = False
    half_pixel_centers: bool = False
    recompute_scale_factor: bool = False
    precision: str = "float32"
    upsampling: bool = False  # Keras UpSampling (a --scale under keras)
    rank: int = 0  # spatial axes (PyTorch's nearest differs between its 2-D and other kernels)
    unchanged: bool = False  # every output size equals its input size (onnxruntime copies)
    downscale: bool = False  # OpenCV: no axis grows (its true area mode)
    antialias: bool = False  # the kernel widened by in/out on downscale
    first_row: bool = False  # PyTorch 2.13 antialias, output width 1: every row is row 0


def check_rank(key: str, mode: str, rank: int) -> None:
    """Refuse a mode, or a number of spatial axes, that the library does not resize."""
    ranks = RANKS[key].get(mode)
    library = LIBRARY[key].replace("{n}", str(rank))
    if ranks is None:
        have = ", ".join(RANKS[key])
        raise SpecError(f"{library} has no {mode} mode (it has: {have})")
    if rank not in ranks:
        have = ", ".join(f"{r}-D" for r in ranks)
        raise SpecError(f"{library} has no {mode} resize of {rank}-D inputs (it has: {have})")


def library_settings(
    key: str, mode: str, knobs: dict[str, object], recompute: bool, by_scale: bool
) -> ResizeSettings:
    """The library's settings for *mode*, with *knobs* (``None``: the default) overriding
    them where the library has the option, refused where it does not."""
    library = LIBRARY[key].replace("{n}D", "")
    allowed = {
        "torch": {"align_corners", "antialias"},
        "tf": {"antialias"},
        "jax": {"antialias"},
        "tf1": {"align_corners", "half_pixel_centers"},
        "onnx": {"align_corners", "coordinate_mode", "nearest_mode", "cubic_a",
                 "exclude_outside", "antialias"},
    }.get(key, set())  # fmt: skip
    for name, value in knobs.items():
        if value not in (None, False) and name not in allowed:
            raise SpecError(f"{library} has no {name} option")
    if recompute and not (key == "torch" and by_scale):
        raise SpecError("recompute_scale_factor needs --convention torch and a --scale")
    if key == "torch":
        return _torch_settings(mode, knobs, recompute)
    if key == "onnx":
        return _onnx_settings(mode, knobs)
    if key in ("pil", "jax"):
        rule = {"nearest": "half_pixel", "area": "box"}.get(mode, "half_pixel")
        keep = key == "pil" or knobs["antialias"] is not False
        return ResizeSettings(key, mode, rule, cubic_a=-0.5 if mode == "cubic" else None,
                              antialias=keep and mode != "nearest")  # fmt: skip
    if key == "opencv":
        rule = {"nearest": "asymmetric", "area": "area"}.get(mode, "half_pixel")
        return ResizeSettings("opencv", mode, rule, cubic_a=-0.75 if mode == "cubic" else None)
    return _tf_settings(key, mode, knobs)


def _torch_settings(mode: str, knobs: dict[str, object], recompute: bool) -> ResizeSettings:
    library = LIBRARY["torch"]
    align, antialias = bool(knobs["align_corners"]), bool(knobs["antialias"])
    if align and mode not in ("linear", "cubic"):
        raise SpecError(f"{library}: align_corners can only be set with linear or cubic")
    if antialias and mode not in ("linear", "cubic"):
        raise SpecError(f"{library}: antialias is only supported for linear and cubic")
    if antialias and align:
        raise SpecError("convcalc does not model PyTorch's antialias with align_corners")
    rule = _torch_rule(mode, align)
    a = (-0.5 if antialias else -0.75) if mode == "cubic" else None
    return ResizeSettings(
        "torch", mode, rule, cubic_a=a, align_corners=align,
        recompute_scale_factor=recompute, antialias=antialias,
    )  # fmt: skip


def _tf_settings(key: str, mode: str, knobs: dict[str, object]) -> ResizeSettings:
    """TensorFlow 2, TF1's ``compat.v1`` resizes, Keras ``Resizing`` and ``UpSampling``."""
    library = LIBRARY[key].replace("{n}D", "")
    align, antialias = bool(knobs["align_corners"]), bool(knobs["antialias"])
    convention = "keras" if key == "keras-upsampling" else key
    half = key in ("tf", "keras", "keras-upsampling")
    if key == "tf1":
        half = bool(knobs["half_pixel_centers"])
        if half and align:
            raise SpecError(
                f"{library}: if half_pixel_centers is True, align_corners must be False"
            )
        if half and mode == "area":
            raise SpecError("tf.compat.v1.image.resize_area has no half_pixel_centers option")
    rule = "align_corners" if align else ("half_pixel" if half else "asymmetric")
    if mode == "area":
        rule = "area"
    elif key == "keras-upsampling" and mode == "nearest":
        rule = "repeat"
    a = (-0.5 if half else -0.75) if mode == "cubic" else None
    return ResizeSettings(
        convention, mode, rule, cubic_a=a, exclude_outside=half and mode == "cubic",
        align_corners=align, half_pixel_centers=half, upsampling=key == "keras-upsampling",
        antialias=antialias and mode in ("linear", "cubic"),
    )  # fmt: skip


def _torch_rule(mode: str, align: bool) -> str:
    if mode == "area":
        return "area"
    if mode == "nearest":
        return "asymmetric"
    return "align_corners" if align else "half_pixel"


def _onnx_settings(mode: str, knobs: dict[str, object]) -> ResizeSettings:
    rule = str(knobs["coordinate_mode"] or "half_pixel")
    if rule not in COORDINATE_MODES:
        raise SpecError(f"unknown coordinate mode {rule!r}; expected one of {COORDINATE_MODES}")
    if knobs["align_corners"]:
        if knobs["coordinate_mode"] not in (None, "align_corners"):
            raise SpecError(f"align_corners contradicts coordinate mode {rule}")
        rule = "align_corners"
    nearest = str(knobs["nearest_mode"] or "round_prefer_floor")
    if nearest not in NEAREST_RULES:
        raise SpecError(f"unknown nearest mode {nearest!r}; expected one of {NEAREST_RULES}")
    a = knobs["cubic_a"]
    cubic_a = -0.75 if a is None else float(a)  # type: ignore[arg-type]
    if not math.isfinite(cubic_a):
        raise SpecError(f"cubic coefficient must be a finite number, got {a!r}")
    return ResizeSettings(
        "onnx", mode, rule,
        nearest=nearest if mode == "nearest" else None,
        cubic_a=cubic_a if mode == "cubic" else None,
        exclude_outside=bool(knobs["exclude_outside"]) and mode == "cubic",
        align_corners=rule == "align_corners",
        antialias=bool(knobs["antialias"]) and mode in ("linear", "cubic"),
    )  # fmt: skip
