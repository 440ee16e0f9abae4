"""Image files in and out of ``convcalc run`` (issue 20): the Sobel edge map of a photo equals
the run on its ``.npy``; round trips exact at 8 and 16 bits; RGB order and EXIF
orientation; ``--normalize``; bad images refused in one line with nothing written.

The test photo is generated (``tests/photo.py``: a lit disc and a bar over two gradients,
with a little seeded noise), not downloaded.
"""

from __future__ import annotations

import io
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from click.testing import CliRunner, Result
from photo import make_photo, png_header_only
from PIL import Image

from convcalc.arrays import images
from convcalc.cli import cli
from convcalc.errors import ConvcalcError

U8 = npt.NDArray[np.uint8]


def run(args: list[str], cwd: Path) -> Result:
    import os

    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, ["run", *args])
    finally:
        os.chdir(old)


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def test_sobel_edges_of_a_photo_equal_the_run_on_its_npy(tmp_path: Path) -> None:
    Image.fromarray(make_photo()).save(tmp_path / "photo.png")
    grey = np.asarray(Image.open(tmp_path / "photo.png").convert("L")) / 255.0
    np.save(tmp_path / "photo.npy", grey)
    ok(run(["conv", "--kernel", "sobel-x", "-p", "same", "photo.png", "-o", "edges.png"], tmp_path))
    ok(run(["conv", "--kernel", "sobel-x", "-p", "same", "photo.npy", "-o", "edges.npy"], tmp_path))
    result = np.load(tmp_path / "edges.npy")
    assert result.min() < 0 < result.max()  # signed: the default normalisation is abs
    expected = np.rint(np.abs(result) / np.abs(result).max() * 255).astype(np.uint8)
    edges = Image.open(tmp_path / "edges.png")
    assert edges.mode == "L" and edges.size == (64, 48)
    np.testing.assert_array_equal(np.asarray(edges), expected)
    assert np.count_nonzero(expected > 128) > 20  # the disc's and the bar's edges light up


def test_a_declared_100000_square_png_is_refused_fast_without_allocating(tmp_path: Path) -> None:
    png_header_only(tmp_path / "bomb.png", 100_000, 100_000)
    tracemalloc.start()
    start = time.perf_counter()
    result = run(["pool", "-k", "2", "bomb.png", "-o", "out.png"], tmp_path)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the input 'bomb.png' is refused unread")
    assert "10000000000 pixels" in result.stderr and result.stderr.count("\n") == 1
    assert seconds < 1.0, seconds
    assert peak < 20 * 2**20, peak  # 10¹⁰ pixels would be 10 GB; the peak stays tiny
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.png"]


def test_an_image_over_the_memory_limit_is_refused_before_decoding(tmp_path: Path) -> None:
    png_header_only(tmp_path / "big.png", 20_000, 6_000)  # under Pillow's bomb limit
    result = run(["pool", "-k", "2", "--max-memory", "100M", "big.png", "-o", "o.png"], tmp_path)
    assert result.exit_code == 1
    assert "the input 'big.png' (20000×6000 pixels) needs 1.01 GiB" in result.stderr
    assert not (tmp_path / "o.png").exists()


@pytest.mark.parametrize(("bits", "ext"), [(8, "png"), (16, "png"), (8, "tiff"), (16, "tiff")])
def test_grey_round_trips_are_exact(tmp_path: Path, bits: int, ext: str) -> None:
    dtype = np.uint8 if bits == 8 else np.uint16
    pixels = np.random.default_rng(bits).integers(0, 2**bits, (23, 31)).astype(dtype)
    pixels[0, :2] = (0, 2**bits - 1)
    Image.fromarray(pixels).save(tmp_path / f"in.{ext}")
    args = ["conv", "-k", "identity", "-p", "same", f"in.{ext}", "-o", f"out.{ext}"]
    ok(run([*args, "--bit-depth", str(bits)], tmp_path))
    back = np.asarray(Image.open(tmp_path / f"out.{ext}"))
    assert back.dtype == dtype
    np.testing.assert_array_equal(back, pixels)


@pytest.mark.parametrize("ext", ["bmp", "webp", "png"])
def test_lossless_rgb_formats_round_trip(tmp_path: Path, ext: str) -> None:
    rgb = make_photo(12, 10)
    Image.fromarray(rgb).save(tmp_path / f"in.{ext}", lossless=True)  # only WebP uses it
    ok(run(["pool", "-k", "1", "--channels", "rgb", "--layout", "nhwc", f"in.{ext}",
            "-o", f"out.{ext}"], tmp_path))  # fmt: skip
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / f"out.{ext}")), rgb)


def test_jpeg_reads_and_writes_close(tmp_path: Path) -> None:
    grey = np.asarray(Image.fromarray(make_photo()).convert("L"))
    Image.fromarray(grey).save(tmp_path / "in.jpg", quality=95)
    ok(run(["pool", "-k", "1", "in.jpg", "-o", "out.jpg"], tmp_path))
    back = np.asarray(Image.open(tmp_path / "out.jpg")).astype(int)
    assert np.abs(back - grey).mean() < 2.0


