"""``convcalc chain MODEL.onnx`` (issue 15): every node's output shape against
onnxruntime, recorded by ``tools/gen_onnx_fixtures.py`` on the real networks the onnx wheel
ships (weights stripped, made dynamic) and on a graph of the ops they lack."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import onnx
import pytest
from click.testing import CliRunner, Result

from convcalc.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "onnx"
GOLDEN = json.loads(gzip.decompress((FIXTURES / "golden.json.gz").read_bytes()))["models"]
RUNS = [(m, size) for m in sorted(GOLDEN) for size in GOLDEN[m]["runs"]]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("onnx")
    for name in GOLDEN:
        raw = gzip.decompress((FIXTURES / f"{name}.onnx.gz").read_bytes())
        (folder / f"{name}.onnx").write_bytes(raw)
    return folder


def chain_json(*args: str) -> dict[str, Any]:
    result = run("chain", *args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def shapes_by_node(data: dict[str, Any]) -> dict[str, list[list[int | None]]]:
    return {r["name"]: [r["output"]["shape"], *r.get("other_outputs", [])] for r in data["layers"]}


@pytest.mark.parametrize(("name", "size"), RUNS)
def test_every_node_matches_onnxruntime(models: Path, name: str, size: str) -> None:
    """The whole input shape as onnxruntime was fed it, batch included: shapes equal."""
    want = GOLDEN[name]["runs"][size]
    shape = "x".join(str(v) for v in want["input"])
    if "error" in want:  # onnxruntime refuses this size: convcalc names the node
        result = run("chain", "-i", shape, str(models / f"{name}.onnx"))
        assert result.exit_code == 1 and result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: node '"), lines
        return
    data = chain_json("-i", shape, str(models / f"{name}.onnx"))
    got = shapes_by_node(data)
    assert len(data["layers"]) == len(want["nodes"])
    for node, shapes in want["nodes"].items():
        assert got[node][: len(shapes)] == shapes, node


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_shape_inference_agrees_where_it_resolves(models: Path, name: str) -> None:
    """``onnx.shape_inference.infer_shapes`` at the model's own size, node by node."""
    native = GOLDEN[name]["runs"]["native"]
    shape = "x".join(str(v) for v in native["input"])
    got = shapes_by_node(chain_json("-i", shape, str(models / f"{name}.onnx")))
    for node, dims in GOLDEN[name]["inferred"].items():
        assert got[node][0] == dims, node


def test_resnet50_at_193_spatial_only(models: Path) -> None:
    """-i 193x193 leaves the batch unbound (null) and gives onnxruntime's shapes."""
    data = chain_json("-i", "193x193", str(models / "resnet50.onnx"))
    want = GOLDEN["resnet50"]["runs"]["193x193"]["nodes"]
    for r in data["layers"]:
        shape = r["output"]["shape"]
        expected = want[r["name"]][0]
        if shape and shape[0] is None:
            assert [1, *shape[1:]] == expected, r["name"]
        else:
            assert shape == expected, r["name"]
    conv1 = data["layers"][[r["op"] for r in data["layers"]].index("Conv")]
    assert conv1["pads"] == [[3, 3], [3, 3]]
    assert conv1["receptive_field"] == [7, 7] and conv1["jump"] == [2, 2]
    assert data["inputs"] == [{"name": "gpu_0/data_0", "shape": [None, 3, 193, 193]}]


def test_records_for_weight_only_nodes(models: Path) -> None:
    data = chain_json(str(models / "deconvs.onnx"))
    assert [r["op"] for r in data["layers"]] == ["ConvTranspose"] * 4
    zoo = chain_json("-i", "37x29", str(models / "zoo.onnx"))
    ident = next(r for r in zoo["layers"] if r["name"] == "weight_identity")
    assert ident["output"]["shape"] == [8, 1, 1] and ident["inputs"] == []
    assert ident["receptive_field"] is None


