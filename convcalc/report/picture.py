"""An array drawn in the terminal (``convcalc show``, ``run --show``).

In colour, each character cell holds two pixels: the upper half block ``▀`` in the top
pixel's colour over the bottom pixel's colour. Values go through a perceptual colour map:
viridis for data of one sign, a blue-white-red diverging map centred on 0 for signed data
(or the pixels' own colours for RGB). Without colour (``NO_COLOR``, or not a terminal) each
cell averages its two pixels into one character of the ramp :data:`RAMP` (of ``|v|`` for
signed data), in a frame, and no escape code is printed. The array is fitted to the width
(and at most ``2·rows`` pixels tall) by area averaging, or enlarged by a whole factor when
it is small; a legend line gives the value range.

>>> plain_lines(np.array([[0.0, 1.0, 2.0, 3.0]] * 2), width=8, rows=1)[0]
[' -*@']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rich.color import Color
from rich.style import Style
from rich.text import Text

from convcalc.arrays.images import finite_range
from convcalc.errors import SpecError

__all__ = [
    "CMAPS",
    "DIVERGING",
    "RAMP",
    "VIRIDIS",
    "WORKING_BYTES_PER_VALUE",
    "Picture",
    "area_resize",
    "colour_lines",
    "draw",
    "fit",
    "number",
    "plain_lines",
    "prepare",
    "select_plane",
]

Array = npt.NDArray[Any]
FloatArray = npt.NDArray[np.float64]

RAMP = " .:-=+*#%@"
"""Plain characters from the lowest value (a space) to the highest."""

VIRIDIS = np.array(
    [(68, 1, 84), (70, 50, 126), (54, 92, 141), (39, 127, 142),
     (31, 161, 135), (74, 193, 109), (160, 218, 57), (253, 231, 37)], dtype=np.float64,
)  # fmt: skip
"""matplotlib's viridis at 8 evenly spaced points (perceptually uniform, dark to light)."""

DIVERGING = np.array(
    [(33, 102, 172), (67, 147, 195), (146, 197, 222), (209, 229, 240), (247, 247, 247),
     (253, 219, 199), (244, 165, 130), (214, 96, 77), (178, 24, 43)], dtype=np.float64,
)  # fmt: skip
"""ColorBrewer's RdBu reversed, 9 points: blue (negative), white (0), red (positive)."""

CMAPS = ("auto", "viridis", "diverging", "grey", "rgb")

WORKING_BYTES_PER_VALUE = 3 * 8 + 1
"""Peak bytes per value of a plane while it is drawn, for the memory check: at most three
float64 copies (integers converted, ``|v|`` or ±inf clipped, NaN filled for averaging)
and the ``isfinite`` mask; the area averaging works in cache-sized chunks."""
MAX_ENLARGE = 4


@dataclass(frozen=True)
class Picture:
    """Values scaled to [0, 1] and ready to draw (NaN where the data is NaN)."""

    unit: FloatArray
    """``rows × cols`` (or ``rows × cols × 3`` for rgb) in [0, 1]."""
    cmap: str
    low: float
    high: float
    factor: float
    """Drawn pixels per array element (< 1: averaged down)."""


def area_resize(a: FloatArray, size: tuple[int, int]) -> FloatArray:
    """*a* (``H×W``, or ``H×W×C`` per channel) shrunk to *size* by area averaging: each
    output cell averages the input cells it covers, partly covered ones by their covered
    fraction, which is OpenCV's ``INTER_AREA``, computed by the resize core (banded matmuls
    in cache-sized chunks, :func:`convcalc.execute.resize.resize`).

    >>> area_resize(np.array([[0.0, 1.0, 2.0, 3.0, 4.0]]), (1, 2)).round(6).tolist()
    [[0.8, 3.2]]
    """
    from convcalc.execute.resize import resize

    def shrink(plane: FloatArray) -> FloatArray:
        # float64: the picture's 1/255 colour steps must not depend on the BLAS kernel's
        # summation order (float32 sums of 2 million cells move by about 1e-6)
        out: FloatArray = resize(
            plane.astype(np.float64, copy=False), size=size, mode="area", convention="opencv"
        )
        return out

    if a.ndim == 2:
        return shrink(a)
    return np.stack([shrink(a[..., c]) for c in range(a.shape[-1])], axis=-1)


