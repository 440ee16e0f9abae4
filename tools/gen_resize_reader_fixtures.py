"""Record the output shapes onnxruntime gives ONNX ``Resize`` with scales (issue 16, item 7).

Run in a separate venv (onnx and onnxruntime are no runtime dependencies of convcalc)::

    python3 -m venv /tmp/gen && /tmp/gen/bin/pip install onnx onnxruntime numpy
    /tmp/gen/bin/python tools/gen_resize_reader_fixtures.py

Each case is one ``Resize`` node (opset 19, ``scales`` as a constant initializer, the
mode given) on an N×C×H×W input; the recorded output shape is what onnxruntime returns.
Scales are chosen so that ``in·scale`` lands on or next to an integer, where float32
(onnxruntime) and float64 arithmetic floor differently (``10 × 0.7``). The scales are
written as the float32 values the model holds. Output: ``tests/fixtures/onnx_resize_sizes.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "onnx_resize_sizes.json"

CASES = [
    ((1, 2, 10, 10), (1.0, 1.0, 0.7, 0.7), "nearest"),
    ((1, 2, 10, 20), (1.0, 1.0, 0.3, 0.15), "linear"),
    ((1, 1, 5, 7), (1.0, 1.0, 2.5, 1.5), "nearest"),
    ((1, 1, 7, 9), (1.0, 1.0, 0.5, 0.33), "cubic"),
    ((1, 1, 3, 100), (1.0, 1.0, 2.0, 0.07), "linear"),
    ((1, 1, 30, 30), (1.0, 1.0, 0.1, 1.1), "nearest"),
    ((2, 3, 9, 11), (1.0, 1.0, 1.7, 2.3), "linear"),
    ((1, 1, 49, 6), (1.0, 1.0, 0.29, 3.0), "nearest"),
    ((1, 1, 12, 12), (1.0, 1.0, 0.5833333, 1.0 / 3.0), "nearest"),
]


def run(shape: tuple[int, ...], scales: tuple[float, ...], mode: str) -> list[int]:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", "C", "H", "W"])
    s = helper.make_tensor("scales", TensorProto.FLOAT, [len(scales)], list(scales))
    node = helper.make_node("Resize", ["x", "", "scales"], ["y"], mode=mode)
    graph = helper.make_graph([node], "resize", [x], [y], initializer=[s])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])
    onnx.checker.check_model(model)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (out,) = session.run(None, {"x": np.zeros(shape, np.float32)})
    return list(out.shape)


def main() -> None:
    cases: list[dict[str, Any]] = []
    for shape, scales, mode in CASES:
        held = [float(np.float32(v)) for v in scales]
        cases.append(
            {"input": list(shape), "scales": held, "mode": mode, "output": run(shape, scales, mode)}
        )
    data = {
        "generator": "tools/gen_resize_reader_fixtures.py",
        "versions": {"onnx": onnx.__version__, "onnxruntime": ort.__version__},
        "cases": cases,
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
