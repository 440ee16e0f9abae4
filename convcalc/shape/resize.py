"""Interpolation resize under each library's convention (pure, standard library only).

A :class:`ResizePlan` holds, per spatial axis, the input and output sizes, the scale the
user gave and the resolved :class:`ResizeSettings` (mode, coordinate rule, nearest
rounding, cubic coefficient, ...); :meth:`ResizeAxis.sample` gives, for any output index,
the source coordinate, taps and weights the library computes (:mod:`resize_rules`).

Output sizes from a scale: PyTorch ``⌊in·scale⌋`` (float64), ONNX ``⌊in·scale⌋`` in
float32, Keras ``UpSampling`` ``in·scale`` (integer scales). TensorFlow's resize takes
sizes only. PyTorch and ONNX map coordinates with the given scale, not out/in (PyTorch's
``recompute_scale_factor`` switches to out/in).

>>> plan = resize_plan((5,), scale=(2.0,), mode="linear", convention="torch")
>>> plan.output, plan.axes[0].sample(1).taps, plan.axes[0].sample(1).weights
((10,), (0, 1), (0.75, 0.25))
>>> resize_plan((5,), scale=(2.5,), convention="onnx").output
(12,)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from convcalc.errors import SpecError
from convcalc.shape.axes import MAX_SIZE
from convcalc.shape.resize_antialias import jax_sample, pil_sample
from convcalc.shape.resize_kernels import NEAREST_RULES, Round, f32, f64
from convcalc.shape.resize_rules import (
    Sample,
    keras_sample,
    onnx_sample,
    opencv_sample,
    tf_sample,
    torch_sample,
)

__all__ = [
    "CONVENTIONS",
    "COORDINATE_MODES",
    "MODES",
    "NEAREST_RULES",
    "ResizeAxis",
    "ResizePlan",
    "ResizeSettings",
    "resize_plan",
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
MAX_TAPS = 2**16
"""Most input cells one output may read (an area or antialiased downscale by in/out reads
about in/out of them): bounded work for the per-output tables."""

_ALIASES = {"bilinear": "linear", "trilinear": "linear", "bicubic": "cubic"}

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


@dataclass(frozen=True, slots=True)
class ResizeAxis:
    """One spatial axis: sizes, the scale given (``None``: a size was given), settings.

    >>> axis = resize_plan((4,), size=(8,), mode="nearest", convention="onnx").axes[0]
    >>> [axis.sample(i).taps[0] for i in range(8)]
    [0, 0, 1, 1, 2, 2, 3, 3]
    """

    input: int
    output: int
    scale: float | None
    settings: ResizeSettings

    @property
    def rnd(self) -> Round:
        """Rounding after each operation: float32, or float64 (PyTorch on float64)."""
        return f64 if self.settings.precision == "float64" else f32

    @property
    def onnx_scale(self) -> float:
        """onnxruntime's float32 scale: the one given, else out/in."""
        if self.scale is not None:
            return f32(self.scale)
        return f32(f32(self.output) / f32(self.input))

    def max_taps(self) -> int:
        """An upper bound on the taps of one output (an area or antialiased filter spans
        about in/out cells; the others at most 4).

        >>> resize_plan((100,), size=(10,), mode="area").axes[0].max_taps()
        12
        """
        ratio = self.input / self.output
        s = self.settings
        if s.mode == "area":
            return math.ceil(ratio) + 2
        if s.antialias or (s.convention == "pil" and s.mode != "nearest"):
            return math.ceil(2 * 2 * max(1.0, ratio)) + 3
        return 4

    def sample(self, i: int) -> Sample:
        """Output index *i*: source coordinate, taps, weights."""
        if not 0 <= i < self.output:
            raise SpecError(f"output index {i} is outside 0 … {self.output - 1}")
        return _SAMPLERS[self.settings.convention](self, i)


_SAMPLERS: dict[str, Callable[[ResizeAxis, int], Sample]] = {
    "torch": torch_sample,
    "tf": tf_sample,
    "tf1": tf_sample,
    "keras": keras_sample,
    "onnx": onnx_sample,
    "opencv": opencv_sample,
    "pil": pil_sample,
    "jax": jax_sample,
}


@dataclass(frozen=True, slots=True)
class ResizePlan:
    """A resize of every spatial axis.

    >>> resize_plan((4, 6), size=(8, 3), mode="area", convention="tf").output
    (8, 3)
    """

    settings: ResizeSettings
    axes: tuple[ResizeAxis, ...]

    @property
    def output(self) -> tuple[int, ...]:
        return tuple(a.output for a in self.axes)

    @property
    def library(self) -> str:
        key = "keras-upsampling" if self.settings.upsampling else self.settings.convention
        return LIBRARY[key].replace("{n}", str(len(self.axes)))