def test_rgb_channel_order_and_layouts(tmp_path: Path) -> None:
    rgb = np.zeros((2, 3, 3), np.uint8)
    rgb[0, 0] = (255, 0, 0)  # top left red
    rgb[0, 2] = (0, 255, 0)  # top right green
    rgb[1, 0] = (0, 0, 255)  # bottom left blue
    Image.fromarray(rgb).save(tmp_path / "rgb.png")
    base = ["pool", "-k", "1", "--channels", "rgb", "rgb.png", "-o", "out.npy"]
    ok(run([*base, "--layout", "nhwc"], tmp_path))
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), rgb[None] / 255.0)
    ok(run([*base, "--layout", "nchw"], tmp_path))
    np.testing.assert_array_equal(
        np.load(tmp_path / "out.npy"), np.moveaxis(rgb, -1, 0)[None] / 255
    )
    ok(run([*base[:-2], "--layout", "nchw", "-o", "back.png"], tmp_path))
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "back.png")), rgb)
    ok(run(["pool", "-k", "1", "rgb.png", "-o", "grey.npy"], tmp_path))  # default: luma
    luma = np.asarray(Image.fromarray(rgb).convert("L")) / 255.0
    np.testing.assert_array_equal(np.load(tmp_path / "grey.npy"), luma)


def test_exif_orientation_is_honoured(tmp_path: Path) -> None:
    pixels = np.arange(6, dtype=np.uint8).reshape(2, 3) * 40
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: display turned 90° clockwise
    Image.fromarray(pixels).save(tmp_path / "turned.png", exif=exif)
    ok(run(["pool", "-k", "1", "turned.png", "-o", "out.npy"], tmp_path))
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), np.rot90(pixels, -1) / 255.0)


EXIF_DISPLAY = {
    1: lambda a: a,
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.T,
    6: lambda a: np.rot90(a, -1),
    7: lambda a: a[::-1, ::-1].T,
    8: lambda a: np.rot90(a, 1),
}
"""What a viewer shows for each EXIF orientation (TIFF/EXIF 2.3, tag 0x0112), written out
from the standard rather than from Pillow."""


@pytest.mark.parametrize("orientation", sorted(EXIF_DISPLAY))
@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_every_exif_orientation_reads_as_displayed(
    tmp_path: Path, orientation: int, suffix: str
) -> None:
    """All eight orientations, in PNG (exact) and JPEG (lossy: block pattern within 4/255)."""
    pixels = np.kron(np.array([[0, 64, 128], [192, 255, 32]], dtype=np.uint8), np.ones((8, 8)))
    pixels = pixels.astype(np.uint8)  # 16×24: 8×8 blocks survive JPEG
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.fromarray(pixels).save(tmp_path / f"in{suffix}", exif=exif, quality=95)
    ok(run(["pool", "-k", "1", f"in{suffix}", "-o", "out.npy"], tmp_path))
    got, want = np.load(tmp_path / "out.npy"), EXIF_DISPLAY[orientation](pixels) / 255.0
    assert got.shape == want.shape
    if suffix == ".png":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, atol=4 / 255)


def test_normalize_modes_on_known_arrays() -> None:
    a = np.array([[-2.0, 0.0], [1.0, 3.0]])
    assert images.to_pixels(a, "minmax").tolist() == [[0, 102], [153, 255]]
    assert images.to_pixels(a, "abs").tolist() == [[170, 0], [85, 255]]
    assert images.to_pixels(a, "clip").tolist() == [[0, 0], [255, 255]]
    assert images.to_pixels(a, "auto").tolist() == images.to_pixels(a, "abs").tolist()
    assert images.to_pixels(a + 2, "auto").tolist() == images.to_pixels(a + 2, "minmax").tolist()
    half = np.array([0.0, 0.5, 1.0])
    assert images.to_pixels(half, "auto").tolist() == [0, 128, 255]
    assert images.to_pixels(half, "clip", 16).tolist() == [0, 32768, 65535]
    odd = np.array([np.nan, -np.inf, np.inf, 1.0, 3.0])
    assert images.to_pixels(odd, "minmax").tolist() == [0, 0, 255, 0, 255]
    assert images.to_pixels(odd, "abs").tolist() == [0, 255, 255, 85, 255]
    assert images.to_pixels(np.full(3, 7.0), "minmax").tolist() == [0, 0, 0]
    assert images.to_pixels(np.array([-1e308, 1e308]), "minmax").tolist() == [0, 255]


def test_normalize_option_reaches_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("[[-2, 0], [1, 3]]")
    for mode, expected in [("minmax", [[0, 102], [153, 255]]), ("clip", [[0, 0], [255, 255]])]:
        ok(run(["pool", "-k", "1", "--normalize", mode, "a.json", "-o", "a.png"], tmp_path))
        assert np.asarray(Image.open(tmp_path / "a.png")).tolist() == expected