def fit(a: FloatArray, width: int, rows: int) -> tuple[FloatArray, float]:
    """*a* (``H×W`` or ``H×W×3``) fitted into *width* × ``2·rows`` pixels: averaged down,
    or enlarged by a whole factor (at most :data:`MAX_ENLARGE`); NaN cells stay NaN unless
    averaged with numbers. Returns the pixels and the scale factor.

    >>> fit(np.ones((4, 6)), 3, 10)[0].shape, fit(np.ones((2, 3)), 20, 10)[1]
    ((2, 3), 4)
    """
    height, wide = a.shape[0], a.shape[1]
    scale = min(width / wide, 2 * rows / height)
    if scale >= 2:
        factor = min(int(scale), MAX_ENLARGE)
        return np.repeat(np.repeat(a, factor, axis=0), factor, axis=1), factor
    if scale >= 1:
        return a, 1
    size = (max(1, round(height * scale)), max(1, min(width, round(wide * scale))))
    finite = np.isfinite(a)
    if finite.all():
        return area_resize(a, size), scale
    values = area_resize(np.where(finite, a, 0.0), size)
    weights = area_resize(finite.astype(np.float64), size)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(weights > 1e-9, values / np.maximum(weights, 1e-300), np.nan)
    return out, scale


def prepare(plane: Array, cmap: str, width: int, rows: int) -> Picture:
    """Pick the colour map (``auto``: diverging for signed data, else viridis), fit the
    values to *width* × *rows* cells and scale them to [0, 1]. The scaling is affine, so it
    is applied to the fitted pixels, not to the whole array (the same result: an area
    average of affine values is the affine value of the average).

    >>> prepare(np.array([[-1.0, 1.0]]), "auto", 2, 1).unit.tolist()
    [[0.0, 1.0]]
    """
    a = np.asarray(plane)
    if a.dtype.kind != "f":
        a = a.astype(np.float64)
    low, high = finite_range(a)
    if not np.isfinite(a).all():
        a = np.clip(a, low, high)  # ±inf at the ends of the range; NaN stays
    if cmap == "auto":
        cmap = "diverging" if low < 0 < high else "viridis"
    if cmap == "rgb" and (low < 0 or high > 1):
        a = np.clip(a, 0.0, 1.0)  # clipped before averaging: what the pixels show
    fitted, factor = fit(a, width, rows)
    f = fitted.astype(np.float64)
    if cmap == "diverging":
        peak = max(abs(low), abs(high)) or 1.0
        unit = 0.5 + f / (2 * peak)
    elif cmap == "rgb":
        unit = f
    else:
        span = high / 2 - low / 2
        unit = (f / 2 - low / 2) / span if span > 0 else np.where(np.isnan(f), np.nan, 0.5)
    return Picture(np.clip(unit, 0.0, 1.0), cmap, low, high, factor)


HALF_UP = 1e-9
"""Added before rounding to whole steps: halves round up, and a half computed one ulp low
(another BLAS kernel, another summation order) rounds up too, so the picture does not
depend on the machine. 8-bit pixels averaged in pairs land on exact halves often."""


def steps(x: FloatArray) -> npt.NDArray[np.int64]:
    """*x* rounded to whole steps, halves up, one-ulp differences ignored.

    >>> steps(np.array([92.5, 92.49999999999999, 0.49, 2.5])).tolist()
    [93, 93, 0, 3]
    """
    out: npt.NDArray[np.int64] = np.floor(x + (0.5 + HALF_UP)).astype(np.int64)
    return out


def _colours(unit: FloatArray, cmap: str) -> npt.NDArray[np.int64]:
    """RGB triples (0..255) of values in [0, 1] under *cmap* (rgb: the values' own)."""
    if cmap == "rgb":
        return steps(np.nan_to_num(unit) * 255)
    stops = {"viridis": VIRIDIS, "diverging": DIVERGING}.get(cmap)
    if stops is None:  # grey
        stops = np.array([(0.0, 0.0, 0.0), (255.0, 255.0, 255.0)])
    position = np.nan_to_num(unit) * (len(stops) - 1)
    index = np.minimum(position.astype(np.int64), len(stops) - 2)
    fraction = (position - index)[..., None]
    mixed = stops[index] * (1 - fraction) + stops[index + 1] * fraction
    colours = steps(mixed)
    return colours


