"""``chain MODEL.onnx`` never materialises embedded weights (issue 15): the file is walked
(:mod:`convcalc.network.readers.onnx_wire`), so its peak memory stays far under the file
size, and what the reader sees is what ``onnx.load`` gives."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from click.testing import CliRunner
from onnx import TensorProto, helper, numpy_helper

from convcalc.cli import cli
from convcalc.network.readers import onnx as reader
from convcalc.network.readers.onnx import load_onnx, run_onnx
from convcalc.network.readers.onnx_wire import read_model

FIXTURES = Path(__file__).parent / "fixtures" / "onnx"
MB = 2**20


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Conv whose 1024×1024×4×4 float32 weight (64 MiB) is embedded as raw_data, and a
    Gemm whose 4096×256 weight (4 MiB) is embedded as float_data."""
    w = numpy_helper.from_array(np.ones((1024, 1024, 4, 4), np.float32), "w")
    g = helper.make_tensor("g", TensorProto.FLOAT, [4096, 256], np.ones(4096 * 256).tolist())
    shape = numpy_helper.from_array(np.array([1, -1], np.int64), "shape")
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["y"], name="conv"),
        helper.make_node("Reshape", ["y", "shape"], ["f"], name="flat"),
        helper.make_node("Gemm", ["f", "g"], ["z"], name="gemm"),
    ]
    graph = helper.make_graph(
        nodes,
        "big",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1024, 5, 5])],
        [helper.make_tensor_value_info("z", TensorProto.FLOAT, None)],
        [w, g, shape],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path = tmp_path_factory.mktemp("big") / "big.onnx"
    onnx.save(model, str(path))
    del model, graph, w, g
    return path


def _traced_peak(fn: Any) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_embedded_weights_are_not_read(big: Path) -> None:
    size = big.stat().st_size
    assert size > 68 * MB
    result: list[Any] = []
    peak = _traced_peak(lambda: result.append(run_onnx(load_onnx(big), None, "big")))
    assert peak < size / 16, f"peak {peak / MB:.1f} MiB for a {size / MB:.0f} MiB file"
    rows = {r.name: r for r in result[0].rows}
    assert rows["conv"].shape == (1, 1024, 2, 2)
    assert rows["conv"].params == 1024 * 1024 * 16
    assert rows["gemm"].shape == (1, 256)
    assert rows["gemm"].params == 4096 * 256
    # the measurement sees a whole read: onnx.load of the same file peaks above its size
    assert _traced_peak(lambda: onnx.load(str(big), load_external_data=False)) > size


PROBE = """
import sys
from pathlib import Path
import onnx
from convcalc.network.readers.onnx import load_onnx, run_onnx
def status(key):
    with open('/proc/self/status') as f:
        return int(next(line.split()[1] for line in f if line.startswith(key)))
before = status('VmRSS')
rows = run_onnx(load_onnx(Path(sys.argv[1])), None).rows
print(status('VmHWM') - before, rows[0].shape)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_resident_memory_grows_far_less_than_the_file(big: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(big)], capture_output=True, text=True, check=True
    )
    growth_kb, shape = done.stdout.split(" ", 1)
    assert int(growth_kb) * 1024 < big.stat().st_size / 8, done.stdout
    assert shape.strip() == "(1, 1024, 2, 2)"


def test_chain_json_is_what_onnx_load_gives(
    big: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On files with stripped and kept initializers (and PyTorch exports), the walked file
    and onnx.load's give the same chain --json."""
    runs: list[tuple[Path, list[str]]] = [(big, [])]
    for name in ("torch_net", "torch_net_dynamo", "zoo"):
        path = tmp_path / f"{name}.onnx"
        path.write_bytes(gzip.decompress((FIXTURES / f"{name}.onnx.gz").read_bytes()))
        runs.append((path, ["-i", "224x224"]))
    for path, size in runs:
        assert read_model(path, reader.MAX_CONST) is not None  # walked, not fallen back
        walked = CliRunner().invoke(cli, ["chain", "--json", *size, str(path)])
        with monkeypatch.context() as m:
            m.setattr("convcalc.network.readers.onnx_wire.read_model", lambda p, n: None)
            loaded = CliRunner().invoke(cli, ["chain", "--json", *size, str(path)])
        assert walked.exit_code == 0, walked.output
        assert json.loads(walked.stdout) == json.loads(loaded.stdout)


@pytest.mark.parametrize(
    "cut",
    [lambda raw: raw[:-1], lambda raw: raw[: len(raw) // 3], lambda raw: raw[:200]],
    ids=["last byte", "a third", "header"],
)
def test_truncated_big_file_is_one_error_line(big: Path, tmp_path: Path, cut: Any) -> None:
    path = tmp_path / "cut.onnx"
    path.write_bytes(cut(big.read_bytes()))
    result = CliRunner().invoke(cli, ["chain", str(path)])
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    assert "not an ONNX model" in lines[0]
