"""Record Keras model configs and every layer's output shape (issue 15 fixtures).

Run in a separate venv with Keras (never a convcalc dependency)::

    python3 -m venv /tmp/gen && /tmp/gen/bin/pip install keras jax
    KERAS_BACKEND=jax /tmp/gen/bin/python tools/gen_keras_fixtures.py

Writes ``tests/fixtures/keras/<name>.json.gz`` (``model.to_json()``, gzip) and
``tests/fixtures/keras/golden.json``: per model the input shape it was built at and, per layer
name (nested models' layers included), Keras' own output shape and ``count_params()``.
``zoo_2d_keras2.json.gz`` is the same model in the Keras 2 serialisation (``Model``, list
inbound nodes), written from the Keras 3 config by :func:`keras2_form`.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras
from keras import layers as L

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "keras"
GOLDEN = FIXTURES / "golden.json"


def zoo_2d() -> Any:
    """Most 2-D layers at an odd size, two nested models."""
    inp = keras.Input((37, 41, 3), name="image")
    x = L.Rescaling(1 / 255, name="rescale")(inp)
    x = L.Normalization(axis=-1, mean=[0.5, 0.4, 0.3], variance=[1.0, 1.0, 1.0], name="norm")(x)
    x = L.Conv2D(8, 3, strides=2, padding="same", name="conv_s2_same")(x)
    x = L.BatchNormalization(name="bn")(x)
    x = L.ReLU(6.0, name="relu6")(x)
    a = L.Conv2D(8, (3, 5), strides=(3, 2), padding="same", use_bias=False, name="conv_s32")(x)
    a = L.UpSampling2D((3, 2), name="up")(a)
    a = L.Cropping2D(((0, a.shape[1] - x.shape[1]), (0, a.shape[2] - x.shape[2])), name="crop")(a)
    b = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", name="dw_m2")(x)
    b = L.Conv2D(8, 1, name="pw")(b)
    x = L.Add(name="add")([a, b])
    x = L.ZeroPadding2D(((1, 2), (0, 3)), name="zpad")(x)
    x = L.Conv2D(12, 3, dilation_rate=2, name="conv_d2")(x)
    x = L.SeparableConv2D(16, 5, strides=2, padding="same", depth_multiplier=2, name="sep_s2")(x)
    c = L.MaxPooling2D(3, strides=2, padding="same", name="maxpool_same")(x)
    d = L.AveragePooling2D(2, padding="valid", name="avgpool_valid")(x)
    d = L.Conv2DTranspose(16, 3, strides=2, padding="same", name="deconv_same")(d)
    d = L.Conv2DTranspose(
        16, 4, strides=2, padding="valid", output_padding=1, name="deconv_valid_op1"
    )(d)
    fit = (d.shape[1] - c.shape[1] + 1, d.shape[2] - c.shape[2] + 1)
    d = L.Conv2D(16, fit, padding="valid", name="fit")(d)
    se = L.GlobalAveragePooling2D(keepdims=True, name="gap_keep")(c)
    se = L.Dense(16, activation="sigmoid", name="se_dense")(se)
    c = L.Multiply(name="se_mul")([c, se])
    inner = keras.Sequential(
        [
            keras.Input(c.shape[1:]),
            L.Conv2D(16, 3, padding="same", name="inner_conv"),
            L.Activation("relu", name="inner_act"),
        ],
        name="inner_seq",
    )
    c = inner(c)
    fin = keras.Input(d.shape[1:], name="fin")
    fx = L.LayerNormalization(name="ln")(fin)
    fx = L.Dropout(0.1, name="inner_drop")(fx)
    c2 = keras.Model(fin, fx, name="inner_func")(d)
    x = L.Concatenate(name="cat")([c, c2])
    x = L.Permute((2, 1, 3), name="permute")(x)
    x = L.Reshape((-1, 32), name="reshape")(x)
    x = L.GlobalMaxPooling1D(name="gmp1d")(x)
    x = L.Dense(10, name="head")(x)
    return keras.Model(inp, x, name="zoo_2d")


def seq_1d() -> Any:
    return keras.Sequential(
        [
            keras.Input((101, 4), name="wave"),
            L.Conv1D(8, 5, padding="causal", dilation_rate=2, name="causal"),
            L.Normalization(name="adapted_norm"),
            L.MaxPooling1D(3, strides=2, padding="same", name="pool1d"),
            L.Conv1D(8, 4, strides=3, padding="same", name="conv1d_s3"),
            L.SeparableConv1D(8, 3, name="sep1d"),
            L.AveragePooling1D(2, name="avg1d"),
            L.UpSampling1D(3, name="up1d"),
            L.ZeroPadding1D((2, 1), name="zpad1d"),
            L.Flatten(name="flat"),
            L.Dense(5, name="out"),
        ],
        name="seq_1d",
    )


def func_3d() -> Any:
    inp = keras.Input((13, 15, 17, 2), name="volume")
    x = L.Conv3D(4, 3, strides=2, padding="same", name="conv3d_s2")(inp)
    y = L.MaxPooling3D(2, padding="same", name="max3d")(x)
    z = L.AveragePooling3D((1, 2, 3), strides=(1, 2, 3), name="avg3d")(x)
    y = L.Conv3DTranspose(4, 3, strides=2, padding="same", name="deconv3d")(y)
    x = L.Cropping3D(((0, 1), (0, 0), (1, 0)), name="crop3d")(y)
    x = L.GlobalAveragePooling3D(name="gap3d")(x)
    z = L.GlobalMaxPooling3D(name="gmp3d")(z)
    return keras.Model(inp, L.Concatenate(name="cat3d")([x, z]), name="func_3d")


def channels_first() -> Any:
    inp = keras.Input((3, 31, 29), name="chw")
    x = L.Conv2D(6, 3, strides=2, padding="same", data_format="channels_first", name="cf_conv")(inp)
    x = L.MaxPooling2D(2, data_format="channels_first", name="cf_pool")(x)
    x = L.BatchNormalization(axis=1, name="cf_bn")(x)
    x = L.GlobalAveragePooling2D(data_format="channels_first", name="cf_gap")(x)
    return keras.Model(inp, x, name="channels_first")


def resize_2d() -> Any:
    """Keras' resizing layers at odd sizes: Resizing up and down (every interpolation,
    cropping or padding to the aspect ratio), UpSampling2D with bilinear interpolation."""
    inp = keras.Input((37, 41, 3), name="photo")
    x = L.Resizing(24, 30, interpolation="bilinear", name="rs_down")(inp)
    x = L.Resizing(50, 45, interpolation="bicubic", crop_to_aspect_ratio=True, name="rs_crop")(x)
    x = L.Conv2D(4, 3, strides=2, padding="same", name="conv_s2")(x)
    x = L.UpSampling2D((2, 3), interpolation="bilinear", name="up_bilinear")(x)
    x = L.Resizing(61, 33, interpolation="nearest", pad_to_aspect_ratio=True, name="rs_pad")(x)
    x = L.Resizing(17, 19, interpolation="area", name="rs_area")(x)
    x = L.UpSampling2D(2, name="up_nearest")(x)
    return keras.Model(inp, L.Conv2D(2, 5, name="head")(x), name="resize_2d")


def resize_3d() -> Any:
    inp = keras.Input((5, 6, 7, 2), name="volume")
    x = L.UpSampling3D((2, 1, 3), name="up3d")(inp)
    x = L.Conv3D(3, 3, strides=(1, 2, 2), padding="same", name="conv3d")(x)
    return keras.Model(inp, L.UpSampling3D(2, name="up3d_2")(x), name="resize_3d")


SAVED = ("resize_2d",)
"""Models also written by ``model.save`` as a real ``.keras`` file (config, metadata and
weights), next to the ``to_json()`` fixture."""


def application(name: str, height: int, width: int) -> Any:
    """A ``keras.applications`` network (no weights) built at height × width."""
    return getattr(keras.applications, name)(weights=None, input_shape=(height, width, 3))


def mobilenet(size: int) -> Any:
    return keras.applications.MobileNetV2(weights=None, input_shape=(size, size, 3))


def _histories(node: Any) -> list[list[Any]]:
    """The ``keras_history`` entries of a Keras 3 inbound node, in order."""
    if isinstance(node, dict):
        if node.get("class_name") == "__keras_tensor__":
            return [list(node["config"]["keras_history"])]
        return (
            [h for key in ("args", "kwargs") for h in _histories(node.get(key, []))]
            if ("args" in node)
            else [h for v in node.values() for h in _histories(v)]
        )
    if isinstance(node, list):
        return [h for item in node for h in _histories(item)]
    return []


def keras2_form(data: dict[str, Any]) -> dict[str, Any]:
    """The Keras 2 serialisation of the same model: ``class_name`` ``Model``, inbound nodes
    as ``[[name, node, tensor, {}], ...]``, ``batch_input_shape`` (for the Keras 2 path)."""
    out: dict[str, Any] = json.loads(json.dumps(data))
    if out["class_name"] == "Functional":
        out["class_name"] = "Model"
    for layer in out["config"]["layers"]:
        cfg = layer["config"]
        if "batch_shape" in cfg:
            cfg["batch_input_shape"] = cfg.pop("batch_shape")
        if "inbound_nodes" in layer:
            layer["inbound_nodes"] = [
                [[*h, {}] for h in _histories(node)] for node in layer["inbound_nodes"]
            ]
        if layer["class_name"] in ("Functional", "Sequential"):
            nested = keras2_form(layer)
            layer["class_name"], layer["config"] = nested["class_name"], nested["config"]
    return out


def _records(model: Any, out: dict[str, Any]) -> None:
    """Every layer and every operation (``x + y`` is an ``Add`` op, not in ``layers``)."""
    for layer in getattr(model, "operations", model.layers):
        if isinstance(layer, keras.Model):
            _records(layer, out)
            continue
        if isinstance(layer, keras.layers.Layer):
            out[layer.name] = {"shape": list(layer.output.shape), "params": layer.count_params()}
        else:
            shape = layer._inbound_nodes[0].output_tensors[0].shape
            out[layer.name] = {"shape": list(shape), "params": 0}


OVERRIDES = {
    "mobilenetv2_224": ("225x225", "193x257"),
    "func_3d": ("21x11x19",),
    "resize_2d": ("29x53", "64x64"),
    "resize_3d": ("4x9x5",),
}
"""Input sizes to rebuild a saved config at (what ``chain -i`` must reproduce)."""


def resized(text: str, size: str) -> dict[str, Any]:
    """Per layer shape of the saved config rebuilt with another input size (its fixed
    layer arguments, e.g. ZeroPadding2D pads, kept)."""
    data = json.loads(text)
    spatial = [int(v) for v in size.split("x")]
    for layer in data["config"]["layers"]:
        if layer["class_name"] == "InputLayer":
            shape = layer["config"]["batch_shape"]
            layer["config"]["batch_shape"] = [shape[0], *spatial, shape[-1]]
            break
    model = keras.models.model_from_json(json.dumps(data))
    out: dict[str, Any] = {}
    _records(model, out)
    return out


def _write_gz(path: Path, text: str) -> None:
    """Gzip with no timestamp, so that a rerun writes the same bytes."""
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    golden: dict[str, Any] = {"keras": keras.__version__, "models": {}}
    builds: dict[str, Callable[[], Any]] = {
        "mobilenetv2_224": lambda: mobilenet(224),
        "mobilenetv2_225": lambda: mobilenet(225),
        "zoo_2d": zoo_2d,
        "seq_1d": seq_1d,
        "func_3d": func_3d,
        "channels_first": channels_first,
        "resize_2d": resize_2d,
        "resize_3d": resize_3d,
        "inception_v3_301x299": lambda: application("InceptionV3", 301, 299),
        "efficientnet_b0_227x199": lambda: application("EfficientNetB0", 227, 199),
        "convnext_tiny_227x199": lambda: application("ConvNeXtTiny", 227, 199),
    }
    for name, build in builds.items():
        model = build()
        text = model.to_json()
        _write_gz(FIXTURES / f"{name}.json.gz", text)
        if name == "zoo_2d":
            _write_gz(
                FIXTURES / f"{name}_keras2.json.gz", json.dumps(keras2_form(json.loads(text)))
            )
        if name in SAVED:
            model.save(FIXTURES / f"{name}.keras")
        layers: dict[str, Any] = {}
        _records(model, layers)
        golden["models"][name] = {
            "input": [list(t.shape) for t in model.inputs],
            "params": model.count_params(),
            "layers": layers,
        }
        for size in OVERRIDES.get(name, ()):
            golden["models"][name].setdefault("overrides", {})[size] = resized(text, size)
        print(name, len(layers), "layers", len(text), "bytes")
    GOLDEN.write_text(json.dumps(golden) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
