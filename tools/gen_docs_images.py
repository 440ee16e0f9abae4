"""Write the image-guide's files: ``docs/examples/photo.png`` (the generated test photo of
``tests/photo.py``, no downloaded image), ``docs/examples/features.json`` (a small N-d
array for ``convcalc show --layout``), and ``docs/_static/edges.svg`` (the colour picture
``convcalc show`` draws of the photo's Sobel-x edge map, captured with Rich's
``Console(record=True).save_svg``).

Run from the repository root with the project's venv (Pillow: the ``image`` extra)::

    .venv/bin/python tools/gen_docs_images.py

The SVG's command is :data:`EDGES`, run for real by the CLI in a temporary folder.
"""

from __future__ import annotations

import io
import json
import shlex
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
SVG = ROOT / "docs" / "_static" / "edges.svg"
EDGES = "run conv --kernel sobel-x -p same --padding-mode replicate photo.png -o edges.png"
WIDTH = 80


def main() -> None:
    import numpy as np
    from PIL import Image
    from rich.console import Console

    sys.path.insert(0, str(ROOT / "tests"))
    from photo import make_photo

    from convcalc.arrays.formats import read_array
    from convcalc.cli import cli
    from convcalc.cli.show_cmd import print_picture

    EXAMPLES.mkdir(parents=True, exist_ok=True)
    Image.fromarray(make_photo()).save(EXAMPLES / "photo.png", optimize=True)
    features = np.arange(2 * 6 * 8).reshape(1, 2, 6, 8) % 7 - 3
    (EXAMPLES / "features.json").write_text(json.dumps(features.tolist()) + "\n")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "photo.png").write_bytes((EXAMPLES / "photo.png").read_bytes())
        words = [str(Path(folder, w)) if w.endswith(".png") else w for w in shlex.split(EDGES)]
        cli.main(words, prog_name="convcalc", standalone_mode=False)
        edges, _ = read_array(str(Path(folder, "edges.png")))
    console = Console(
        record=True, file=io.StringIO(), force_terminal=True, color_system="truecolor",
        width=WIDTH, highlight=False, soft_wrap=False,
    )  # fmt: skip
    print_picture(edges, console=console, rows=40)
    SVG.parent.mkdir(parents=True, exist_ok=True)
    console.save_svg(str(SVG), title="convcalc show edges.png")
    print(f"wrote {EXAMPLES / 'photo.png'}, {EXAMPLES / 'features.json'}, {SVG}")


if __name__ == "__main__":
    main()
