"""Arithmetic the resize rules share (pure, standard library only): float32 rounding as the
frameworks compute coordinates, the nearest rounding rules, and cubic kernel weights.

Frameworks compute source coordinates in float32 (TensorFlow and onnxruntime always,
PyTorch for float32 tensors). :func:`f32` rounds a Python float to the nearest float32;
rounding after every ``+ − × ÷`` of float32 operands gives exactly the float32 result
(double rounding through float64 is innocuous for these operations), so a rule written with
:func:`f32` after each step reproduces the library's float32 arithmetic bit for bit.

>>> f32(0.1)
0.10000000149011612
>>> cubic_weights(0.5, -0.75)
(-0.09375, 0.59375, 0.59375, -0.09375)
"""

from __future__ import annotations

import functools
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass

from convcalc.errors import SpecError

__all__ = [
    "NEAREST_RULES",
    "Round",
    "Sample",
    "cubic_weights",
    "f32",
    "f64",
    "nearest_index",
    "opencv_exact_coords",
    "round_half_away",
    "show",
    "tf_cubic_weights",
]

Round = Callable[[float], float]

_FLOAT32 = struct.Struct("<f")

NEAREST_RULES = ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil")
"""ONNX ``nearest_mode`` values (onnxruntime's rounding of a source coordinate)."""

TF_TABLE_SIZE = 1024
"""TensorFlow's bicubic kernel looks its weights up in a table of 1024 steps per pixel."""


def f32(x: float) -> float:
    """*x* rounded to the nearest float32 (ties to even), as a Python float.

    >>> f32(1 / 3)
    0.3333333432674408
    """
    return float(_FLOAT32.unpack(_FLOAT32.pack(x))[0])


def f64(x: float) -> float:
    """The identity: arithmetic in float64 (PyTorch on float64 tensors).

    >>> f64(1 / 3)
    0.3333333333333333
    """
    return x


def round_half_away(x: float) -> int:
    """C's ``round``/``roundf``: halves away from zero (not Python's banker's rounding).

    >>> round_half_away(2.5), round_half_away(-0.5), round(2.5)
    (3, -1, 2)
    """
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def nearest_index(x: float, rule: str) -> int:
    """The source index onnxruntime picks for coordinate *x* under ONNX ``nearest_mode``.

    ``round_prefer_floor`` rounds a tie (``k + 0.5``) down, ``round_prefer_ceil`` up (C
    ``round``); ``floor`` and ``ceil`` are what they say.

    >>> [nearest_index(1.5, r) for r in NEAREST_RULES]
    [1, 2, 1, 2]
    """
    if rule == "floor":
        return math.floor(x)
    if rule == "ceil":
        return math.ceil(x)
    if rule == "round_prefer_floor" and x == math.trunc(x) + 0.5:
        return math.floor(x)
    return round_half_away(x)


def cubic_weights(t: float, a: float, rnd: Round = f64) -> tuple[float, float, float, float]:
    """Keys' cubic convolution weights of the taps at distances ``1 + t, t, 1 − t, 2 − t``
    (taps ``⌊x⌋ − 1 … ⌊x⌋ + 2`` for a source coordinate with fraction *t*), coefficient *a*
    (−0.75: PyTorch, OpenCV, ONNX; −0.5: TensorFlow, Pillow, JAX). They sum to 1.

    >>> cubic_weights(0.25, -0.5)
    (-0.0703125, 0.8671875, 0.2265625, -0.0234375)
    """

    def near(d: float) -> float:  # |d| ≤ 1
        return rnd(rnd(rnd(rnd(rnd(a + 2) * d) - rnd(a + 3)) * d) * d + 1)

    def far(d: float) -> float:  # 1 < |d| < 2
        return rnd(rnd(rnd(rnd(rnd(a * d) - 5 * a) * d) + 8 * a) * d - 4 * a)

    return far(rnd(t + 1)), near(t), near(rnd(1 - t)), far(rnd(2 - t))


def tf_cubic_weights(delta: float, a: float) -> tuple[float, float, float, float]:
    """TensorFlow's bicubic weights: *delta* snapped to 1/1024 (``lrintf``), the four
    weights read from its float32 coefficient table (built in double precision).

    >>> tf_cubic_weights(0.25, -0.5)
    (-0.0703125, 0.8671875, 0.2265625, -0.0234375)
    """
    offset = round(delta * TF_TABLE_SIZE)  # lrintf: nearest, ties to even

    def near(i: int) -> float:
        x = f32(i / TF_TABLE_SIZE)
        return f32(((a + 2) * x - (a + 3)) * x * x + 1)

    def far(i: int) -> float:
        x = f32(i / TF_TABLE_SIZE) + 1.0
        return f32(((a * x - 5 * a) * x + 8 * a) * x - 4 * a)

    back = TF_TABLE_SIZE - offset
    return far(offset), near(offset), near(back), far(back)


def show(x: float, rnd: Round = f64) -> str:
    """The shortest decimal that reads back as *x* in the precision *rnd* rounds to.

    >>> show(f32(1 / 3), f32), show(1 / 3), show(2.0)
    ('0.33333334', '0.3333333333333333', '2')
    """
    if x == int(x) and abs(x) < 2**53:
        return str(int(x))
    if rnd is f32:
        for digits in range(1, 10):
            text = f"{x:.{digits}g}"
            if f32(float(text)) == x:
                return text
    return repr(x)


@dataclass(frozen=True, slots=True)
class Sample:
    """One output index: the source coordinate the library computes (``None`` for area:
    a span, not a point), the input indices it reads and their weights.

    >>> Sample(0.25, (0, 1), (0.75, 0.25)).pairs()
    [(0, 0.75), (1, 0.25)]
    """

    coord: float | None
    taps: tuple[int, ...]
    weights: tuple[float, ...]

    def pairs(self) -> list[tuple[int, float]]:
        return list(zip(self.taps, self.weights, strict=True))


OPENCV_EXACT_LIMIT = 2**22
"""Longest axis for OpenCV's INTER_NEAREST_EXACT, whose coordinate is a running sum."""


@functools.lru_cache(maxsize=8)
def opencv_exact_coords(n: int, m: int) -> tuple[float, ...]:
    """INTER_NEAREST_EXACT (as Pillow): start at half a step, add ``in/out`` per output, in
    double, so the coordinates are a running sum (computed once per axis).

    >>> opencv_exact_coords(2, 7)[3]  # 3.5·2/7 = 1 exactly, but the sum falls short
    0.9999999999999999
    """
    if m > OPENCV_EXACT_LIMIT:
        raise SpecError(
            f"OpenCV's nearest-exact coordinates are a running sum; convcalc follows it for "
            f"outputs up to 2**22, got {m}"
        )
    step = n / m
    coords, x = [], step * 0.5
    for _ in range(m):
        coords.append(x)
        x += step
    return tuple(coords)