def colour_lines(picture: Picture) -> list[Text]:
    """Half-block lines: ``▀`` in the top pixel's colour on the bottom pixel's colour."""
    unit = picture.unit
    rgb = _colours(unit, picture.cmap).tolist()
    nan = np.isnan(unit) if unit.ndim == 2 else np.isnan(unit).any(axis=-1)
    missing: list[list[bool]] = nan.tolist()  # type: ignore[assignment]
    styles: dict[tuple[Any, Any], tuple[str, Style]] = {}
    lines = []
    for top in range(0, unit.shape[0], 2):
        line = Text(no_wrap=True, overflow="crop")
        for column in range(unit.shape[1]):
            upper = None if missing[top][column] else tuple(rgb[top][column])
            lower = None
            if top + 1 < unit.shape[0] and not missing[top + 1][column]:
                lower = tuple(rgb[top + 1][column])
            key = (upper, lower)
            if key not in styles:
                styles[key] = _cell(upper, lower)
            line.append(*styles[key])
        lines.append(line)
    return lines


def _cell(upper: Any, lower: Any) -> tuple[str, Style]:
    """The character and style of a cell whose top and bottom pixels have these colours
    (``None``: NaN or past the last row, drawn as the terminal's background)."""
    if upper is None:
        return ("▄", Style(color=Color.from_rgb(*lower))) if lower else (" ", Style())
    below = None if lower is None else Color.from_rgb(*lower)
    return "▀", Style(color=Color.from_rgb(*upper), bgcolor=below)


def plain_lines(plane: Array, *, width: int, rows: int) -> tuple[list[str], Picture]:
    """The picture in :data:`RAMP` characters (one per two pixel rows; ``|v|`` for signed
    data; ``?`` for NaN; trailing blanks dropped), and the :class:`Picture` drawn."""
    a = np.asarray(plane)
    if a.ndim == 3:  # rgb: drawn by luma
        a = a @ np.array([0.299, 0.587, 0.114])
    signed = finite_range(a)[0] < 0
    picture = prepare(np.abs(a) if signed else a, "grey", width, rows)
    picture = Picture(picture.unit, "abs" if signed else "grey", *astuple(picture)[2:])
    unit = picture.unit
    if unit.shape[0] % 2:
        unit = np.concatenate([unit, unit[-1:]])
    cells = (unit[0::2] + unit[1::2]) / 2
    index = steps(np.nan_to_num(cells, nan=0.0) * (len(RAMP) - 1))
    chars = np.array(list(RAMP))[np.clip(index, 0, len(RAMP) - 1)]
    chars[np.isnan(cells)] = "?"
    return ["".join(row).rstrip() for row in chars.tolist()], picture


def number(value: float) -> str:
    """A legend number: 4 significant digits.

    >>> number(-36.0), number(0.123456), number(1e-7)
    ('-36', '0.1235', '1e-07')
    """
    return f"{value:.4g}"


def draw(
    plane: Array, *, width: int, rows: int, cmap: str = "auto", color: bool = True, index: str = ""
) -> list[str | Text]:
    """The lines of the picture of *plane* (``H×W``, or ``H×W×3`` under ``cmap="rgb"``)
    and its legend: half blocks in colour, else :data:`RAMP` characters (no escape codes).

    >>> print("\\n".join(map(str, draw(np.eye(4), width=10, rows=6, color=False))))
    ┌────────┐
    │@@      │
    │  @@    │
    │    @@  │
    │      @@│
    └────────┘
    ' .:-=+*#%@' = 0 .. 1
    4×4 values, shown ×2
    """
    if color:
        picture = prepare(plane, cmap, width, rows)
        what = _what(plane, picture, index)
        bar = _legend_colour(picture)
        if bar.cell_len + 2 + len(what) <= width:
            return [*colour_lines(picture), bar.append("; " + what)]
        return [*colour_lines(picture), bar, Text(what)]
    lines, picture = plain_lines(plane, width=width - 2, rows=max(1, rows - 2))
    wide = picture.unit.shape[1]
    lines = [f"┌{'─' * wide}┐", *(f"│{line:<{wide}}│" for line in lines), f"└{'─' * wide}┘"]
    low = "|v| 0" if picture.cmap == "abs" else number(picture.low)
    legend = f"'{RAMP}' = {low} .. {number(picture.high)}"
    what = _what(plane, picture, index)
    if len(legend) + 2 + len(what) <= width:
        return [*lines, f"{legend}; {what}"]
    return [*lines, legend, what]


