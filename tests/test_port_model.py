"""``convcalc port MODEL --to FW`` (issue 15): the porting audit of a whole model file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from convcalc.cli import cli

ROOT = Path(__file__).parent / "fixtures"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})


def unpack(tmp_path: Path, fixture: str, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(gzip.decompress((ROOT / fixture).read_bytes()))
    return str(path)


def audit(*args: str) -> dict[str, Any]:
    result = run("port", *args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize(("size", "portable"), [(224, False), (225, True)])
def test_mobilenet_v2_conv1_needs_a_pad_in_torch_at_224_only(
    tmp_path: Path, size: int, portable: bool
) -> None:
    path = unpack(tmp_path, f"keras/mobilenetv2_{size}.json.gz", "m.json")
    data = audit(path, "--to", "torch")
    conv1 = next(r for r in data["layers"] if r["name"] == "Conv1")
    assert conv1["portable"] is portable
    assert conv1["pads"] == ([[0, 1], [0, 1]] if size == 224 else [[1, 1], [1, 1]])
    if not portable:
        assert conv1["code"][0] == "x = F.pad(x, (0, 1, 0, 1))  # (left, right, top, bottom)"
    windows = [r for r in run_chain(path) if r["op"] in CONV_OR_POOL]
    assert data["windows"] == len(windows) == len(data["layers"])
    need = 0 if portable else 1
    assert data["summary"] == f"{need} of {len(windows)} layers need an explicit pad in torch"


CONV_OR_POOL = {"Conv2D", "DepthwiseConv2D", "Conv", "MaxPool", "AveragePool", "ConvTranspose"}


def run_chain(path: str, *args: str) -> list[dict[str, Any]]:
    result = run("chain", path, *args, "--json")
    assert result.exit_code == 0, result.output
    layers: list[dict[str, Any]] = json.loads(result.stdout)["layers"]
    return layers


def test_torch_rules_on_every_window(tmp_path: Path) -> None:
    """Convs: not portable exactly where the split is asymmetric at stride > 1 (stride 1
    asymmetric is padding='same'); pools: wherever asymmetric or a pad over half the kernel."""
    path = unpack(tmp_path, "onnx/zoo.onnx.gz", "zoo.onnx")
    for size in ("37x29", "41x23", "64x64"):
        for row in audit(path, "--to", "torch", "-i", size)["layers"]:
            if row["portable"] is None:  # LpPool
                continue
            asym = any(a != b for a, b in row["pads"])
            tf_split = all(b - a in (0, 1) for a, b in row["pads"])  # the odd zero at the end
            if row["kind"] == "conv" and max(row["stride"]) > 1:
                assert row["portable"] is not asym, row
            elif row["kind"] == "conv":  # stride 1: padding='same' covers TF's split
                assert row["portable"] is tf_split, row
            elif row["kind"] == "pool":
                over = any(a > k // 2 for (a, _), k in zip(row["pads"], row["kernel"], strict=True))
                assert row["portable"] is not (asym or over) or row["recipe"]["count_pad"], row


def test_onnx_resnet50_to_tf_flags_the_stem_pool_at_224(tmp_path: Path) -> None:
    path = unpack(tmp_path, "onnx/resnet50.onnx.gz", "resnet50.onnx")
    at_224 = audit(path, "--to", "tf", "-i", "224x224")
    flagged = [r["name"] for r in at_224["layers"] if not r["portable"]]
    pool = next(r for r in at_224["layers"] if r["op"] == "MaxPool")
    assert flagged == [pool["name"]] and pool["pads"] == [[1, 1], [1, 1]]
    assert "float('-inf')" in pool["code"][0]
    at_193 = audit("--to", "tf", path, "-i", "193x193")
    assert at_193["need_explicit_pad"] == 0


def test_table_shows_what_needs_work(tmp_path: Path) -> None:
    path = unpack(tmp_path, "keras/mobilenetv2_224.json.gz", "m.json")
    result = run("port", path, "--to", "torch")
    assert result.exit_code == 0
    assert "Conv1" in result.stdout and "F.pad" in result.stdout
    assert result.stdout.rstrip().endswith("portable layers not shown (--all shows them)")


@pytest.mark.parametrize(
    ("args", "status", "start"),
    [
        (["port", "{dir}/bad.onnx", "--to", "torch"], 1, "Error: "),
        (["port", "{dir}/bad.onnx"], 2, "Error: Missing option '--to'"),
        (["port", "--to", "torch", "conv", "-i", "8", "-k", "3"], 2, "Error: Missing option"),
        (["port", "missing.keras", "--to", "tf"], 1, "Error: "),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], status: int, start: str) -> None:
    (tmp_path / "bad.onnx").write_bytes(b"\x01\x02")
    result = run(*(a.format(dir=tmp_path) for a in args))
    assert result.exit_code == status
    assert result.stderr.startswith(start)
    if status == 1:
        assert len(result.stderr.splitlines()) == 1
