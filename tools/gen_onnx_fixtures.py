"""Record ONNX models and every node's output shapes from onnxruntime (issue 15 fixtures).

Run in a separate venv (onnx and onnxruntime are no runtime dependencies of convcalc)::

    python3 -m venv /tmp/gen && /tmp/gen/bin/pip install onnx onnxruntime
    /tmp/gen/bin/python tools/gen_onnx_fixtures.py

Models: the real networks the onnx wheel ships with their weights stripped
(``onnx/backend/test/data/light/light_*.onnx``), made dynamic (batch ``N``, spatial ``H``,
``W``), and ``zoo``, a graph built here with the ops the light models lack (transposed
convs, pools with ceil mode and dilation, Resize fed by computed shapes, Slice, Pad,
Split, ...). Each is written gzipped to ``tests/fixtures/onnx/<name>.onnx.gz``; every node
output's shape as onnxruntime computes it, per input size, goes to
``tests/fixtures/onnx/golden.json.gz`` (or the error onnxruntime raises at that size), with
``onnx.shape_inference.infer_shapes``' shapes next to them where it resolves them.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort
from onnx import TensorProto, helper

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "onnx"
LIGHT = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
SIZES = {
    "light": ["native", "193x193", "1x3x257x191"],
    "zoo": ["native", "41x23", "2x3x64x64"],
    "deconvs": ["native"],
}


def data_input(model: onnx.ModelProto) -> onnx.ValueInfoProto:
    """The image input: the first rank-4 graph input that is no initializer."""
    inits = {i.name for i in model.graph.initializer}
    found: onnx.ValueInfoProto = next(
        i
        for i in model.graph.input
        if i.name not in inits and len(i.type.tensor_type.shape.dim) == 4
    )
    return found


def dynamic(model: onnx.ModelProto) -> onnx.ModelProto:
    """The image input's batch and spatial dims made symbolic (N, H, W)."""
    dims = data_input(model).type.tensor_type.shape.dim
    for d, name in zip(dims, ["N", None, "H", "W"], strict=False):
        if name is not None:
            d.ClearField("dim_value")
            d.dim_param = name
    inits = {i.name: i for i in model.graph.initializer}
    for node in model.graph.node:  # a fixed (1, k) flatten target → (0, -1), as an export
        target = inits.get(node.input[1]) if node.op_type == "Reshape" else None
        if target is not None and list(target.dims) == [2] and target.data_type == 7:
            values = onnx.numpy_helper.to_array(target).tolist()
            if values[0] == 1:
                target.CopyFrom(_ints(target.name, [0, -1]))
    return model


def _vi(name: str, shape: list[Any]) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def _init(name: str, shape: list[int]) -> onnx.TensorProto:
    return helper.make_tensor(name, TensorProto.FLOAT, shape, np.zeros(shape).ravel().tolist())


def _ints(name: str, values: list[int]) -> onnx.TensorProto:
    return helper.make_tensor(name, TensorProto.INT64, [len(values)], values)


