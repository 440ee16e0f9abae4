"""The test photo and a header-only PNG, generated (no downloaded image): shared by
``test_images.py``, ``test_show.py`` and ``tools/gen_docs_images.py`` (which writes
``docs/examples/photo.png``).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]


def make_photo(height: int = 48, width: int = 64, seed: int = 20) -> U8:
    """An RGB test picture: gradients, a bright disc, a dark bar and seeded noise."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    red = 40 + 150 * x / width
    green = 60 + 120 * y / height
    blue = np.full_like(x, 90.0)
    disc = (y - height * 0.45) ** 2 + (x - width * 0.35) ** 2 < (height * 0.25) ** 2
    bar = (np.abs(x - width * 0.75) < width * 0.06) & (y > height * 0.2)
    rgb = np.stack([red, green, blue], axis=-1)
    rgb[disc] = (240, 230, 200)
    rgb[bar] = (20, 30, 60)
    noise = np.random.default_rng(seed).normal(0, 3, rgb.shape)
    return np.clip(np.rint(rgb + noise), 0, 255).astype(np.uint8)


def png_header_only(path: Path, width: int, height: int) -> None:
    """A PNG that declares *width*×*height* grey pixels and holds almost none."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )
