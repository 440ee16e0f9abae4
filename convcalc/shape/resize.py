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
from convcalc.shape.resize_settings import (
    ALIASES,
    CONVENTIONS,
    COORDINATE_MODES,
    LIBRARY,
    MODES,
    ResizeSettings,
    check_rank,
    library_settings,
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

MAX_TAPS = 2**16
"""Most input cells one output may read (an area or antialiased downscale by in/out reads
about in/out of them): bounded work for the per-output tables."""


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
    mode = ALIASES.get(mode, mode)
    key = _library_key(convention, mode, size, scale)
    check_rank(key, mode, rank)
    knobs: dict[str, object] = {
        "align_corners": align_corners,
        "half_pixel_centers": half_pixel_centers,
        "coordinate_mode": coordinate_mode,
        "nearest_mode": nearest_mode,
        "cubic_a": cubic_a,
        "exclude_outside": exclude_outside,
        "antialias": antialias,
    }
    settings = library_settings(key, mode, knobs, recompute_scale_factor, scale is not None)
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
    return _finish(settings, axes)


def _library_key(
    convention: str, mode: str, size: Sequence[int] | None, scale: Sequence[float] | None
) -> str:
    """The library entry a request reads (Keras with a scale is ``UpSampling``)."""
    if convention not in CONVENTIONS:
        raise SpecError(f"unknown convention {convention!r}; expected one of {CONVENTIONS}")
    if mode not in MODES:
        raise SpecError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    if (size is None) == (scale is None):
        raise SpecError("give either a size or a scale (not both, not neither)")
    if convention in ("tf", "tf1", "pil", "jax") and scale is not None:
        raise SpecError(f"{LIBRARY[convention]} takes an output size (--size), not a scale")
    return "keras-upsampling" if convention == "keras" and scale is not None else convention


def _finish(settings: ResizeSettings, axes: tuple[ResizeAxis, ...]) -> ResizePlan:
    """Settings that depend on every axis, and the bound on taps per output."""
    rank = len(axes)
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
