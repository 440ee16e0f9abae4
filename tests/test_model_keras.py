"""``convcalc chain MODEL`` on Keras files (issue 15): every layer's output shape and
parameter count against Keras' own, recorded by ``tools/gen_keras_fixtures.py``."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from convcalc.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "keras"
GOLDEN = json.loads((FIXTURES / "golden.json").read_text(encoding="utf-8"))["models"]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})


def config(name: str) -> bytes:
    return gzip.decompress((FIXTURES / f"{name}.json.gz").read_bytes())


def as_file(tmp_path: Path, name: str, suffix: str, raw: bytes | None = None) -> str:
    """The fixture as ``model.to_json()`` output or as a ``.keras`` zip."""
    raw = config(name) if raw is None else raw
    path = tmp_path / f"{name}{suffix}"
    if suffix == ".keras":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("config.json", raw)
            archive.writestr("metadata.json", "{}")
    else:
        path.write_bytes(raw)
    return str(path)


def chain_json(*args: str) -> dict[str, Any]:
    result = run("chain", *args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def check_against_keras(data: dict[str, Any], golden: dict[str, Any]) -> None:
    """Every Keras layer has its record with Keras' shape and count_params()."""
    records = {r["name"]: r for r in data["layers"]}
    for name, want in golden["layers"].items():
        assert records[name]["output"]["shape"] == want["shape"], name
        assert records[name]["params"] == want["params"], name
    inputs = [r for r in data["layers"] if r["op"] == "InputLayer"]
    assert len(data["layers"]) == len(set(golden["layers"]) | {r["name"] for r in inputs})
    assert [r["output"]["shape"] for r in inputs][: len(golden["input"])] == golden["input"]
    assert data["totals"]["params"] == golden["params"]


@pytest.mark.parametrize("name", sorted(GOLDEN))
@pytest.mark.parametrize("suffix", [".json", ".keras"])
def test_every_layer_matches_keras(tmp_path: Path, name: str, suffix: str) -> None:
    check_against_keras(chain_json(as_file(tmp_path, name, suffix)), GOLDEN[name])


def test_a_real_saved_keras_file_with_resizing_layers_matches_keras() -> None:
    """``model.save("resize_2d.keras")`` as Keras wrote it (config, metadata and the weights
    file): Resizing up/down/crop/pad/area and UpSampling2D bilinear, every shape as Keras'."""
    path = FIXTURES / "resize_2d.keras"
    with zipfile.ZipFile(path) as archive:
        assert "model.weights.h5" in archive.namelist()
    data = chain_json(str(path))
    check_against_keras(data, GOLDEN["resize_2d"])
    ops = {r["op"] for r in data["layers"]}
    assert {"Resizing", "UpSampling2D"} <= ops


def test_keras2_serialisation_reads_the_same(tmp_path: Path) -> None:
    path = as_file(tmp_path, "zoo_2d_keras2", ".json")
    check_against_keras(chain_json(path), GOLDEN["zoo_2d"])


OVERRIDES = [(m, size) for m in sorted(GOLDEN) for size in GOLDEN[m].get("overrides", {})]


@pytest.mark.parametrize(("name", "size"), OVERRIDES)
def test_input_override_matches_keras_rebuilt_at_that_size(
    tmp_path: Path, name: str, size: str
) -> None:
    """-i on a saved config against Keras rebuilding the same config at that input size
    (fixed layer arguments such as ZeroPadding2D pads stay as saved)."""
    data = chain_json("-i", size, as_file(tmp_path, name, ".keras"))
    records = {r["name"]: r["output"]["shape"] for r in data["layers"]}
    want = GOLDEN[name]["overrides"][size]
    assert {n: records[n] for n in want} == {n: w["shape"] for n, w in want.items()}


def test_full_shape_sets_the_batch(tmp_path: Path) -> None:
    data = chain_json("-i", "2x225x225x3", as_file(tmp_path, "mobilenetv2_224", ".json"))
    want = GOLDEN["mobilenetv2_224"]["overrides"]["225x225"]["out_relu"]["shape"]
    out_relu = next(r for r in data["layers"] if r["name"] == "out_relu")
    assert out_relu["output"]["shape"] == [2, *want[1:]]