def zoo() -> onnx.ModelProto:
    """Ops the light models lack, on an N×3×H×W input (native 37×29)."""
    n = helper.make_node
    nodes = [
        n(
            "Conv",
            ["x", "w1", "b1"],
            ["c1"],
            name="conv_same_upper",
            kernel_shape=[3, 3],
            strides=[2, 2],
            auto_pad="SAME_UPPER",
        ),
        n(
            "Conv",
            ["c1", "w2"],
            ["c2"],
            name="conv_same_lower",
            kernel_shape=[4, 4],
            auto_pad="SAME_LOWER",
        ),
        n(
            "Conv",
            ["c2", "wg"],
            ["c3"],
            name="conv_group_pads_dil",
            kernel_shape=[3, 5],
            pads=[0, 2, 1, 1],
            strides=[1, 2],
            group=4,
            dilations=[2, 1],
        ),
        n(
            "MaxPool",
            ["c3"],
            ["p1", "p1_idx"],
            name="maxpool_ceil",
            kernel_shape=[3, 3],
            strides=[2, 2],
            pads=[1, 1, 1, 1],
            ceil_mode=1,
        ),
        n(
            "AveragePool",
            ["c3"],
            ["p2"],
            name="avgpool_dil",
            kernel_shape=[2, 3],
            strides=[1, 2],
            dilations=[2, 1],
            count_include_pad=1,
            pads=[1, 0, 1, 0],
        ),
        n("LpPool", ["c3"], ["p3"], name="lppool", kernel_shape=[2, 2], strides=[2, 2], p=2),
        n(
            "ConvTranspose",
            ["p1", "wt1"],
            ["d1"],
            name="deconv_pads_op",
            kernel_shape=[3, 3],
            strides=[2, 2],
            pads=[1, 0, 1, 1],
            output_padding=[1, 0],
        ),
        n(
            "ConvTranspose",
            ["p1", "wt2"],
            ["d2"],
            name="deconv_dil",
            kernel_shape=[4, 4],
            strides=[3, 2],
            dilations=[1, 2],
        ),
        n(
            "ConvTranspose",
            ["p1", "wt3"],
            ["d3"],
            name="deconv_same_upper",
            kernel_shape=[3, 3],
            strides=[2, 2],
            auto_pad="SAME_UPPER",
            group=2,
        ),
        n("Shape", ["c1"], ["s1"], name="shape_c1"),
        n("Gather", ["s1", "i23"], ["hw"], name="gather_hw", axis=0),
        n("Concat", ["s1_nc", "hw"], ["size1"], name="concat_sizes", axis=0),
        n("Slice", ["s1", "zero", "two"], ["s1_nc"], name="slice_shape"),
        n("Resize", ["p2", "", "", "size1"], ["r1"], name="resize_to_c1", mode="nearest"),
        n("Resize", ["p3", "", "scales"], ["r2"], name="resize_scales", mode="linear"),
        n("Upsample", ["p3", "scales"], ["r3"], name="upsample")
        if False
        else n("Identity", ["r2"], ["r3"], name="identity"),
        n("Add", ["r1", "c1"], ["a1"], name="add"),
        n("Mul", ["a1", "gamma"], ["a2"], name="layer_scale"),
        n("Identity", ["gamma"], ["gamma2"], name="weight_identity"),
        n("Pad", ["a2", "pads"], ["pd"], name="pad", mode="reflect"),
        n("Slice", ["pd", "sl_start", "sl_end", "sl_axes", "sl_steps"], ["sl"], name="slice_hw"),
        n("Split", ["sl", "split"], ["sp1", "sp2"], name="split_c", axis=1),
        n("Concat", ["sp2", "sp1"], ["cat"], name="concat_c", axis=1),
        n("Clip", ["cat", "lo", "hi"], ["clip"], name="clip"),
        n("ReduceMean", ["clip", "axes23"], ["rm"], name="reduce_mean_hw", keepdims=1),
        n("Sigmoid", ["rm"], ["sg"], name="sigmoid"),
        n("Mul", ["clip", "sg"], ["se"], name="se_mul"),
        n("GlobalMaxPool", ["se"], ["gmp"], name="gmp"),
        n("Squeeze", ["gmp", "axes23"], ["sq"], name="squeeze"),
        n("Unsqueeze", ["sq", "axes1"], ["usq"], name="unsqueeze"),
        n("Flatten", ["d2"], ["fl"], name="flatten", axis=2),
        n("Transpose", ["d3"], ["tr"], name="transpose", perm=[0, 2, 3, 1]),
        n("ReduceSum", ["tr", "axes12"], ["rs"], name="reduce_sum", keepdims=0),
        n("MatMul", ["rs", "mm"], ["mmo"], name="matmul"),
        n("Gemm", ["sq", "gw", "gb"], ["gemm"], name="gemm", transB=1),
        n("LayerNormalization", ["mmo", "ln_s", "ln_b"], ["ln"], name="layernorm", axis=-1),
        n("Softmax", ["gemm"], ["sm"], name="softmax", axis=-1),
        n("Reshape", ["d1", "rshape"], ["rsh"], name="reshape", allowzero=0),
    ]
    inits = [
        _init("w1", [8, 3, 3, 3]),
        _init("b1", [8]),
        _init("w2", [8, 8, 4, 4]),
        _init("wg", [12, 2, 3, 5]),
        _init("wt1", [12, 6, 3, 3]),
        _init("wt2", [12, 4, 4, 4]),
        _init("wt3", [12, 3, 3, 3]),
        _init("gamma", [8, 1, 1]),
        _init("mm", [6, 5]),
        _init("gw", [7, 8]),
        _init("gb", [7]),
        _init("ln_s", [5]),
        _init("ln_b", [5]),
        _init("scales", [4]),
        _init("lo", []),
        _init("hi", []),
        _ints("i23", [2, 3]),
        _ints("zero", [0]),
        _ints("two", [2]),
        _ints("pads", [0, 0, 1, 2, 0, 0, 2, 1]),
        _ints("sl_start", [1, 0]),
        _ints("sl_end", [-1, 1000]),
        _ints("sl_axes", [2, 3]),
        _ints("sl_steps", [1, 2]),
        _ints("split", [3, 5]),
        _ints("axes23", [2, 3]),
        _ints("axes1", [1]),
        _ints("axes12", [1, 2]),
        _ints("rshape", [0, -1, 6]),
    ]
    scales = inits[[i.name for i in inits].index("scales")]
    scales.ClearField("float_data")
    scales.float_data.extend([1.0, 1.0, 1.5, 2.0])
    graph = helper.make_graph(
        nodes,
        "zoo",
        [_vi("x", ["N", 3, "H", "W"])],
        [
            helper.make_empty_tensor_value_info(o)
            for o in ("sm", "ln", "rsh", "fl", "usq", "r3", "p1_idx", "gamma2")
        ],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])


