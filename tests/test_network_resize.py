"""Issue 16, item 7: `upsample` modes in the spec language, and the model readers' ONNX
Resize and Keras UpSampling/Resizing, all sized by the resize core.

Expected sizes come from the libraries: tests/fixtures/resize.json (PyTorch, Keras; by
tools/gen_resize_fixtures.py) and tests/fixtures/onnx_resize_sizes.json (onnxruntime; by
tools/gen_resize_reader_fixtures.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from casegroups import check_each, group_by
from click.testing import CliRunner

from convcalc.cli import cli
from convcalc.errors import SpecError
from convcalc.network.graph import GraphRun, Value
from convcalc.network.readers.keras_layers import LAYERS
from convcalc.network.readers.onnx_resize import RESIZE_OPS
from convcalc.network.readers.onnx_shape import Node
from convcalc.network.readers.resizing import onnx_size
from convcalc.network.spec import parse_spec
from convcalc.network.stack import ChainResult, parse_input, run_chain

FIXTURES = Path(__file__).parent / "fixtures"
RESIZE = json.loads((FIXTURES / "resize.json").read_text())["cases"]
ORT = json.loads((FIXTURES / "onnx_resize_sizes.json").read_text())["cases"]


def chain(spec: str, shape: str, ndim: int = 2) -> ChainResult:
    spatial, channels, batch = parse_input(shape, ndim)
    return run_chain(parse_spec(spec), spatial, channels, batch)


def _cases(convention: str, key: str, options: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [
        c
        for c in RESIZE
        if c["convention"] == convention
        and c.get(key) is not None
        and "output" in c
        and set(c["options"]) <= set(options)
        and c["mode"] in ("nearest", "nearest-exact", "linear", "cubic", "area")
    ]


def _spatial(case: dict[str, Any]) -> list[int]:
    assert list(np.shape(case["input"])[2:]) == case["shape"]  # N, C, then the spatial axes
    return list(np.shape(case["output"])[2:])


TORCH = _cases("torch", "scale", ("align_corners",)) + _cases("torch", "size", ("align_corners",))


def _spec(case: dict[str, Any]) -> str:
    if case.get("size") is not None:
        given = "o" + "x".join(str(v) for v in case["size"])
    else:
        given = "f" + "x".join(str(v) for v in case["scale"])
    align = " align" if case["options"].get("align_corners") else ""
    return f"upsample {given} {case['mode']}{align}"


def test_fixtures_cover_fractional_scales_and_every_rank() -> None:
    assert len(TORCH) > 300
    assert {len(c["shape"]) for c in TORCH} == {1, 2, 3}
    assert any(v != int(v) for c in TORCH if c.get("scale") for v in c["scale"])


def _name(case: dict[str, Any]) -> str:
    return f"{_spec(case)} {case['convention']} on {case['shape']}"


def _by_mode(cases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return group_by(cases, lambda c: f"{c['convention']}-{c['mode']}")


@pytest.mark.parametrize("group", sorted(_by_mode(TORCH)))
def test_upsample_sizes_match_pytorch(group: str) -> None:
    check_each(_by_mode(TORCH)[group], check_torch_size, _name)


def check_torch_size(case: dict[str, Any]) -> None:
    shape = "x".join(str(v) for v in case["shape"]) + "x1"
    rows = chain(_spec(case), shape, len(case["shape"])).rows
    assert list(rows[-1].output) == _spatial(case)


ERRORS = [
    c
    for c in RESIZE
    if c["convention"] == "torch" and "error" in c and set(c["options"]) <= {"align_corners"}
]


def test_upsample_refuses_what_pytorch_refuses() -> None:
    check_each(ERRORS, check_torch_refusal, _name)


def check_torch_refusal(case: dict[str, Any]) -> None:
    shape = "x".join(str(v) for v in case["shape"]) + "x1"
    with pytest.raises(SpecError, match=r"^layer 1 'upsample "):
        chain(_spec(case), shape, len(case["shape"]))


def test_old_specs_keep_their_meaning_and_integer_factors_their_field() -> None:
    plain = chain("conv k3 s2 p1 c8, upsample f2, conv k3 p1", "32x32x3").rows
    for mode in ("nearest", "linear", "bilinear align", "cubic", "nearest-exact", "area"):
        rows = chain(f"conv k3 s2 p1 c8, upsample f2 {mode}, conv k3 p1", "32x32x3").rows
        assert [(r.output, r.rf, r.jump) for r in rows] == [(r.output, r.rf, r.jump) for r in plain]
    assert parse_spec("upsample f2")[0].resize is None


def test_fractional_scale_and_sizes_map_through_adaptive_bins() -> None:
    rows = chain("upsample f1.5 linear align, upsample o9x9 cubic", "5x4x3").rows
    assert [r.output for r in rows] == [(7, 6), (9, 9)]  # ⌊5·1.5⌋, ⌊4·1.5⌋; given
    spec = parse_spec("upsample f1.5x2 bilinear align @u")[0]
    assert (spec.scale, spec.resize, spec.align, spec.label) == ((1.5, 2.0), "bilinear", True, "u")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("conv k3 linear", "apply to upsample only"),
        ("pool max k2 align", "apply to upsample only"),
        ("conv k3 f1.5", "apply to upsample only"),
        ("conv k3 opencv", "apply to upsample only"),
        ("upsample f1.5 tf", "takes an output size"),
        ("upsample f1.5 keras", "integer factor"),
        ("upsample f2 o8", "not both"),
        ("upsample f1.5 o8", "not both"),
        ("upsample linear", "needs a scale factor or an output size"),
        ("upsample f2 nearest align", "align_corners can only be set with linear or cubic"),
        ("upsample f0.0", "scale must be a positive number"),
        ("upsample f0.01", "must be ≥ 1"),
        ("upsample f1099511627775.5", "above convcalc's limit"),
        ("upsample f99999999999999999999.5", "too large"),
        ("upsample f1.5x2x3", "3 values given but the input has 2 spatial axes"),
    ],
)
def test_bad_upsample_is_one_line_error(spec: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["chain", "-i", "5x4x3", spec])
    assert result.exit_code == 1
    assert result.output.startswith("Error: layer 1 ") and message in result.output
    assert result.output.count("\n") == 1 and result.exception is not None
    assert "Traceback" not in result.output


def test_cubic_on_1d_is_refused_as_pytorch_does() -> None:
    with pytest.raises(SpecError, match="no cubic resize of 1-D"):
        chain("upsample f2 cubic", "5x3", 1)


# ---------------------------------------------- other libraries' rules: `upsample … opencv`
OTHERS = [
    c
    for c in RESIZE
    if c["convention"] != "torch"
    and set(c["options"]) <= {"align_corners"}
    and c["mode"] in ("nearest", "nearest-exact", "linear", "cubic", "area")
]


def test_other_conventions_cover_scales_sizes_and_refusals() -> None:
    assert {c["convention"] for c in OTHERS} == {
        "tf",
        "tf1",
        "keras",
        "onnx",
        "opencv",
        "pil",
        "jax",
    }
    assert sum("error" in c for c in OTHERS) >= 12  # Keras UpSampling: fractional scales
    assert any(c.get("scale") and "output" in c and c["convention"] == "opencv" for c in OTHERS)


@pytest.mark.parametrize("group", sorted(_by_mode(OTHERS)))
def test_upsample_with_a_convention_sizes_as_that_library(group: str) -> None:
    check_each(_by_mode(OTHERS)[group], check_convention_size, _name)


def check_convention_size(case: dict[str, Any]) -> None:
    spatial = case["shape"]
    spec = f"{_spec(case)} {case['convention']}"
    shape = "x".join(str(v) for v in spatial) + "x1"
    if "error" in case:
        with pytest.raises(SpecError, match=r"^layer 1 'upsample "):
            chain(spec, shape, len(spatial))
    else:
        assert list(chain(spec, shape, len(spatial)).rows[-1].output) == _spatial(case)


def test_opencv_rounds_where_pytorch_floors() -> None:
    assert chain("upsample f1.5 opencv", "5x5x1").rows[-1].output == (8, 8)  # round(7.5)
    assert chain("upsample f1.5", "5x5x1").rows[-1].output == (7, 7)  # ⌊7.5⌋
    assert parse_spec("upsample o8 linear tf")[0].convention == "tf"


# ------------------------------------------------------------------- ONNX (onnxruntime)


@pytest.mark.parametrize("case", ORT, ids=lambda c: f"{c['input']}×{c['scales']}")
def test_onnx_resize_sizes_match_onnxruntime(case: dict[str, Any]) -> None:
    run = GraphRun(2)
    x = run.input("x", tuple(case["input"]), (2, 3))
    scales = Value((4,), const=tuple(case["scales"]))
    node = Node("r", "Resize", 19, {"mode": case["mode"]})
    out = RESIZE_OPS["Resize"](run, node, [x, None, scales]).values[0]
    assert list(out.shape) == case["output"]
    assert [onnx_size(n, s) for n, s in zip(case["input"], case["scales"], strict=True)] == case[
        "output"
    ]


@pytest.mark.parametrize("case", ORT, ids=lambda c: f"{c['input']}×{c['scales']}")
def test_onnx_model_file_resize_through_chain(tmp_path: Path, case: dict[str, Any]) -> None:
    """The same one-node model the generator ran, read from a file by `convcalc chain`."""
    h = onnx.helper
    x = h.make_tensor_value_info("x", onnx.TensorProto.FLOAT, case["input"])
    y = h.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["N", "C", "H", "W"])
    s = h.make_tensor("scales", onnx.TensorProto.FLOAT, [4], case["scales"])
    node = h.make_node("Resize", ["x", "", "scales"], ["y"], mode=case["mode"])
    graph = h.make_graph([node], "resize", [x], [y], initializer=[s])
    path = tmp_path / "resize.onnx"
    onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 19)]), path)
    result = CliRunner().invoke(cli, ["chain", str(path), "--json", "--all"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["layers"][-1]["output"]["shape"] == case["output"]


def test_onnx_fixtures_include_a_float32_rounding_case() -> None:
    """10 × 0.7 (float32 0.69999999) is 7 in onnxruntime, 6 in float64 arithmetic."""
    assert any(
        [int(n * s) for n, s in zip(c["input"], c["scales"], strict=True)] != c["output"]
        for c in ORT
    )


def test_onnx_resize_bad_scale_is_a_spec_error() -> None:
    run = GraphRun(2)
    x = run.input("x", (1, 1, 4, 4), (2, 3))
    for bad in ((1.0, 1.0, 0.0, 1.0), (1.0, 1.0, 0.1, 1.0)):
        with pytest.raises(SpecError):
            RESIZE_OPS["Resize"](run, Node("r", "Resize", 19), [x, None, Value((4,), const=bad)])


# ------------------------------------------------------------------- Keras


KERAS_UP = _cases("keras", "scale")
KERAS_SIZE = [c for c in _cases("keras", "size") if len(c["shape"]) == 2]


def test_keras_fixtures_are_there() -> None:
    assert KERAS_UP and KERAS_SIZE


@pytest.mark.parametrize("case", KERAS_UP, ids=lambda c: f"{c['mode']} {c['shape']}×{c['scale']}")
def test_keras_upsampling_matches_keras(case: dict[str, Any]) -> None:
    rank = len(case["shape"])
    run = GraphRun(rank)
    x = run.input("in", (None, *case["shape"], 3), tuple(range(1, rank + 1)))
    cfg = {"size": [int(v) for v in case["scale"]] * (rank if len(case["scale"]) == 1 else 1)}
    out = LAYERS[f"UpSampling{rank}D"](run, cfg, [x]).values[0]
    assert list(out.shape[1:-1]) == _spatial(case) and out.shape[-1] == 3


@pytest.mark.parametrize("case", KERAS_SIZE, ids=lambda c: f"{c['mode']} {c['shape']}→{c['size']}")
def test_keras_resizing_matches_keras(case: dict[str, Any]) -> None:
    for fmt, shape, axes in (
        ("channels_last", (2, *case["shape"], 3), (1, 2)),
        ("channels_first", (2, 3, *case["shape"]), (2, 3)),
    ):
        run = GraphRun(2)
        x = run.input("in", shape, axes)
        h, w = case["size"]
        cfg = {"height": h, "width": w, "interpolation": "bilinear", "data_format": fmt}
        out = LAYERS["Resizing"](run, cfg, [x]).values[0]
        assert [out.shape[a] for a in axes] == _spatial(case)


def test_keras_resizing_needs_an_image() -> None:
    run = GraphRun(1)
    x = run.input("in", (None, 7, 3), (1,))
    with pytest.raises(SpecError, match="2 spatial axes"):
        LAYERS["Resizing"](run, {"height": 4, "width": 4}, [x])


def test_json_layer_objects_take_mode_align_and_fractional_factor(tmp_path: Path) -> None:
    spec = tmp_path / "net.json"
    layers = [
        {"op": "upsample", "factor": 1.5, "mode": "linear", "align": True},
        {"op": "upsample", "output_size": [9, 8], "mode": "cubic"},
    ]
    spec.write_text(json.dumps({"input": "5x4x3", "layers": layers}))
    result = CliRunner().invoke(cli, ["chain", str(spec), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["output"]["spatial"] for r in data["layers"]] == [[7, 6], [9, 8]]
    same = chain("upsample f1.5 linear align, upsample o9x8 cubic", "5x4x3").rows
    assert [list(r.output) for r in same] == [[7, 6], [9, 8]]