def resize_plan(
    input_: Sequence[int],
    *,
    size: Sequence[int] | None = None,
    scale: Sequence[float] | None = None,
    mode: str = "nearest",
    convention: str = "torch",
    align_corners: bool | None = None,
    half_pixel_centers: bool | None = None,
    recompute_scale_factor: bool = False,
    coordinate_mode: str | None = None,
    nearest_mode: str | None = None,
    cubic_a: float | None = None,
    exclude_outside: bool | None = None,
    antialias: bool | None = None,
    precision: str = "float32",
) -> ResizePlan:
    """Resolve a resize: output sizes and settings, or a :class:`SpecError` naming what
    the library refuses.

    >>> resize_plan((2, 2), scale=(2.0,), mode="cubic", convention="torch").settings.cubic_a
    -0.75
    >>> resize_plan((3,), scale=(2.0,), mode="cubic")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    convcalc.errors.SpecError: torch.nn.functional.interpolate has no cubic resize of 1-D ...
    """
    rank = len(input_)
    mode = _ALIASES.get(mode, mode)
    if convention not in CONVENTIONS:
        raise SpecError(f"unknown convention {convention!r}; expected one of {CONVENTIONS}")
    if mode not in MODES:
        raise SpecError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    if (size is None) == (scale is None):
        raise SpecError("give either a size or a scale (not both, not neither)")
    if convention in ("tf", "tf1", "pil", "jax") and scale is not None:
        raise SpecError(f"{LIBRARY[convention]} takes an output size (--size), not a scale")
    upsampling = convention == "keras" and scale is not None
    key = "keras-upsampling" if upsampling else convention
    _check_rank(key, mode, rank)
    knobs: dict[str, object] = {
        "align_corners": align_corners,
        "half_pixel_centers": half_pixel_centers,
        "coordinate_mode": coordinate_mode,
        "nearest_mode": nearest_mode,
        "cubic_a": cubic_a,
        "exclude_outside": exclude_outside,
        "antialias": antialias,
    }
    settings = _settings(key, mode, knobs, recompute_scale_factor, scale is not None)
    settings = replace(settings, rank=rank)
    if convention == "torch":
        settings = replace(settings, precision=precision)
    sizes = _broadcast("size", size, rank) if size is not None else None
    scales = _broadcast("scale", scale, rank) if scale is not None else None
    axes = tuple(
        _axis(n, None if sizes is None else sizes[k], None if scales is None else scales[k],
              settings)
        for k, n in enumerate(input_)
    )  # fmt: skip
    settings = replace(
        settings,
        unchanged=all(a.input == a.output for a in axes),
        downscale=all((a.output / a.input if a.scale is None else a.scale) <= 1 for a in axes),
        first_row=settings.convention == "torch"
        and settings.antialias
        and rank == 2
        and axes[1].output == 1
        and axes[0].input != axes[0].output,
    )
    axes = tuple(replace(a, settings=settings) for a in axes)
    for k, axis in enumerate(axes):
        if axis.max_taps() > MAX_TAPS:
            raise SpecError(
                f"each output of axis {k} reads about {axis.max_taps()} input cells "
                f"({axis.input} → {axis.output}); convcalc computes at most 2**16 per output"
            )
    return ResizePlan(settings, axes)


def _check_rank(key: str, mode: str, rank: int) -> None:
    ranks = RANKS[key].get(mode)
    library = LIBRARY[key].replace("{n}", str(rank))
    if ranks is None:
        have = ", ".join(RANKS[key])
        raise SpecError(f"{library} has no {mode} mode (it has: {have})")
    if rank not in ranks:
        have = ", ".join(f"{r}-D" for r in ranks)
        raise SpecError(f"{library} has no {mode} resize of {rank}-D inputs (it has: {have})")


def _broadcast(name: str, values: Sequence[float], rank: int) -> list[float]:
    if len(values) not in (1, rank):
        raise SpecError(f"--{name} has {len(values)} values for {rank} spatial axes")
    return [values[0]] * rank if len(values) == 1 else list(values)


def _axis(n: int, size: float | None, scale: float | None, s: ResizeSettings) -> ResizeAxis:
    if scale is None:
        return ResizeAxis(n, int(size or 0), None, s)
    if not (math.isfinite(scale) and scale > 0):
        raise SpecError(f"scale must be a positive number, got {scale!r}")
    if s.upsampling:
        if scale != int(scale):
            raise SpecError(f"Keras UpSampling repeats by an integer factor, got scale {scale}")
        out = n * int(scale)
    elif s.convention == "onnx":
        out = int(f32(f32(scale) * f32(n)))
    elif s.convention == "opencv":
        out = round(n * scale)  # cvRound: halves to even
    else:
        out = math.floor(n * scale)
    if out < 1:
        raise SpecError(f"input {n} × scale {scale} gives output size {out}; it must be ≥ 1")
    if out > MAX_SIZE:
        raise SpecError(f"output size {out} is above convcalc's limit 2**40 = {MAX_SIZE}")
    return ResizeAxis(n, out, float(scale), s)


def _settings(
    key: str, mode: str, knobs: dict[str, object], recompute: bool, by_scale: bool
) -> ResizeSettings:
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
    align = bool(knobs["align_corners"])
    convention = "keras" if key == "keras-upsampling" else key
    antialias = bool(knobs["antialias"])
    if key == "torch":
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