def _truncated(path: Path) -> None:
    Image.fromarray(make_photo()).save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_32_bit_integer_pixels_within_16_bits_read_as_16_bit(tmp_path: Path) -> None:
    pixels = np.array([[0, 1000, 65535]], dtype=np.int32)
    Image.fromarray(pixels).save(tmp_path / "i.tif")
    with Image.open(tmp_path / "i.tif") as stored:
        assert stored.mode == "I"
    ok(run(["pool", "-k", "1", "i.tif", "-o", "o.npy"], tmp_path))
    np.testing.assert_array_equal(np.load(tmp_path / "o.npy"), pixels / 65535)


def _int32_tiff(path: Path) -> None:
    Image.fromarray(np.arange(12, dtype=np.int32).reshape(3, 4) * 100000).save(path, format="TIFF")


@pytest.mark.parametrize(
    ("make", "args", "status", "message"),
    [
        (_truncated, [], 1, "Error: the input 'bad.png' is not a readable PNG image: "),
        (lambda p: png_header_only(p, 0, 5), [], 1, "Error: the input 'bad.png' is not a valid"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n"), [], 1, "is not a valid PNG image"),
        (_int32_tiff, ["--format", "tiff"], 1, "32-bit integer pixels outside 0..65535"),
        (
            lambda p: Image.new("L", (4, 4)).save(p),
            ["--channels", "rgb"],
            1,
            "is a greyscale image (mode L); --channels rgb needs a colour one",
        ),
        (lambda p: Image.new("L", (4, 4)).save(p), ["-o", "o.jpg", "--bit-depth", "16"], 2,
         "16-bit images are written as PNG or TIFF, not jpeg"),
        (lambda p: Image.new("RGB", (4, 4)).save(p), ["--bit-depth", "16", "--channels", "rgb"],
         1, "16-bit images are greyscale"),
        (lambda p: p.write_text("[1, 2, 3]"), [], 1,
         "an image holds H×W (grey) or H×W×3 (RGB) pixels, one picture; the result has shape (3,)"),
    ],
)  # fmt: skip
def test_bad_images_fail_in_one_line_and_write_nothing(
    tmp_path: Path, make: object, args: list[str], status: int, message: str
) -> None:
    assert callable(make)
    make(tmp_path / "bad.png")
    before = sorted(p.name for p in tmp_path.iterdir())
    output = [] if "-o" in args else ["-o", "out.png"]
    result = run(["pool", "-k", "1", *output, *args, "bad.png"], tmp_path)
    assert result.exit_code == status, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_images_on_stdin_and_forced_format(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.fromarray(np.array([[0, 255]], np.uint8)).save(buffer, format="PNG")
    result = CliRunner().invoke(cli, ["run", "pool", "-k", "1", "--output-format", "json"],
                                input=buffer.getvalue())  # fmt: skip
    assert ok(result).stdout == "[[0, 1]]\n"
    (tmp_path / "x.png").write_bytes(buffer.getvalue())
    forced = run(["pool", "-k", "1", "--format", "jpeg", "x.png"], tmp_path)
    assert forced.exit_code == 1 and "is not a valid JPEG image" in forced.stderr


def test_missing_pillow_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ConvcalcError, match=r"pip install 'convcalc\[image\]'"):
        images.read_image(b"\x89PNG\r\n\x1a\n", "png")


def test_array_runs_do_not_load_pillow(tmp_path: Path) -> None:
    import subprocess

    np.save(tmp_path / "x.npy", np.ones((4, 4)))
    code = (
        "import sys\n"
        "from convcalc.cli import cli\n"
        "cli.main(['run', 'conv', '-k', 'box3', 'x.npy', '-o', 'y.npy'], standalone_mode=False)\n"
        "print('PIL' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(
    "args",
    [
        ["conv", "-k", "laplacian", "-p", "same"],
        ["deconv", "-k", "[[1, 2], [3, 4]]", "-s", "2"],
        ["pool", "-k", "3", "-s", "2", "--op", "avg"],
        ["unpool", "-k", "2", "--indices", "idx.npy"],
        ["resize", "--scale", "1.5", "--mode", "linear"],
    ],
    ids=["conv", "deconv", "pool", "unpool", "resize"],
)
def test_every_run_command_reads_and_writes_images(tmp_path: Path, args: list[str]) -> None:
    Image.fromarray(make_photo(20, 24)).save(tmp_path / "photo.png")
    grey = np.asarray(Image.open(tmp_path / "photo.png").convert("L")) / 255.0
    np.save(tmp_path / "photo.npy", grey)
    ok(run(["pool", "-k", "2", "photo.npy", "--indices", "idx.npy", "-o", "pooled.npy"], tmp_path))
    source = "pooled" if args[0] == "unpool" else "photo"
    if source == "pooled":
        pooled = np.load(tmp_path / "pooled.npy")
        Image.fromarray(np.rint(pooled * 255).astype(np.uint8)).save(tmp_path / "pooled.png")
    ok(run([*args, f"{source}.png", "-o", "out.png"], tmp_path))
    ok(run([*args, f"{source}.npy", "-o", "out.npy"], tmp_path))
    expected = images.to_pixels(np.load(tmp_path / "out.npy"))
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "out.png")), expected)
