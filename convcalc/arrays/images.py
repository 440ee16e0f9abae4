"""Image files as arrays: PNG, JPEG, TIFF, BMP and WebP, through Pillow (the optional
extra ``convcalc[image]``, imported on first use; the only module that imports it).

Reading: greyscale by default (Pillow's ``convert("L")``, ITU-R 601-2 luma
``0.299 R + 0.587 G + 0.114 B``), or ``channels="rgb"`` (an ``H×W×3`` array). 8-bit
pixels are divided by 255 and 16-bit ones by 65535 (as are 32-bit integer ones within
0..65535), so values are float64 in [0, 1]; 32-bit float TIFFs are read unscaled. The EXIF
orientation is applied. The declared size is checked before any pixel is decoded: against
Pillow's decompression-bomb limit and, when the caller passes *check*, against the memory
limit.

Writing: :func:`to_pixels` maps values to 8- or 16-bit pixels (see :data:`NORMALIZE`);
2-D arrays are greyscale, ``H×W×3`` ones RGB; 16-bit output is greyscale PNG or TIFF.
WebP is written lossless, JPEG at quality 95.

>>> to_pixels(np.array([[-2.0, 0.0, 1.0]]), "abs").tolist()
[[255, 0, 128]]
>>> sniff_image(b"\\x89PNG\\r\\n\\x1a\\n...")
'png'
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from convcalc.errors import ArrayFormatError, ConvcalcError

__all__ = [
    "BIT_DEPTHS",
    "DEEP_FORMATS",
    "IMAGE_EXTENSIONS",
    "IMAGE_FORMATS",
    "INSTALL_HINT",
    "NORMALIZE",
    "finite_range",
    "from_layout",
    "read_image",
    "sniff_image",
    "to_layout",
    "to_pixels",
    "write_image",
]

Array = npt.NDArray[Any]
Check = Callable[[Sequence[tuple[str, int]]], None]

IMAGE_FORMATS = ("png", "jpeg", "tiff", "bmp", "webp")
IMAGE_EXTENSIONS = {
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".tif": "tiff",
    ".tiff": "tiff",
    ".bmp": "bmp",
    ".webp": "webp",
}
DEEP_FORMATS = ("png", "tiff")
"""The formats written with 16 bits per pixel (greyscale)."""

BIT_DEPTHS = (8, 16)
NORMALIZE = ("auto", "minmax", "abs", "clip")
"""How values become pixels: ``clip`` keeps [0, 1] (values outside are clipped),
``minmax`` stretches [min, max] to [0, 1], ``abs`` maps ``|v|`` over [0, max |v|] (a signed
edge map: both signs light up), ``auto`` (the default) is ``clip`` when every value is in
[0, 1] (so an image read and written back is unchanged), ``abs`` when any is negative, else
``minmax``. NaN becomes 0; ±inf the ends of the range."""

INSTALL_HINT = "pip install 'convcalc[image]'"

_PIL_NAMES = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "bmp": "BMP", "webp": "WEBP"}
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {"webp": {"lossless": True}, "jpeg": {"quality": 95}}
_GREY_MODES = ("1", "L", "LA", "La", "I", "I;16", "I;16L", "I;16B", "I;16N", "F")
_DEEP_MODES = ("I;16", "I;16L", "I;16B", "I;16N")


def sniff_image(data: bytes) -> str | None:
    """The image format whose magic bytes start *data*, else ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data.startswith(b"BM") and len(data) >= 26:
        return "bmp"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _pillow() -> ModuleType:
    try:
        from PIL import Image
    except ImportError:
        raise ConvcalcError(f"image files need Pillow: {INSTALL_HINT}") from None
    return Image


