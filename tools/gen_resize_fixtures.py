"""Record resize golden fixtures from the real libraries: tests/fixtures/resize.json.

Run with a Python that has ``torch==2.13.0``, ``tensorflow-cpu`` (with Keras 3), ``onnx``,
``onnxruntime``, ``opencv-python-headless``, ``pillow`` and ``jax`` (none of them is a
convcalc dependency)::

    python3 -m venv /tmp/gen && /tmp/gen/bin/pip install torch==2.13.0 tensorflow-cpu \
        onnx onnxruntime opencv-python-headless pillow "jax[cpu]"
    /tmp/gen/bin/python tools/gen_resize_fixtures.py

Each case: convention, mode, options (convcalc's knob names), the spatial input shape,
``size`` or ``scale``, the float32 input (N=1, C=1, channels-first) and either the
library's float32 output (channels-first) or the library's error message when it refuses.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "resize.json"
RNG = np.random.default_rng(16)

SHAPES: dict[int, list[tuple[int, ...]]] = {
    1: [(5,), (8,)],
    2: [(5, 4), (4, 6), (3, 3)],
    3: [(3, 4, 5)],
}


def targets(shape: tuple[int, ...]) -> Iterator[dict[str, Any]]:
    """Sizes up and down, odd and even, mixed per axis; integer and fractional scales."""
    yield {"size": [2 * n for n in shape]}
    yield {"size": [2 * n + 1 for n in shape]}
    yield {"size": [max(1, (3 * n) // 5) for n in shape]}
    yield {"size": [n + 3 if k % 2 == 0 else max(1, n - 2) for k, n in enumerate(shape)]}
    yield {"size": [1 for _ in shape]}
    for s in (2.0, 3.0, 1.5, 0.5, 0.7, 2.3, 1.0, 1.1):
        yield {"scale": [s] * len(shape)}
    yield {"scale": [1.75 if k % 2 == 0 else 0.6 for k in range(len(shape))]}


def cases() -> Iterator[dict[str, Any]]:
    yield from torch_cases()
    yield from tf_cases()
    yield from keras_cases()
    yield from onnx_cases()
    yield from opencv_cases()
    yield from pil_cases()
    yield from jax_cases()


# --------------------------------------------------------------------------- PyTorch


def torch_cases() -> Iterator[dict[str, Any]]:
    import torch
    import torch.nn.functional as F

    assert torch.__version__.startswith("2.13.0"), torch.__version__
    names = {1: "linear", 2: "bilinear", 3: "trilinear"}
    for rank, shapes in SHAPES.items():
        for shape in shapes:
            for target in targets(shape):
                for mode, options in [
                    ("nearest", {}), ("nearest-exact", {}), ("area", {}),
                    ("linear", {}), ("linear", {"align_corners": True}),
                    ("cubic", {}), ("cubic", {"align_corners": True}),
                    ("nearest", {"align_corners": True}),
                ]:  # fmt: skip
                    variants = [options]
                    if "scale" in target and mode != "area":
                        variants.append({**options, "recompute_scale_factor": True})
                    if rank == 2 and mode in ("linear", "cubic") and not options:
                        variants.append({"antialias": True})
                    for opts in variants:
                        x = sample_input(shape)
                        tmode = {"linear": names[rank], "cubic": "bicubic"}.get(mode, mode)

                        def call(
                            x: Any = x, tmode: Any = tmode, opts: Any = opts, target: Any = target
                        ) -> Any:
                            kw: dict[str, Any] = {"mode": tmode}
                            if "align_corners" in opts:
                                kw["align_corners"] = True
                            if "recompute_scale_factor" in opts:
                                kw["recompute_scale_factor"] = True
                            if "antialias" in opts:
                                kw["antialias"] = True
                            if "size" in target:
                                kw["size"] = tuple(target["size"])
                            else:
                                kw["scale_factor"] = tuple(target["scale"])
                            return F.interpolate(torch.from_numpy(x), **kw).numpy()

                        yield record("torch", mode, opts, shape, target, x, call)


# --------------------------------------------------------------------------- TensorFlow


def tf_cases() -> Iterator[dict[str, Any]]:
    import tensorflow as tf

    methods = {"nearest": "nearest", "linear": "bilinear", "cubic": "bicubic", "area": "area"}
    v1 = {
        "nearest": tf.compat.v1.image.resize_nearest_neighbor,
        "linear": tf.compat.v1.image.resize_bilinear,
        "cubic": tf.compat.v1.image.resize_bicubic,
    }
    for shape in SHAPES[2]:
        for target in targets(shape):
            if "size" not in target:
                continue
            size = target["size"]
            for mode, method in methods.items():
                x = sample_input(shape)

                for aa in (False, True):

                    def call2(x: Any = x, method: Any = method, size: Any = size,
                              aa: bool = aa) -> Any:  # fmt: skip
                        nhwc = np.moveaxis(x, 1, -1)
                        y = tf.image.resize(nhwc, size, method=method, antialias=aa)
                        return np.moveaxis(y.numpy(), -1, 1)

                    yield record("tf", mode, {"antialias": True} if aa else {}, shape, target,
                                 x, call2)  # fmt: skip
                flags: list[dict[str, bool]] = [{}, {"align_corners": True}]
                flags += [{"half_pixel_centers": True}]
                flags += [{"align_corners": True, "half_pixel_centers": True}]
                for opts in flags:
                    x = sample_input(shape)

                    def call1(
                        x: Any = x, mode: Any = mode, opts: Any = opts, size: Any = size
                    ) -> Any:
                        nhwc = np.moveaxis(x, 1, -1)
                        align = opts.get("align_corners", False)
                        if mode == "area":
                            if opts.get("half_pixel_centers"):
                                raise TypeError("resize_area() has no half_pixel_centers")
                            y = tf.compat.v1.image.resize_area(nhwc, size, align_corners=align)
                        else:
                            half = opts.get("half_pixel_centers", False)
                            y = v1[mode](nhwc, size, align_corners=align, half_pixel_centers=half)
                        return np.moveaxis(y.numpy(), -1, 1)

                    yield record("tf1", mode, opts, shape, target, x, call1)


def keras_cases() -> Iterator[dict[str, Any]]:
    import keras

    names = {"nearest": "nearest", "linear": "bilinear", "cubic": "bicubic", "area": "area"}
    for shape in SHAPES[2]:
        for target in targets(shape):
            if "size" not in target:
                continue
            for mode, name in names.items():
                x = sample_input(shape)

                def call(x: Any = x, name: Any = name, size: Any = target["size"]) -> Any:
                    layer = keras.layers.Resizing(size[0], size[1], interpolation=name)
                    return np.moveaxis(np.asarray(layer(np.moveaxis(x, 1, -1))), -1, 1)

                yield record("keras", mode, {}, shape, target, x, call)
    layers = {
        1: keras.layers.UpSampling1D,
        2: keras.layers.UpSampling2D,
        3: keras.layers.UpSampling3D,
    }
    for rank, shapes in SHAPES.items():
        for shape in shapes[:2]:
            for factors in ([2] * rank, [3] + [2] * (rank - 1)):
                for mode in ("nearest", "linear", "cubic"):
                    x = sample_input(shape)
                    target = {"scale": [float(f) for f in factors]}

                    def up(
                        x: Any = x, rank: Any = rank, factors: Any = factors, mode: Any = mode
                    ) -> Any:
                        kw: dict[str, Any] = {"size": factors[0] if rank == 1 else tuple(factors)}
                        if mode != "nearest" or rank == 2:
                            kw["interpolation"] = names[mode]
                        y = layers[rank](**kw)(np.moveaxis(x, 1, -1))
                        return np.moveaxis(np.asarray(y), -1, 1)

                    yield record("keras", mode, {}, shape, target, x, up)


# --------------------------------------------------------------------------- onnxruntime


def onnx_cases() -> Iterator[dict[str, Any]]:
    rules = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
             "half_pixel_symmetric"]  # fmt: skip
    variants: list[tuple[str, dict[str, Any]]] = []
    for rule in rules:
        nearest_rules = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"]
        for nearest in nearest_rules if rule in ("half_pixel", "asymmetric") else nearest_rules[:1]:
            variants.append(("nearest", {"coordinate_mode": rule, "nearest_mode": nearest}))
        variants.append(("linear", {"coordinate_mode": rule}))
        for a, exclude in ((-0.75, False), (-0.5, True), (-0.5, False)):
            opts: dict[str, Any] = {"coordinate_mode": rule, "cubic_a": a}
            if exclude:
                opts["exclude_outside"] = True
            variants.append(("cubic", opts))
    variants += [("nearest", {}), ("linear", {}), ("cubic", {})]
    variants += [("linear", {"antialias": True}), ("cubic", {"antialias": True})]
    variants += [("cubic", {"antialias": True, "cubic_a": -0.5, "exclude_outside": True})]
    variants += [("linear", {"antialias": True, "coordinate_mode": "align_corners"})]
    for rank, shapes in SHAPES.items():
        for shape in shapes[: 2 if rank == 2 else 1]:
            for target in targets(shape):
                for mode, opts in variants:
                    if (
                        mode == "cubic"
                        and rank != 2
                        and opts.get("coordinate_mode") != "half_pixel"
                    ):
                        continue
                    x = sample_input(shape)

                    def call(x: Any = x, m: Any = mode, o: Any = opts, t: Any = target) -> Any:
                        return run_onnx(x, m, o, t)

                    yield record("onnx", mode, opts, shape, target, x, call)


def run_onnx(x: Any, mode: str, opts: dict[str, Any], target: dict[str, Any]) -> Any:
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    attrs: dict[str, Any] = {"mode": mode}
    if "coordinate_mode" in opts:
        attrs["coordinate_transformation_mode"] = opts["coordinate_mode"]
    if "nearest_mode" in opts:
        attrs["nearest_mode"] = opts["nearest_mode"]
    if "cubic_a" in opts:
        attrs["cubic_coeff_a"] = float(opts["cubic_a"])
    if opts.get("exclude_outside"):
        attrs["exclude_outside"] = 1
    if opts.get("antialias"):
        attrs["antialias"] = 1
    inits = [helper.make_tensor("roi", TensorProto.FLOAT, [0], [])]
    if "size" in target:
        sizes = [*x.shape[:2], *target["size"]]
        inits += [helper.make_tensor("scales", TensorProto.FLOAT, [0], [])]
        inits += [helper.make_tensor("sizes", TensorProto.INT64, [len(sizes)], sizes)]
        inputs = ["x", "roi", "scales", "sizes"]
    else:
        scales = [1.0, 1.0, *target["scale"]]
        inits += [helper.make_tensor("scales", TensorProto.FLOAT, [len(scales)], scales)]
        inputs = ["x", "roi", "scales"]
    node = helper.make_node("Resize", inputs, ["y"], **attrs)
    graph = helper.make_graph(
        [node], "resize",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [f"d{i}" for i in range(x.ndim)])],
        inits,
    )  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])
    model.ir_version = 9
    onnx.checker.check_model(model)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]


# --------------------------------------------------------------------------- OpenCV


def opencv_cases() -> Iterator[dict[str, Any]]:
    """cv2.resize on a plain 2-D float32 image; scales are (height, width) = (fy, fx)."""
    import cv2

    flags = {
        "nearest": cv2.INTER_NEAREST,
        "nearest-exact": cv2.INTER_NEAREST_EXACT,
        "linear": cv2.INTER_LINEAR,
        "cubic": cv2.INTER_CUBIC,
        "area": cv2.INTER_AREA,
    }
    shapes = [*SHAPES[2], (7, 5), (12, 9)]
    for shape in shapes:
        for target in [*targets(shape), {"scale": [0.5, 2.0]}, {"scale": [1 / 3, 0.25]}]:
            for mode, flag in flags.items():
                x = sample_input(shape)

                def call(x: Any = x, flag: Any = flag, target: Any = target) -> Any:
                    image = np.ascontiguousarray(x[0, 0])
                    if "size" in target:
                        h, w = target["size"]
                        y = cv2.resize(image, (w, h), interpolation=flag)
                    else:
                        fy, fx = target["scale"]
                        y = cv2.resize(image, None, fx=fx, fy=fy, interpolation=flag)
                    return y[None, None]

                yield record("opencv", mode, {}, shape, target, x, call)


# --------------------------------------------------------------------------- Pillow, JAX


def pil_cases() -> Iterator[dict[str, Any]]:
    """Image.resize of a mode-F (float32) image: NEAREST, BILINEAR, BICUBIC, BOX."""
    from PIL import Image

    filters = {
        "nearest": Image.Resampling.NEAREST,
        "linear": Image.Resampling.BILINEAR,
        "cubic": Image.Resampling.BICUBIC,
        "area": Image.Resampling.BOX,
    }
    for shape in [*SHAPES[2], (7, 5), (12, 9)]:
        for target in targets(shape):
            if "size" not in target:
                continue
            for mode, flag in filters.items():
                x = sample_input(shape)

                def call(x: Any = x, flag: Any = flag, size: Any = target["size"]) -> Any:
                    image = Image.fromarray(np.ascontiguousarray(x[0, 0]), mode="F")
                    y = image.resize((size[1], size[0]), resample=flag)
                    return np.asarray(y, dtype=np.float32)[None, None]

                yield record("pil", mode, {}, shape, target, x, call)


def jax_cases() -> Iterator[dict[str, Any]]:
    """jax.image.resize (channels-last, batch and channels kept), antialias on and off."""
    import jax

    methods = {"nearest": "nearest", "linear": "linear", "cubic": "cubic"}
    for shapes in SHAPES.values():
        for shape in shapes:
            for target in targets(shape):
                if "size" not in target:
                    continue
                for mode, method in methods.items():
                    for opts in ({}, {"antialias": False}):
                        if mode == "nearest" and opts:
                            continue
                        x = sample_input(shape)

                        def call(x: Any = x, method: Any = method, opts: Any = opts,
                                 size: Any = target["size"]) -> Any:  # fmt: skip
                            nhwc = np.moveaxis(x, 1, -1)
                            shape_out = (*nhwc.shape[:1], *size, nhwc.shape[-1])
                            y = jax.image.resize(nhwc, shape_out, method=method,
                                                 antialias=opts.get("antialias", True))  # fmt: skip
                            return np.moveaxis(np.asarray(y), -1, 1)

                        yield record("jax", mode, opts, shape, target, x, call)


# --------------------------------------------------------------------------- recording


def record(
    convention: str,
    mode: str,
    options: dict[str, Any],
    shape: tuple[int, ...],
    target: dict[str, Any],
    x: Any,
    call: Any,
) -> dict[str, Any]:
    case: dict[str, Any] = {
        "convention": convention,
        "mode": mode,
        "options": options,
        "shape": list(shape),
        **target,
        "input": short(x),
    }
    try:
        y = np.asarray(call(), dtype=np.float32)
    except Exception as exc:  # the library refuses: convcalc must refuse too
        case["error"] = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    else:
        case["output"] = short(y)
    return case


def short(a: Any) -> Any:
    """Nested lists of the shortest decimals that read back as the same float32."""
    return np.vectorize(lambda v: float(str(np.float32(v))), otypes=[object])(a).tolist()


def sample_input(shape: tuple[int, ...]) -> Any:
    """A float32 input of multiples of 1/8 in [-4, 4] (short and exact in JSON)."""
    return (RNG.integers(-32, 33, size=(1, 1, *shape)) / 8).astype(np.float32)


def main() -> None:
    import cv2
    import jax
    import keras
    import onnxruntime
    import PIL
    import tensorflow as tf
    import torch

    all_cases = list(cases())
    data = {
        "generator": "tools/gen_resize_fixtures.py",
        "versions": {
            "torch": torch.__version__,
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "opencv": cv2.__version__,
            "pillow": PIL.__version__,
            "jax": jax.__version__,
            "onnxruntime": onnxruntime.__version__,
            "numpy": np.__version__,
        },
        "cases": all_cases,
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    errors = sum("error" in c for c in all_cases)
    print(f"{len(all_cases)} cases ({errors} refused by the library) -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
