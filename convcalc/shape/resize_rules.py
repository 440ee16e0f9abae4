"""Per output index: the source coordinate, taps and weights each library computes (pure).

One function per library family, each written in that library's own float32 operation
order (see :mod:`convcalc.shape.resize_kernels`): PyTorch ``F.interpolate`` (ATen
``UpSample.h``), TensorFlow's ``resize_*`` kernels (TF2 ``tf.image.resize`` is them with
``half_pixel_centers``; Keras ``Resizing`` calls it), onnxruntime's ``Resize``, Keras
``UpSampling`` (repeat) and OpenCV's ``cv2.resize``.
:class:`~convcalc.shape.resize.ResizeAxis` picks the function.

>>> from convcalc.shape.resize import resize_plan
>>> axis = resize_plan((2,), scale=(2.0,), mode="linear", convention="torch").axes[0]
>>> [torch_sample(axis, i).weights for i in range(4)]
[(1.0, 0.0), (0.75, 0.25), (0.25, 0.75), (0.75, 0.25)]
>>> torch_sample(axis, 3).taps  # past the last centre: both taps on the edge
(1, 1)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from convcalc.shape.resize_antialias import (
    onnx_antialias_weights,
    pillow_weights,
    scale_translate_weights,
)
from convcalc.shape.resize_kernels import (
    Sample,
    cubic_weights,
    f32,
    nearest_index,
    opencv_exact_coords,
    round_half_away,
    tf_cubic_weights,
)

if TYPE_CHECKING:
    from convcalc.shape.resize import ResizeAxis

__all__ = [
    "Sample",
    "keras_sample",
    "onnx_sample",
    "opencv_exact_coords",
    "opencv_sample",
    "tf_sample",
    "torch_sample",
]


def _clamp(i: int, n: int) -> int:
    return min(max(i, 0), n - 1)


def _cubic(x: float, base: int, t: float, n: int, w: tuple[float, ...], exclude: bool) -> Sample:
    """Taps ``base − 1 … base + 2`` with weights *w*: clamped to the edge, or (*exclude*)
    those outside dropped and the rest renormalised."""
    raw = [base - 1 + k for k in range(4)]
    if not exclude:
        return Sample(x, tuple(_clamp(j, n) for j in raw), w)
    kept = [(j, wk) for j, wk in zip(raw, w, strict=True) if 0 <= j < n]
    total = math.fsum(wk for _, wk in kept)
    if total == 0:  # no tap inside (a float32 coordinate far beyond a huge input)
        return Sample(x, (), ())
    return Sample(x, tuple(j for j, _ in kept), tuple(f32(wk / total) for _, wk in kept))


# --------------------------------------------------------------------------- PyTorch


def torch_ratio(axis: ResizeAxis) -> float:
    """PyTorch's ``area_pixel_compute_scale``: input cells per output cell.

    >>> from convcalc.shape.resize import resize_plan
    >>> torch_ratio(resize_plan((5,), scale=(3.0,), mode="linear").axes[0])
    0.3333333432674408
    """
    s, r = axis.settings, axis.rnd
    n, m = axis.input, axis.output
    if s.align_corners:
        return r(r(n - 1) / r(m - 1)) if m > 1 else 0.0
    if axis.scale is not None and not s.recompute_scale_factor:
        return r(1.0 / axis.scale)
    return r(r(n) / r(m))


def torch_sample(axis: ResizeAxis, i: int) -> Sample:
    """PyTorch ``F.interpolate``: one output index."""
    s, r, n = axis.settings, axis.rnd, axis.input
    if s.mode == "area":  # adaptive average pooling
        start, end = (i * n) // axis.output, -((-(i + 1) * n) // axis.output)
        return Sample(None, tuple(range(start, end)), (r(1 / (end - start)),) * (end - start))
    if s.mode in ("nearest", "nearest-exact"):
        scale = f32(1.0 / axis.scale) if axis.scale and not s.recompute_scale_factor else 0.0
        scale = scale or f32(f32(n) / f32(axis.output))
        if s.mode == "nearest-exact":
            x = f32((i + 0.5) * scale)
        elif _torch_shortcut(axis):  # PyTorch's legacy shortcuts
            x = float(i if axis.output == n else i >> 1)
        else:
            x = f32(i * scale)
        return Sample(x, (min(math.floor(x), n - 1),), (1.0,))
    if n == axis.output and (s.mode == "linear" or s.antialias):  # PyTorch copies the axis
        return Sample(float(i), (i, i), (1.0, 0.0))
    ratio = torch_ratio(axis)
    if s.first_row:  # measured in PyTorch 2.13: its antialiased row pass on a 1-wide output
        i = 0  # repeats the first output row
    if s.antialias:  # Pillow's filter, a = -0.5 for cubic
        taps, weights = pillow_weights(n, axis.output, i, s.mode, ratio, rnd=True)
        return Sample(r(r(ratio * r(i + 0.5)) - 0.5), taps, weights)
    x = r(ratio * i) if s.align_corners else r(ratio * r(i + 0.5) - 0.5)  # fused multiply-add
    if s.mode == "linear":
        x = max(x, 0.0)
    base = min(math.floor(x), n - 1)
    t = min(max(r(x - base), 0.0), 1.0)
    if s.mode == "linear":
        return Sample(x, (base, base + 1 if base < n - 1 else base), (r(1 - t), t))
    return _cubic(x, base, t, n, cubic_weights(t, -0.75, r), exclude=False)


def _torch_shortcut(axis: ResizeAxis) -> bool:
    """PyTorch's legacy nearest maps ``out = in`` and ``out = 2·in`` directly (i, i >> 1)
    on 2-D inputs whatever the scale (``scale_factor=2.3`` on 3 rows gives 6 rows read as
    0 0 1 1 2 2); its 1-D and 3-D kernels use the scale (0 0 0 1 1 2), which is the same
    when no other scale was given."""
    n, m, scale = axis.input, axis.output, axis.scale
    if m not in (n, 2 * n):
        return False
    if axis.settings.rank == 2 or scale is None or axis.settings.recompute_scale_factor:
        return True
    return scale == m // n


# --------------------------------------------------------------------------- TensorFlow


def tf_ratio(axis: ResizeAxis) -> float:
    """TensorFlow's ``CalculateResizeScale`` in float32.

    >>> from convcalc.shape.resize import resize_plan
    >>> tf_ratio(resize_plan((4, 4), size=(8, 3), mode="linear", convention="tf").axes[1])
    1.3333333730697632
    """
    n, m = axis.input, axis.output
    if axis.settings.align_corners and m > 1:
        return f32(f32(n - 1) / f32(m - 1))
    return f32(f32(n) / f32(m))


def tf_sample(axis: ResizeAxis, i: int) -> Sample:
    """TensorFlow ``resize_nearest_neighbor / resize_bilinear / resize_bicubic /
    resize_area`` (TF2 ``tf.image.resize``: half-pixel centres, no corner alignment)."""
    s, n = axis.settings, axis.input
    scale = tf_ratio(axis)
    half = s.half_pixel_centers
    if s.mode == "area":
        return _tf_area(i, n, scale)
    if s.mode == "nearest":
        x = f32(f32(i + 0.5) * scale) if half else f32(i * scale)
        j = min(round_half_away(x) if s.align_corners else math.floor(x), n - 1)
        return Sample(x, (max(j, 0) if half else j,), (1.0,))
    x = f32(f32(f32(i + 0.5) * scale) - 0.5) if half else f32(i * scale)
    if s.antialias:  # TF2 antialias=True: scale_and_translate
        taps, weights = scale_translate_weights(n, axis.output, i, s.mode, antialias=True)
        return Sample(x, taps, weights)
    base = math.floor(x)
    t = f32(x - base)
    if s.mode == "linear":
        return Sample(x, (max(base, 0), min(math.ceil(x), n - 1)), (f32(1 - t), t))
    weights = tf_cubic_weights(t, -0.5 if half else -0.75)
    return _cubic(x, base, t, n, weights, exclude=half)


def _tf_area(i: int, n: int, scale: float) -> Sample:
    """``resize_area``: each input cell weighted by how much of it the output cell covers
    (scale 0, from align_corners on a 1-cell axis: every output is that cell, as measured)."""
    if scale == 0:
        return Sample(None, (0,), (1.0,))
    lo, hi = f32(i * scale), f32((i + 1) * scale)
    taps, weights = [], []
    v = math.floor(lo)
    while v < hi:
        if v < lo:
            w = scale if v + 1 > hi else f32(v + 1 - lo)
        else:
            w = f32(hi - v) if v + 1 > hi else 1.0
        taps.append(min(v, n - 1))
        weights.append(f32(w * f32(1 / scale)))
        v += 1
    return Sample(None, tuple(taps), tuple(weights))


# --------------------------------------------------------------------------- onnxruntime


def onnx_coord(axis: ResizeAxis, i: int) -> float:
    """The source coordinate under ONNX ``coordinate_transformation_mode`` (float32, in
    onnxruntime's operation order).

    >>> from convcalc.shape.resize import resize_plan
    >>> onnx_coord(resize_plan((4,), size=(8,), mode="linear", convention="onnx").axes[0], 0)
    -0.25
    """
    rule, n, m, s = axis.settings.coordinate, axis.input, axis.output, axis.onnx_scale
    if rule == "asymmetric":
        return f32(i / s)
    if rule == "align_corners":
        return 0.0 if m == 1 else f32(f32(i * (n - 1)) / (m - 1))
    if rule == "pytorch_half_pixel" and m == 1:
        return 0.0
    half = f32(f32(i + 0.5) / s)
    if rule == "half_pixel_symmetric":
        adjustment = f32(m / f32(s * n))
        offset = f32(f32(n / 2) * f32(1 - adjustment))
        return f32(offset + (i + 0.5) / s - 0.5)  # the last line in double (0.5 is double)
    return f32(half - 0.5)


def onnx_sample(axis: ResizeAxis, i: int) -> Sample:
    """onnxruntime ``Resize``: nearest, linear (coordinate clamped to the input) or cubic."""
    st, n = axis.settings, axis.input
    if st.unchanged:  # onnxruntime copies a tensor whose shape does not change
        return Sample(float(i), (i,), (1.0,))
    x = onnx_coord(axis, i)
    if st.mode == "nearest":
        return Sample(x, (_clamp(nearest_index(x, st.nearest or "floor"), n),), (1.0,))
    if st.antialias:
        if n == axis.output:  # onnxruntime copies a dimension of unchanged size
            return Sample(float(i), (i,), (1.0,))
        taps, weights = onnx_antialias_weights(
            n, x, st.mode, axis.onnx_scale, f32(st.cubic_a or -0.75), st.exclude_outside
        )
        return Sample(x, taps, weights)
    if st.mode == "linear":
        x = min(max(x, 0.0), float(n - 1))
        lo = min(int(x), n - 1)
        hi = min(lo + 1, n - 1)
        if lo == hi:
            return Sample(x, (lo, hi), (0.5, 0.5))
        return Sample(x, (lo, hi), (f32(hi - x), f32(x - lo)))
    base = math.floor(x)
    t = f32(x - base)
    weights = cubic_weights(t, f32(st.cubic_a or -0.75), f32)
    return _cubic(x, base, t, n, weights, exclude=st.exclude_outside)


# --------------------------------------------------------------------------- Keras


def keras_sample(axis: ResizeAxis, i: int) -> Sample:
    """Keras ``UpSampling1D/2D/3D`` nearest: every input cell repeated ``scale`` times;
    other interpolations are ``tf.image.resize`` to ``in × scale``."""
    if axis.settings.mode != "nearest" or not axis.settings.upsampling:
        return tf_sample(axis, i)
    factor = round(axis.scale or 1)
    return Sample(float(i // factor), (i // factor,), (1.0,))


# --------------------------------------------------------------------------- OpenCV


def opencv_inverse(axis: ResizeAxis) -> float:
    """``cv2.resize``'s inv_scale (output per input cell): the factor given, else out/in.

    >>> from convcalc.shape.resize import resize_plan
    >>> opencv_inverse(resize_plan((4, 5), scale=(0.5,), convention="opencv").axes[1])
    0.5
    """
    return axis.scale if axis.scale is not None else axis.output / axis.input


def opencv_sample(axis: ResizeAxis, i: int) -> Sample:
    """``cv2.resize`` on a float32 image (``imgproc/src/resize.cpp``): scale = 1/inv_scale
    in double, half-pixel source coordinates rounded to float32, edge taps replicated."""
    st, n = axis.settings, axis.input
    if st.unchanged:  # same size: OpenCV copies
        return Sample(float(i), (i,), (1.0,))
    inv = opencv_inverse(axis)
    scale = 1.0 / inv
    if st.mode == "nearest":
        x = i * scale
        return Sample(x, (min(math.floor(x), n - 1),), (1.0,))
    if st.mode == "nearest-exact":
        x = opencv_exact_coords(n, axis.output)[i]
        return Sample(x, (min(math.floor(x), n - 1),), (1.0,))
    if st.mode == "area" and st.downscale:
        return _opencv_area(i, n, scale)
    if st.mode == "area":  # upscaling "area" is a variant of bilinear
        base = math.floor(i * scale)
        t = f32((i + 1) - (base + 1) * inv)
        x = base + (0.0 if t <= 0 else t - math.floor(t))
    else:
        x = f32((i + 0.5) * scale - 0.5)
    base = math.floor(x)
    t = f32(x - base)
    if st.mode == "cubic":
        w0, w1, w2, _ = cubic_weights(t, -0.75, f32)
        w3 = f32(f32(f32(1 - w0) - w1) - w2)
        return _cubic(x, base, t, n, (w0, w1, w2, w3), exclude=False)
    if base < 0:
        base, t = 0, 0.0
    if base >= n - 1:
        base, t = n - 1, 0.0
    return Sample(x, (base, min(base + 1, n - 1)), (f32(1 - t), t))


def _opencv_area(i: int, n: int, scale: float) -> Sample:
    """``computeResizeAreaTab``: the cells under output *i*, each by its covered fraction
    of the cell width (double precision, weights stored as float32)."""
    lo = i * scale
    hi = lo + scale
    width = min(scale, n - lo)
    first, last = math.ceil(lo), min(math.floor(hi), n - 1)
    first = min(first, last)
    taps, weights = [], []
    if first - lo > 1e-3:
        taps.append(first - 1)
        weights.append(f32((first - lo) / width))
    for j in range(first, last):
        taps.append(j)
        weights.append(f32(1.0 / width))
    if hi - last > 1e-3:
        taps.append(last)
        weights.append(f32(min(min(hi - last, 1.0), width) / width))
    return Sample(None, tuple(taps), tuple(weights))