def deconvs() -> onnx.ModelProto:
    """ConvTranspose with ``output_shape`` (each auto_pad) on a fixed 1×4×5×7 input."""
    nodes = [
        helper.make_node(
            "ConvTranspose",
            ["x", "w"],
            [f"y{i}"],
            name=f"output_shape_{pad}",
            kernel_shape=[3, 4],
            strides=[3, 2],
            output_shape=[16, 15],
            auto_pad=pad,
        )
        for i, pad in enumerate(["NOTSET", "SAME_UPPER", "SAME_LOWER"])
    ]
    nodes.append(
        helper.make_node(
            "ConvTranspose",
            ["x", "w"],
            ["y3"],
            name="same_lower",
            kernel_shape=[3, 4],
            strides=[3, 2],
            auto_pad="SAME_LOWER",
        )
    )
    graph = helper.make_graph(
        nodes,
        "deconvs",
        [_vi("x", [1, 4, 5, 7])],
        [helper.make_empty_tensor_value_info(f"y{i}") for i in range(4)],
        [_init("w", [4, 2, 3, 4])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])


def _input_shape(model: onnx.ModelProto, size: str) -> list[int]:
    dims = [d.dim_value or None for d in data_input(model).type.tensor_type.shape.dim]
    if size == "native":
        return [1, 3, 37, 29] if model.graph.name == "zoo" else [d or 1 for d in dims]
    values = [int(v) for v in size.split("x")]
    if len(values) == len(dims):
        return values
    return [1, dims[1] or 3, *values]


def run_shapes(model: onnx.ModelProto, size: str) -> dict[str, Any]:
    """Every node output's shape under onnxruntime at *size* (or its error)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    seen = {o.name for o in m.graph.output}
    for node in m.graph.node:
        for out in node.output:
            if out and out not in seen:
                m.graph.output.append(helper.make_empty_tensor_value_info(out))
                seen.add(out)
    inits = {i.name for i in m.graph.initializer}
    feeds: dict[str, Any] = {}
    data = data_input(model).name
    for inp in (x for x in m.graph.input if x.name not in inits):
        if inp.name == data:
            shape = _input_shape(model, size)
            feeds[inp.name] = np.random.default_rng(0).random(shape, dtype=np.float32)
        else:
            shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
            feeds[inp.name] = np.zeros(shape, dtype=np.float32)
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    try:
        session = ort.InferenceSession(
            m.SerializeToString(), opts, providers=["CPUExecutionProvider"]
        )
        names = [o.name for o in session.get_outputs()]
        values = session.run(names, feeds)
    except Exception as exc:  # onnxruntime refuses the size: record why
        return {"input": list(feeds[data].shape), "error": str(exc)[:300]}
    shapes = {n: list(v.shape) for n, v in zip(names, values, strict=True)}
    nodes = {}
    for node in model.graph.node:
        key = node.name or node.output[0]
        nodes[key] = [shapes.get(o) for o in node.output if o]
    return {"input": list(feeds[data].shape), "nodes": nodes}


def inferred(model: onnx.ModelProto, shape: list[int]) -> dict[str, Any]:
    """``onnx.shape_inference.infer_shapes`` at input *shape* (the dims it resolves)."""
    fixed = onnx.ModelProto()
    fixed.CopyFrom(model)
    for d, v in zip(data_input(fixed).type.tensor_type.shape.dim, shape, strict=True):
        d.ClearField("dim_param")
        d.dim_value = v
    done = onnx.shape_inference.infer_shapes(fixed, data_prop=True)
    info = {i.name: i for i in [*done.graph.value_info, *done.graph.output]}
    out = {}
    for node in done.graph.node:
        vi = info.get(node.output[0])
        if vi is not None and vi.type.tensor_type.HasField("shape"):
            dims = [
                d.dim_value if d.HasField("dim_value") else None
                for d in vi.type.tensor_type.shape.dim
            ]
            if all(d is not None and d >= 0 for d in dims):
                out[node.name or node.output[0]] = dims
    return out


def main() -> None:
    ort.set_default_logger_severity(3)
    OUT.mkdir(parents=True, exist_ok=True)
    golden: dict[str, Any] = {
        "onnx": onnx.__version__,
        "onnxruntime": ort.__version__,
        "models": {},
    }
    models = {
        p.stem.removeprefix("light_"): ("light", onnx.load(str(p)))
        for p in sorted(LIGHT.glob("light_*.onnx"))
    }
    models["zoo"] = ("zoo", zoo())
    models["deconvs"] = ("deconvs", deconvs())
    for name, (kind, model) in models.items():
        if kind == "light":
            native = {"native": run_shapes(model, "native")}
            model = dynamic(model)
        else:
            native = {}
        (OUT / f"{name}.onnx.gz").write_bytes(gzip.compress(model.SerializeToString(), mtime=0))
        runs = {size: run_shapes(model, size) for size in SIZES[kind]}
        runs.update(native)
        native_input = runs["native"]["input"]
        golden["models"][name] = {"runs": runs, "inferred": inferred(model, native_input)}
        print(name, {s: ("error" if "error" in r else len(r["nodes"])) for s, r in runs.items()})
    text = json.dumps(golden) + "\n"
    (OUT / "golden.json.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))


if __name__ == "__main__":
    main()
