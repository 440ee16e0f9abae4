"""Export a PyTorch network to ONNX with dynamic H×W and record every node's output shapes
from onnxruntime at odd input sizes (issue 15 fixtures).

Run in a separate venv (PyTorch is never a convcalc dependency; always the pinned build)::

    python3 -m venv /tmp/gen-torch
    /tmp/gen-torch/bin/pip install torch==2.13.0 onnx onnxruntime onnxscript
    /tmp/gen-torch/bin/python tools/gen_torch_onnx_fixtures.py

The network mixes what a torch export produces: a strided stem with BatchNorm, a ceil-mode
max pool, ``padding='same'`` with an even kernel, a channel shuffle and an SE block written
with ``x.shape`` arithmetic (Shape → Gather → Reshape), an average pool without pad counts,
``F.interpolate`` by a factor of 1.5 and to a computed size (Resize), ``torch.cat`` and
``chunk`` (Slice), a transposed conv with output_padding, LayerNorm over permuted channels,
PixelShuffle (DepthToSpace), GELU (Erf), adaptive pooling, a flatten by ``x.size(0)`` and a
strided slice. Exported twice — the TorchScript exporter (``torch_net``, opset 17) and the
dynamo exporter (``torch_net_dynamo``, its default opset) — each written as
``tests/fixtures/onnx/<name>.onnx.gz`` with ``<name>.json.gz`` (per input size, per node,
its output shapes).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn.functional as F
from torch import nn

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "onnx"
SIZES = ["1x3x224x224", "2x3x193x257", "1x3x97x61"]


class Net(nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(3, 16, 7, 2, 3, bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.mp = nn.MaxPool2d(3, 2, 1, ceil_mode=True)
        self.c2 = nn.Conv2d(16, 16, 4, padding="same")
        self.ap = nn.AvgPool2d(3, 2, 1, count_include_pad=False)
        self.dw = nn.Conv2d(16, 16, 3, 1, 1, groups=16)
        self.up = nn.ConvTranspose2d(16, 8, 3, 2, 1, output_padding=1)
        self.ln = nn.LayerNorm(8)
        self.fc = nn.Linear(2, 10)
        self.ada = nn.AdaptiveAvgPool2d((1, 1))
        self.ps = nn.PixelShuffle(2)

    def forward(self, x: Any) -> Any:
        x = self.mp(F.relu(self.bn(self.c1(x))))
        y = self.c2(x)
        b, c, h, w = y.shape
        y = y.view(b, 2, c // 2, h, w).transpose(1, 2).reshape(b, c, h, w)
        y = y * torch.sigmoid(y.mean((2, 3), keepdim=True))
        z = self.ap(self.dw(y))
        z = F.interpolate(z, scale_factor=1.5, mode="bilinear", align_corners=False)
        z = F.interpolate(z, size=(y.shape[2], y.shape[3]), mode="nearest")
        a, bb = torch.cat([z, y], 1).chunk(2, 1)
        u = self.up(a + bb)
        u = self.ln(u.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        p = self.ps(u)
        v = self.ada(F.gelu(p))
        return self.fc(v.view(v.size(0), -1)), p[:, :, 1:-1:2, ::3]


def export(dynamo: bool, path: Path) -> None:
    x = torch.randn(1, 3, 224, 224)
    if dynamo:
        dims = torch.export.Dim
        shapes = {
            "x": {0: dims("N"), 2: dims("H", min=32, max=4096), 3: dims("W", min=32, max=4096)}
        }
        torch.onnx.export(
            Net().eval(),
            x,
            str(path),
            dynamo=True,
            input_names=["x"],
            output_names=["y", "q"],
            dynamic_shapes=shapes,
        )
        return
    torch.onnx.export(
        Net().eval(),
        x,
        str(path),
        dynamo=False,
        input_names=["x"],
        output_names=["y", "q"],
        dynamic_axes={"x": {0: "N", 2: "H", 3: "W"}},
        opset_version=17,
    )


def record(name: str, dynamo: bool) -> None:
    """Export, then every node's output shapes under onnxruntime at each size."""
    torch.manual_seed(0)
    path = OUT / f"{name}.onnx"
    export(dynamo, path)
    model = onnx.load(str(path))
    path.unlink()
    for extra in OUT.glob(f"{name}.onnx.data"):
        extra.unlink()
    (OUT / f"{name}.onnx.gz").write_bytes(gzip.compress(model.SerializeToString(), mtime=0))
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    seen = {o.name for o in probe.graph.output}
    for node in probe.graph.node:
        for o in node.output:
            if o and o not in seen:
                probe.graph.output.append(onnx.helper.make_empty_tensor_value_info(o))
                seen.add(o)
    session = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    golden: dict[str, Any] = {"torch": torch.__version__, "onnxruntime": ort.__version__}
    rng = np.random.default_rng(0)
    for size in SIZES:
        shape = [int(v) for v in size.split("x")]
        values = session.run(names, {"x": rng.random(shape, dtype=np.float32)})
        shapes = {n: list(v.shape) for n, v in zip(names, values, strict=True)}
        golden[size] = {
            (n.name or n.output[0]): [shapes.get(o) for o in n.output] for n in model.graph.node
        }
    text = json.dumps(golden)
    (OUT / f"{name}.json.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(name, sorted({n.op_type for n in model.graph.node}), len(model.graph.node), "nodes")


def main() -> None:
    record("torch_net", dynamo=False)
    record("torch_net_dynamo", dynamo=True)


if __name__ == "__main__":
    main()