def _what(plane: Array, picture: Picture, index: str) -> str:
    """``[0, :, :] 8×8 values, shown ×4`` (each value 4×4 pixels), ``shown 1:1`` or
    ``averaged to 30×40 pixels``."""
    shape = "×".join(map(str, plane.shape[:2]))
    if picture.factor < 1:
        scale = "averaged to " + "×".join(map(str, picture.unit.shape[:2])) + " pixels"
    else:
        scale = "shown 1:1" if picture.factor == 1 else f"shown ×{picture.factor:g}"
    return f"{index + ' ' if index else ''}{shape} values, {scale}"


def _legend_colour(picture: Picture, bar: int = 16) -> Text:
    """The legend under a colour picture: a colour bar between the range's ends."""
    text = Text(no_wrap=True, overflow="crop")
    if picture.cmap == "rgb":
        text.append(f"RGB {number(picture.low)} .. {number(picture.high)}")
    else:
        low, high = picture.low, picture.high
        if picture.cmap == "diverging":
            low, high = -max(abs(low), abs(high)), max(abs(low), abs(high))
        text.append(number(low) + " ")
        for colour in _colours(np.linspace(0.0, 1.0, bar), picture.cmap).tolist():
            text.append("█", Style(color=Color.from_rgb(*colour)))
        text.append(" " + number(high))
    return text


def select_plane(
    array: Array,
    *,
    layout: str = "plain",
    at: Sequence[int] | None = None,
    axes: Sequence[int] | None = None,
    rgb: bool = False,
) -> tuple[Array, str]:
    """The plane of *array* to draw (``H×W``, or ``H×W×3`` when *rgb*) and its NumPy
    index (``""`` for a 2-D array). *axes*: the two axes drawn (default: the last two
    spatial axes of *layout*); *at*: the indices of the other axes, in order (default 0).

    >>> plane, index = select_plane(np.zeros((2, 3, 4, 5)), layout="nchw", at=[1, 2])
    >>> plane.shape, index
    ((4, 5), '[1, 2, :, :]')
    >>> select_plane(np.zeros((1, 4, 5, 3)), layout="nhwc", rgb=True)[1]
    '[0, :, :, :]'
    """
    a = np.asarray(array)
    ndim = a.ndim
    channel = None if layout == "plain" else (1 if layout.startswith("nc") else ndim - 1)
    if rgb:
        channel = ndim - 1 if channel is None else channel
        if ndim < 2 or a.shape[channel] != 3:
            raise SpecError(f"RGB needs 3 channels on axis {channel}, but the shape is {a.shape}")
    colour = [channel] if rgb and channel is not None else []
    if axes is None:
        first = 0 if layout == "plain" else 1
        axes = [i for i in range(first, ndim) if i != channel][-2:]
    if not (
        1 <= len(axes) <= 2
        and len(set(axes)) == len(axes)
        and all(0 <= i < ndim and i not in colour for i in axes)
    ):
        raise SpecError(f"--axes {','.join(map(str, axes))} are not axes of shape {a.shape}")
    rest = [i for i in range(ndim) if i not in axes and i not in colour]
    at = list(at or [])
    if len(at) > len(rest):
        raise SpecError(f"--at gives {len(at)} indices, but shape {a.shape} has {len(rest)} more")
    index: list[Any] = [slice(None)] * ndim
    for axis, i in zip(rest, [*at, *[0] * (len(rest) - len(at))], strict=True):
        if not -a.shape[axis] <= i < a.shape[axis]:
            raise SpecError(f"--at index {i} is outside axis {axis} of shape {a.shape}")
        index[axis] = i
    kept = [i for i in range(ndim) if i not in rest]
    plane = a[tuple(index)].transpose([kept.index(i) for i in [*axes, *colour]])
    if len(axes) == 1:
        plane = plane[None]
    shown = ", ".join(":" if isinstance(i, slice) else str(i) for i in index)
    return plane, f"[{shown}]" if rest else ""
