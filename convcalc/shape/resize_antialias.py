"""Antialiased (filtered) resampling: the kernel widened by in/out on downscale (pure).

Two families compute it:

- **Pillow's** ``precompute_coeffs`` (also PyTorch's ``antialias=True`` and onnxruntime's
  ``antialias``): centre ``(i + 0.5)·in/out``, taps ``⌊centre ± support + 0.5⌋`` with
  ``support = radius · max(1, in/out)``, weights ``kernel((j − centre + 0.5)/max(1, in/out))``
  normalised to sum 1.
- **scale_and_translate** (JAX ``jax.image.resize``, TensorFlow's ``antialias=True``):
  sample ``(i + 0.5)·in/out − 0.5``, every input cell weighted by
  ``kernel(|sample − j| / max(1, in/out))``, normalised; an output whose sample lies outside
  the input is 0.

>>> pillow_weights(4, 2, 1, "area", 2.0)
((2, 3), (0.5, 0.5))
>>> scale_translate_weights(2, 4, 0, "linear", antialias=True)  # sample −0.25: the edge
((0, 1), (1.0, 0.0))
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from convcalc.shape.resize_kernels import Sample, f32, opencv_exact_coords

if TYPE_CHECKING:
    from convcalc.shape.resize import ResizeAxis

__all__ = [
    "RADIUS",
    "jax_sample",
    "kernel",
    "onnx_antialias_weights",
    "pil_sample",
    "pillow_weights",
    "scale_translate_weights",
]

RADIUS = {"nearest": 0.5, "area": 0.5, "linear": 1.0, "cubic": 2.0}
"""Kernel support (half-width) in input cells at scale 1."""


def kernel(name: str, x: float, a: float = -0.5) -> float:
    """The filter at distance *x*: box (area), triangle (linear), Keys cubic (coefficient
    *a*; −0.5 in Pillow, JAX, TensorFlow and PyTorch's antialiased bicubic).

    >>> kernel("linear", 0.25), kernel("cubic", 1.5), kernel("area", 0.5)
    (0.75, -0.0625, 1.0)
    """
    if name == "area":
        return 1.0 if -0.5 < x <= 0.5 else 0.0
    x = abs(x)
    if name == "linear":
        return max(0.0, 1.0 - x)
    if x < 1:
        return ((a + 2) * x - (a + 3)) * x * x + 1
    if x < 2:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


def pillow_weights(
    n: int, m: int, i: int, name: str, scale: float, a: float = -0.5, rnd: bool = False
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Taps and weights of output *i* (input *n*, output *m*, *scale* input cells per
    output cell) as Pillow's ``precompute_coeffs`` computes them; *rnd*: round the weights
    to float32 (PyTorch and onnxruntime on float32 tensors).

    >>> pillow_weights(2, 4, 0, "linear", 0.5)
    ((0,), (1.0,))
    """
    filterscale = max(scale, 1.0)
    support = RADIUS[name] * filterscale
    centre = (i + 0.5) * scale
    lo = max(int(centre - support + 0.5), 0)
    hi = min(int(centre + support + 0.5), n)
    weights = [kernel(name, (j - centre + 0.5) / filterscale, a) for j in range(lo, hi)]
    total = sum(weights)
    if total != 0.0:
        weights = [w / total for w in weights]
    if rnd:
        weights = [f32(w) for w in weights]
    return tuple(range(lo, hi)), tuple(weights)


def scale_translate_weights(
    n: int, m: int, i: int, name: str, antialias: bool
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Taps and weights of output *i* as ``jax.image.scale_and_translate`` computes them
    (float32): kernel over ``|sample − j|``, widened by in/out when *antialias* and
    shrinking, normalised when the weights do not nearly cancel; none outside the input.

    >>> scale_translate_weights(4, 2, 0, "linear", antialias=False)
    ((0, 1, 2), (0.5, 0.5, 0.0))
    """
    scale = f32(m / n)
    inverse = f32(1.0 / scale)
    widen = max(inverse, 1.0) if antialias else 1.0
    sample = f32(f32(f32(i + 0.5) * inverse) - 0.5)
    if not -0.5 <= sample <= n - 0.5:
        return (), ()
    reach = RADIUS[name] * widen
    lo, hi = max(math.floor(sample - reach), 0), min(math.ceil(sample + reach), n - 1)
    taps = [j for j in range(lo, hi + 1)]
    weights = [f32(kernel(name, f32(f32(abs(f32(sample - j))) / widen))) for j in taps]
    total = f32(math.fsum(weights))
    if abs(total) <= 1000 * 2.0**-23:
        return (), ()
    return tuple(taps), tuple(f32(w / total) for w in weights)


def pil_sample(axis: ResizeAxis, i: int) -> Sample:
    """Pillow ``Image.resize`` of a float (mode F) image: NEAREST reads the cell under a
    running double sum from half a step; BILINEAR, BICUBIC (a = −0.5) and BOX (``area``)
    are always filtered (widened on downscale)."""
    n, m, mode = axis.input, axis.output, axis.settings.mode
    if mode == "nearest":
        x = opencv_exact_coords(n, m)[i]
        return Sample(x, (min(math.floor(x), n - 1),), (1.0,))
    taps, weights = pillow_weights(n, m, i, mode, n / m)
    return Sample((i + 0.5) * n / m - 0.5, taps, weights)


def jax_sample(axis: ResizeAxis, i: int) -> Sample:
    """``jax.image.resize``: an axis of unchanged size is left alone; nearest reads
    ``⌊(i + 0.5)·in/out⌋`` (float32); linear and cubic (Keys, a = −0.5) are
    scale_and_translate, antialiased unless ``antialias=False``."""
    n, m, st = axis.input, axis.output, axis.settings
    if n == m:
        return Sample(float(i), (i,), (1.0,))
    if st.mode == "nearest":
        x = f32(f32(f32(i + 0.5) * n) / m)
        return Sample(x, (min(math.floor(x), n - 1),), (1.0,))
    taps, weights = scale_translate_weights(n, m, i, st.mode, st.antialias)
    return Sample(f32(f32(f32(i + 0.5) * f32(1 / f32(m / n))) - 0.5), taps, weights)


def onnx_antialias_weights(
    n: int, coord: float, name: str, rscale: float, a: float, exclude: bool
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """onnxruntime's antialiased ``Resize`` (``upsample_antialias.h``), float32: the filter
    around ``coord + 0.5``, support widened by in/out on downscale, taps outside the input
    folded onto the edge cell (or dropped with ``exclude_outside``), normalised by the sum
    of every tap's weight.

    >>> onnx_antialias_weights(8, f32(0.8333333), "linear", f32(3 / 8), -0.75, False)[1][:2]
    (0.3720930218696594, 0.3488371968269348)
    """
    scale = f32(1.0 / rscale)
    support = f32(RADIUS[name] * scale) if scale >= 1.0 else RADIUS[name]
    window = math.ceil(support) * 2 + 1
    inverse = f32(1.0 / scale) if scale >= 1.0 else 1.0
    centre = f32(0.5 + coord)
    lo = math.floor(f32(f32(centre - support) + 0.5))
    hi = lo + min(max(math.floor(f32(f32(centre + support) + 0.5)) - lo, 0), window)
    lo_cut, hi_cut = min(max(lo, 0), n), min(max(hi, 0), n)
    first, last = (lo_cut, hi_cut) if exclude else (lo, hi)
    weights = {}
    for j in range(first, last):
        weights[j] = f32(kernel(name, f32(f32(f32(j - centre) + 0.5) * inverse), a))
    total = f32(math.fsum(weights.values()))
    folded = dict.fromkeys(range(lo_cut, hi_cut), 0.0)
    for j, w in weights.items():
        if lo_cut < hi_cut:
            folded[min(max(j, lo_cut), hi_cut - 1)] += w
    scale_by = 1.0 if total == 0 else f32(1.0 / total)
    return tuple(folded), tuple(f32(w * scale_by) for w in folded.values())
