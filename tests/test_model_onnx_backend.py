"""``chain`` on the small real models of the onnx wheel's backend tests (``simple``,
``pytorch-converted``, ``pytorch-operator``): each graph output's shape against the output
tensor the wheel ships with it (``test_data_set_0/output_*.pb``), at the model's own size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import onnx
import pytest

from convcalc.errors import ConvcalcError
from convcalc.network.readers.onnx import run_onnx
from convcalc.network.readers.onnx_ops import OPS

DATA = Path(onnx.__file__).parent / "backend" / "test" / "data"
MODELS = sorted(
    p.parent
    for sub in ("simple", "pytorch-converted", "pytorch-operator")
    for p in (DATA / sub).glob("*/model.onnx")
    if list((p.parent / "test_data_set_0").glob("output_*.pb"))
)


def _readable(model: Any) -> bool:
    return {n.op_type for n in model.graph.node} <= set(OPS)


def _expected(folder: Path) -> list[list[int]]:
    out = []
    for path in sorted((folder / "test_data_set_0").glob("output_*.pb")):
        t = onnx.TensorProto()
        t.ParseFromString(path.read_bytes())
        out.append(list(t.dims))
    return out


def test_enough_models_are_checked() -> None:
    readable = [m for m in MODELS if _readable(onnx.load(str(m / "model.onnx")))]
    assert len(readable) >= 100


@pytest.mark.parametrize("folder", MODELS, ids=[m.name for m in MODELS])
def test_output_shapes_match_the_shipped_outputs(folder: Path) -> None:
    model = onnx.load(str(folder / "model.onnx"), load_external_data=False)
    if not _readable(model):  # sequences, strings, gradients: an error naming the op
        with pytest.raises(ConvcalcError, match=r"unknown ONNX op|of custom domain"):
            run_onnx(model, None)
        return
    try:
        result = run_onnx(model, None)
    except ConvcalcError as exc:  # Expand to a shape fed at run time: refused, not guessed
        assert "not a constant convcalc can fold" in str(exc)
        return
    rows = {r.name: r for r in result.rows}
    shapes: dict[str, list[int | None]] = {}
    for node in model.graph.node:
        row = rows[node.name or node.output[0]]
        for j, name in enumerate(node.output):
            shapes[name] = list(row.shape if j == 0 else row.extra[j - 1])
    inputs = {i.name for i in model.graph.input}
    for out, want in zip(model.graph.output, _expected(folder), strict=False):
        if out.name in inputs:
            continue
        assert [1 if d is None else d for d in shapes[out.name]] == want, out.name