def test_symbolic_dim_without_size_is_refused(models: Path) -> None:
    result = run("chain", str(models / "resnet50.onnx"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: input 'gpu_0/data_0' dim 2 ('H') of shape [N, 3, H, W] is not fixed; "
        "give the input size with -i\n"
    )


def _edited(tmp: Path, edit: Any) -> Path:
    model = onnx.load(str(tmp / "zoo.onnx"))
    edit(model)
    path = tmp / "edited.onnx"
    onnx.save(model, str(path))
    return path


def _unknown_op(model: Any) -> None:
    model.graph.node[3].op_type = "FancyPool"


def _custom_domain(model: Any) -> None:
    model.graph.node[3].domain = "com.example"


BAD_NODES = [(_unknown_op, "unknown ONNX op 'FancyPool'"), (_custom_domain, "custom domain")]


@pytest.mark.parametrize(("edit", "message"), BAD_NODES)
def test_unknown_ops_name_the_node(models: Path, edit: Any, message: str) -> None:
    result = run("chain", "-i", "37x29", str(_edited(models, edit)))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: node 'maxpool_ceil': ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "raw",
    [b"", bytes(range(256)) * 16, b"\x0a\xff\xff\xff\xff\x0f"],
    ids=["empty", "random bytes", "bad varint"],
)
def test_corrupt_files_give_one_error_line(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "bad.onnx"
    path.write_bytes(raw)
    result = run("chain", str(path))
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "not an ONNX model" in lines[0], lines


def test_truncated_protobuf(models: Path, tmp_path: Path) -> None:
    raw = (models / "resnet50.onnx").read_bytes()
    path = tmp_path / "cut.onnx"
    path.write_bytes(raw[: len(raw) // 2])
    result = run("chain", "-i", "224x224", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1


def test_input_too_small_names_the_node(models: Path) -> None:
    result = run("chain", "-i", "9x9", str(models / "resnet50.onnx"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: node 'n172' (AveragePool): ")


def test_missing_onnx_package_says_how_to_install(models: Path) -> None:
    code = (
        "import sys; sys.modules['onnx'] = None\n"
        "from click.testing import CliRunner\nfrom convcalc.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['chain', {str(models / 'deconvs.onnx')!r}])\n"
        "print(r.exit_code, r.stderr, end='')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == (
        "1 Error: reading .onnx files needs the onnx package: pip install 'convcalc[onnx]'\n"
    )


def test_reader_modules_load_neither_onnx_nor_numpy() -> None:
    code = (
        "import sys, convcalc.network, convcalc.network.readers.onnx\n"
        "print(sorted(m for m in ('numpy', 'rich', 'onnx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_several_sizes_side_by_side(models: Path) -> None:
    data = chain_json("-i", "1x3x224x224", "-i", "1x3x193x193", str(models / "resnet50.onnx"))
    for r, size in zip(data["runs"], ("native", "193x193"), strict=True):
        want = GOLDEN["resnet50"]["runs"][size]["nodes"]
        assert shapes_by_node(r) == {n: s for n, s in want.items()}


TORCH = {
    name: json.loads(gzip.decompress((FIXTURES / f"{name}.json.gz").read_bytes()))
    for name in ("torch_net", "torch_net_dynamo")
}
TORCH_RUNS = [(name, k) for name, g in TORCH.items() for k in g if k[0].isdigit()]


@pytest.mark.parametrize(("name", "size"), TORCH_RUNS)
def test_torch_export_matches_onnxruntime(tmp_path: Path, name: str, size: str) -> None:
    """A PyTorch export — TorchScript and dynamo exporters — (shape arithmetic, Resize to
    computed sizes, channel shuffle, SE, PixelShuffle, LayerNorm over permuted channels) at
    odd sizes, every node; spatial-only -i leaves the batch unbound."""
    path = tmp_path / f"{name}.onnx"
    path.write_bytes(gzip.decompress((FIXTURES / f"{name}.onnx.gz").read_bytes()))
    want = TORCH[name][size]
    got = shapes_by_node(chain_json("-i", size, str(path)))
    assert len(got) == len(want)
    for node, shapes in want.items():
        assert got[node][: len(shapes)] == shapes, node
    spatial = "x".join(size.split("x")[2:])
    unbound = shapes_by_node(chain_json("-i", spatial, str(path)))
    for node, shapes in want.items():
        mine = unbound[node][0]
        if mine and mine[0] is None:
            assert mine[1:] == shapes[0][1:], node
