"""Write the model files of the manual's examples into ``docs/examples/``.

- ``small_cnn.json``: a small Keras model (``model.to_json()``, Keras 3) whose TensorFlow
  ``same`` pads depend on the input size, for ``chain`` and ``port`` examples.
- ``alexnet.onnx``: the onnx wheel's ``light_bvlc_alexnet.onnx`` with its input made
  ``N×3×H×W``, as ``tools/gen_onnx_fixtures.py`` writes it (copied from the fixture).

Run with a Python that has Keras (e.g. ``/tmp/gen-i16/bin/python tools/gen_docs_examples.py``).
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "examples"


def small_cnn() -> str:
    """The Keras model's JSON config."""
    import keras
    from keras import layers

    model = keras.Sequential(
        [
            keras.Input((224, 224, 3), name="image"),
            layers.Conv2D(16, 3, strides=2, padding="same", name="stem"),
            layers.MaxPooling2D(3, strides=2, padding="same", name="pool"),
            layers.DepthwiseConv2D(3, padding="same", name="dw"),
            layers.Conv2D(32, 1, name="pw"),
            layers.Conv2D(32, 3, strides=2, padding="same", name="down"),
            layers.Conv2DTranspose(16, 4, strides=2, padding="same", name="up"),
            layers.GlobalAveragePooling2D(name="gap"),
            layers.Dense(10, name="classes"),
        ],
        name="small_cnn",
    )
    text: str = model.to_json(indent=1)
    return text + "\n"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "small_cnn.json").write_text(small_cnn(), encoding="utf-8")
    fixture = ROOT / "tests" / "fixtures" / "onnx" / "bvlc_alexnet.onnx.gz"
    with gzip.open(fixture) as src, open(OUT / "alexnet.onnx", "wb") as dst:
        shutil.copyfileobj(src, dst)


if __name__ == "__main__":
    main()