def tf_same_pads(size: int, out: int, kernel: int, stride: int) -> list[int]:
    """TensorFlow's SAME split (the odd zero at the end), from Keras' recorded sizes."""
    total = max((out - 1) * stride + kernel - size, 0)
    return [total // 2, total - total // 2]


@pytest.mark.parametrize(("name", "size"), [("mobilenetv2_224", 224), ("mobilenetv2_225", 225)])
def test_conv1_pads_follow_tf_same(tmp_path: Path, name: str, size: int) -> None:
    data = chain_json(as_file(tmp_path, name, ".keras"))
    conv1 = next(r for r in data["layers"] if r["name"] == "Conv1")
    out = GOLDEN[name]["layers"]["Conv1"]["shape"][1]
    assert conv1["pads"] == [tf_same_pads(size, out, 3, 2)] * 2
    assert conv1["pads"] == ([[0, 1]] * 2 if size == 224 else [[1, 1]] * 2)
    assert conv1["receptive_field"] == [3, 3] and conv1["jump"] == [2, 2]


def test_several_inputs_name_the_layers_whose_pads_move(tmp_path: Path) -> None:
    path = as_file(tmp_path, "mobilenetv2_224", ".json")
    data = chain_json("-i", "224x224", "-i", "225x225", path)
    moved = {v["name"]: v["pads"] for v in data["input_dependent"]}
    assert moved["Conv1"] == [[[0, 1], [0, 1]], [[1, 1], [1, 1]]]
    assert len(data["runs"]) == 2


def test_table_folds_shape_preserving_layers(tmp_path: Path) -> None:
    path = as_file(tmp_path, "mobilenetv2_224", ".keras")
    short, full = run("chain", path), run("chain", "--all", path)
    assert short.exit_code == 0 and full.exit_code == 0
    assert "Conv1_relu" not in short.stdout and "Conv1_relu" in full.stdout
    assert "layers not shown (--all shows them)" in short.stdout


def _edited(name: str, edit: Any) -> bytes:
    data = json.loads(config(name))
    edit(data)
    return json.dumps(data).encode()


def _unknown_class(data: dict[str, Any]) -> None:
    data["config"]["layers"][3]["class_name"] = "Lambda"


def _symbolic(data: dict[str, Any]) -> None:
    data["config"]["layers"][0]["config"]["batch_shape"] = [None, None, None, 3]


BAD = [
    ("random bytes", ".keras", bytes(range(256)) * 8, "not a .keras file"),
    ("zip without config", ".keras", None, "without config.json"),
    ("no model config", ".json", b'{"class_name": "Dense", "config": {}}', "not a Keras model"),
    ("not json", ".json", b'{"class_name": ', "is not JSON"),
    ("unknown class", ".json", _edited("zoo_2d", _unknown_class), "unknown Keras layer class"),
    ("symbolic", ".json", _edited("mobilenetv2_224", _symbolic), "give the input size with -i"),
]


@pytest.mark.parametrize(("what", "suffix", "raw", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_give_one_error_line(
    tmp_path: Path, what: str, suffix: str, raw: bytes | None, message: str
) -> None:
    path = tmp_path / f"bad{suffix}"
    if raw is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("weights.h5", b"")
    else:
        path.write_bytes(raw)
    result = run("chain", str(path))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], lines


def test_input_too_small_names_the_layer(tmp_path: Path) -> None:
    result = run("chain", "-i", "3x3", as_file(tmp_path, "zoo_2d", ".json"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: layer 'avgpool_valid' (AveragePooling2D): ")
    assert len(result.stderr.splitlines()) == 1


def test_symbolic_size_runs_once_given(tmp_path: Path) -> None:
    path = tmp_path / "sym.json"
    path.write_bytes(_edited("mobilenetv2_224", _symbolic))
    data = chain_json("-i", "225x225", str(path))
    want = GOLDEN["mobilenetv2_224"]["overrides"]["225x225"]["out_relu"]["shape"]
    assert next(r for r in data["layers"] if r["name"] == "out_relu")["output"]["shape"] == want


def test_model_graph_modules_load_no_numpy_or_rich() -> None:
    code = (
        "import sys, convcalc.network.graph, convcalc.network.readers.keras\n"
        "import convcalc.report.graph_json\n"
        "print(sorted(m for m in ('numpy', 'rich', 'onnx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_table_lists_the_pads_that_move_between_sizes(tmp_path: Path) -> None:
    path = as_file(tmp_path, "mobilenetv2_224", ".json")
    result = run("chain", "-i", "224x224", "-i", "225x225", path)
    assert result.exit_code == 0
    tail = result.stdout.split("pads that depend on the input size", 1)[1]
    assert "Conv1" in tail and "(0,1) → N×112×112×32" in tail and "(1,1) → N×113×113×32" in tail


@pytest.mark.parametrize("option", ["--dims=3", "--channels-first"])
def test_spec_only_options_are_refused_for_model_files(tmp_path: Path, option: str) -> None:
    result = run("chain", option, as_file(tmp_path, "seq_1d", ".json"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --dims and --channels-first are for layer specs")