def read_image(
    data: bytes,
    fmt: str,
    *,
    channels: str = "grey",
    what: str = "input",
    check: Check | None = None,
) -> Array:
    """The pixels of an image file's bytes as floats: ``H×W`` (grey) or ``H×W×3`` (rgb;
    ``auto``: rgb for a colour image, else grey)."""
    image_module = _pillow()
    label, kind = f"the {what}", _PIL_NAMES[fmt]
    try:
        with warnings.catch_warnings():
            # DecompressionBombWarning: the size is checked against the memory limit below.
            warnings.simplefilter("ignore")
            image = image_module.open(io.BytesIO(data), formats=[kind])
            width, height = image.size
            if width == 0 or height == 0:
                raise ArrayFormatError(f"{label} is an empty image ({width}×{height} pixels)")
            if channels == "auto":
                channels = "grey" if image.mode in _GREY_MODES else "rgb"
            if check is not None:
                bands = 3 if channels == "rgb" else 1
                check([(f"{label} ({width}×{height} pixels)", width * height * bands * 9)])
            from PIL import ImageOps

            image = ImageOps.exif_transpose(image)
            return _pixels(image, channels, label)
    except ConvcalcError:
        raise
    except image_module.DecompressionBombError as exc:
        sizes = re.findall(r"\d+", str(exc))[:2] or ["?", "?"]
        raise ArrayFormatError(
            f"{label} is refused unread as a possible decompression bomb: it declares "
            f"{sizes[0]} pixels, over Pillow's limit of {sizes[-1]}"
        ) from None
    except image_module.UnidentifiedImageError:
        raise ArrayFormatError(f"{label} is not a valid {kind} image") from None
    except (OSError, SyntaxError, ValueError, EOFError, KeyError, IndexError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ArrayFormatError(f"{label} is not a readable {kind} image: {detail}") from None


def _pixels(image: Any, channels: str, label: str) -> Array:
    mode = image.mode
    if channels == "rgb":
        if mode in _GREY_MODES:
            raise ArrayFormatError(
                f"{label} is a greyscale image (mode {mode}); --channels rgb needs a colour one"
            )
        return np.asarray(image.convert("RGB"), dtype=np.uint8) / 255.0
    if mode in _DEEP_MODES:
        return np.asarray(image, dtype=np.uint16) / 65535.0
    if mode == "F":
        return np.asarray(image, dtype=np.float64)
    if mode == "I":  # older Pillows open 16-bit greyscale PNGs as 32-bit integers
        pixels = np.asarray(image, dtype=np.int64)
        if pixels.min() < 0 or pixels.max() > 65535:
            raise ArrayFormatError(
                f"{label} has 32-bit integer pixels outside 0..65535 (mode I), which "
                "convcalc does not read; save it with 8 or 16 bits"
            )
        return pixels / 65535.0
    try:
        grey = image.convert("L")
    except ValueError:
        raise ArrayFormatError(f"{label} is an image of unsupported mode {mode}") from None
    return np.asarray(grey, dtype=np.uint8) / 255.0


def to_layout(image: Array, layout: str) -> Array:
    """An image array (``H×W`` or ``H×W×C``) in a ``--layout``: unchanged under ``plain``,
    with a batch axis of 1 (and a channel axis) under the others.

    >>> to_layout(np.zeros((4, 5, 3)), "nchw").shape, to_layout(np.zeros((4, 5)), "nhwc").shape
    ((1, 3, 4, 5), (1, 4, 5, 1))
    """
    if layout == "plain":
        return image
    hwc = image[..., None] if image.ndim == 2 else image
    if layout.startswith("nc"):
        return np.moveaxis(hwc, -1, 0)[None]
    return hwc[None]


def from_layout(array: Array, layout: str) -> Array:
    """A result in a ``--layout`` as an image array (``H×W`` or ``H×W×3``), or an error.

    >>> from_layout(np.zeros((1, 3, 4, 5)), "nchw").shape
    (4, 5, 3)
    >>> from_layout(np.zeros((1, 4, 5, 1)), "nhwc").shape
    (4, 5)
    """
    shape = tuple(array.shape)
    hwc: Array | None = array
    if layout != "plain":
        if array.ndim != 4 or shape[0] != 1:
            hwc = None
        else:
            hwc = np.moveaxis(array[0], 0, -1) if layout.startswith("nc") else array[0]
    if hwc is not None and hwc.ndim == 3 and hwc.shape[-1] == 1:
        hwc = hwc[..., 0]
    if hwc is None or not (hwc.ndim == 2 or (hwc.ndim == 3 and hwc.shape[-1] == 3)):
        raise ArrayFormatError(
            f"an image holds H×W (grey) or H×W×3 (RGB) pixels, one picture; the result has "
            f"shape {shape} under --layout {layout}; write .npy, .json or text instead"
        )
    return hwc


def finite_range(a: Array) -> tuple[float, float]:
    """The smallest and largest finite values of *a* (``0, 0`` when there are none),
    without copying it: the value range that pixels and terminal pictures map to.

    >>> finite_range(np.array([np.nan, -np.inf, 2.0, 5.0])), finite_range(np.arange(3))
    ((2.0, 5.0), (0.0, 2.0))
    """
    if a.size and a.dtype.kind in "biu":
        return float(a.min()), float(a.max())
    finite = np.isfinite(a)
    if not finite.any():
        return 0.0, 0.0
    return float(a.min(where=finite, initial=np.inf)), float(a.max(where=finite, initial=-np.inf))


def to_pixels(array: Array, normalize: str = "auto", bit_depth: int = 8) -> Array:
    """*array* mapped to ``uint8`` (or ``uint16``) pixels by *normalize* (:data:`NORMALIZE`).

    >>> to_pixels(np.array([2.0, 4.0, 6.0]), "minmax").tolist()
    [0, 128, 255]
    >>> to_pixels(np.array([0.0, 0.5, 2.0]), "clip", 16).tolist()
    [0, 32768, 65535]
    """
    a = np.asarray(array, dtype=np.float64)
    low, high = finite_range(a)
    if normalize == "auto":
        normalize = "clip" if low >= 0 and high <= 1 else "abs" if low < 0 else "minmax"
    if normalize == "abs":
        peak = max(abs(low), abs(high))
        unit = np.abs(a) / peak if peak > 0 else np.where(np.isinf(a), 1.0, 0.0)
    elif normalize == "minmax":
        span = high / 2 - low / 2  # halves: no overflow between ±1e308
        unit = (a / 2 - low / 2) / span if span > 0 else np.where(a == np.inf, 1.0, 0.0)
    elif normalize == "clip":
        unit = a
    else:
        raise ArrayFormatError(f"unknown --normalize {normalize!r}; expected {NORMALIZE}")
    unit = np.clip(np.nan_to_num(unit, nan=0.0), 0.0, 1.0)
    top = 2**bit_depth - 1
    pixels: Array = np.rint(unit * top).astype(np.uint16 if bit_depth > 8 else np.uint8)
    return pixels


def write_image(
    array: Array, fmt: str, stream: IO[bytes], *, normalize: str = "auto", bit_depth: int = 8
) -> None:
    """Write an ``H×W`` or ``H×W×3`` array as an image in *fmt* to *stream*."""
    check_output(fmt, bit_depth, rgb=array.ndim == 3)
    image_module = _pillow()
    pixels = to_pixels(array, normalize, bit_depth)
    try:
        image = image_module.fromarray(pixels)
        image.save(stream, format=_PIL_NAMES[fmt], **_SAVE_OPTIONS.get(fmt, {}))
    except (ValueError, KeyError, TypeError) as exc:
        raise ArrayFormatError(f"Pillow cannot write this {_PIL_NAMES[fmt]}: {exc}") from None


def check_output(fmt: str, bit_depth: int, *, rgb: bool = False) -> None:
    """Refuse a bit depth the format (or RGB) cannot hold.

    >>> check_output("jpeg", 16)
    Traceback (most recent call last):
    ...
    convcalc.errors.ArrayFormatError: 16-bit images are written as PNG or TIFF, not JPEG
    """
    if bit_depth == 16 and fmt not in DEEP_FORMATS:
        raise ArrayFormatError(f"16-bit images are written as PNG or TIFF, not {_PIL_NAMES[fmt]}")
    if bit_depth == 16 and rgb:
        raise ArrayFormatError("16-bit images are greyscale; RGB images are written with 8 bits")
