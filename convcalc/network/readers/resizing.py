"""Interpolation resizes read from model files (pure): ONNX ``Resize``/``Upsample`` and
Keras ``UpSampling{1,2,3}D``/``Resizing``. Output sizes come from the resize core,
:func:`convcalc.shape.resize.resize_plan`, under the file's library (onnxruntime's
``⌊in·scale⌋`` in float32, Keras ``in·size``, sizes given); an integer factor maps each
output back to the input it repeats, any other resize to adaptive bins.

>>> from convcalc.network.graph import GraphRun
>>> run = GraphRun(2)
>>> x = run.input("in", (None, 5, 7, 3), (1, 2))
>>> keras_resize(run, x, -1, size=(10, 14)).shape
(None, 10, 14, 3)
>>> keras_resize(run, x, -1, scale=(2, 3)).shape
(None, 10, 21, 3)
"""

from __future__ import annotations

from collections.abc import Sequence

from convcalc.errors import SpecError
from convcalc.network.field import IDENTITY, Adaptive, Whole
from convcalc.network.graph import Dim, GraphRun, Value
from convcalc.network.spec import LayerSpec
from convcalc.shape.resize import resize_plan

__all__ = ["keras_resize", "onnx_size", "resized"]


def onnx_size(n: int, scale: object) -> int:
    """One axis's output size from an ONNX scale, as onnxruntime computes it
    (``⌊in·scale⌋`` in float32).

    >>> onnx_size(5, 2.5), onnx_size(7, 0.5), onnx_size(10, 0.7)
    (12, 3, 7)
    """
    value = float(scale or 0)  # type: ignore[arg-type]
    if n < 1:
        raise SpecError(f"the input size {n} cannot be resized")
    return resize_plan((n,), scale=(value,), convention="onnx").output[0]


def keras_resize(
    run: GraphRun,
    x: Value,
    channel_axis: int,
    *,
    size: Sequence[int] | None = None,
    scale: Sequence[int] | None = None,
    whole: bool = False,
) -> Value:
    """Keras ``Resizing`` (*size*: height, width) or ``UpSampling`` (*scale*: the integer
    factors) on *x*, channels at *channel_axis* (1 or -1); *whole*: every output may see
    the whole input (``Resizing`` cropping or padding to the aspect ratio first)."""
    rank = len(x.shape)
    axes = tuple(range(2, rank)) if channel_axis == 1 else tuple(range(1, rank - 1))
    if not axes or any(x.shape[a] is None for a in axes):
        raise SpecError(f"needs a batch, channel and spatial axes, got {list(x.shape)}")
    spatial = tuple(int(x.shape[a] or 0) for a in axes)
    plan = resize_plan(
        spatial,
        size=size,
        scale=None if scale is None else [float(f) for f in scale],
        convention="keras",
    )
    shape: list[Dim] = list(x.shape)
    for a, n in zip(axes, plan.output, strict=True):
        shape[a] = n
    if whole:
        return run.derive(shape, axes, [(x, Whole(spatial))])
    return resized(run, x, shape, 1 if channel_axis == 1 else -1)


def resized(run: GraphRun, x: Value, shape: Sequence[Dim], channel_axis: int = 0) -> Value:
    """*x* resized to *shape*: whole multiples of its spatial sizes repeat (the receptive
    field of ``upsample f…``), other sizes map through adaptive bins; a resize of the batch
    or channels loses the spatial axes. *channel_axis*: 1 or -1, else from ``x.axes``."""
    if x.axes is None or any(shape[i] != x.shape[i] for i in range(len(shape)) if i not in x.axes):
        return run.derive(shape, None, [(x, IDENTITY)])
    sizes = tuple(int(shape[a] or 0) for a in x.axes)
    factors = [o // n for o, n in zip(sizes, x.spatial, strict=True)]
    if all(o == n * f for o, n, f in zip(sizes, x.spatial, factors, strict=True)) and min(factors):
        spec = LayerSpec(0, "", "upsample", factor=tuple(factors))
        axis = channel_axis or (1 if x.axes[0] == 2 else -1)
        y, _ = run.window(x, spec, axis)
        return y
    return run.derive(shape, x.axes, [(x, Adaptive(x.spatial, sizes))])
