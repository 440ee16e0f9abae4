"""Time ``convcalc chain MODEL.onnx`` on 100+ MB ONNX files against ``onnx.load`` of the
same file, and side by side with onnx-tool (issue 15, §5).

Needs ``onnx`` (a test dependency); onnx-tool is a benchmark-only dependency, run by the
Python given with ``--onnx-tool-python`` (a separate venv: ``pip install onnx-tool``)::

    python benchmarks/bench_model_files.py --onnx-tool-python /tmp/gen/bin/python

The files are built in ``--workdir`` from the networks the onnx wheel ships with their
weights stripped (``light_*.onnx``): every weight becomes a real float32 initializer (zeros),
so the file has its full size (ResNet-50: 102 MB, AlexNet: 244 MB); pools get an explicit
``pads=[0, 0, 0, 0]`` (the default), because onnx-tool 1.0.1 raises ``IndexError`` on a pool
without one. Each tool runs in fresh
processes (``--runs``, median wall time; peak RSS from ``getrusage``); convcalc runs
``chain -i 1x3x224x224 --json``. Then per node: output shapes, parameters and MACs of
convcalc and onnx-tool, with the differences counted by op.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

MODELS = ("resnet50", "bvlc_alexnet", "densenet121")

PEAK = (  # VmHWM: this process's own peak (getrusage's maxrss keeps the forking parent's)
    "import sys\n"
    "def _peak():\n"
    "    with open('/proc/self/status') as f:\n"
    "        kb = next(line.split()[1] for line in f if line.startswith('VmHWM'))\n"
    "    print(kb, file=sys.stderr)\n"
    "import atexit; atexit.register(_peak)\n"
)
LOAD = PEAK + "import onnx\nonnx.load(sys.argv[1])\n"
CHAIN = (
    PEAK + "from convcalc.cli import main\n"
    "sys.argv = ['convcalc', 'chain', '-i', '1x3x224x224', '--json', sys.argv[1]]\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
)
ONNX_TOOL = PEAK + (
    "import json, numpy, onnx_tool\n"
    "m = onnx_tool.Model(sys.argv[1], {'verbose': False})\n"
    "g = m.graph\n"
    "g.graph_reorder_nodes()\n"
    "g.shape_infer({sys.argv[2]: numpy.zeros((1, 3, 224, 224), numpy.float32)})\n"
    "g.profile()\n"
    "out = {}\n"
    "for name, node in g.nodemap.items():\n"
    "    macs = node.macs[0] if isinstance(node.macs, list) else node.macs\n"
    "    shapes = [list(g.tensormap[o].get_shape()) for o in node.output]\n"
    "    out[name] = {'shape': shapes[0], 'params': int(node.params), 'macs': int(macs)}\n"
    "print(json.dumps(out))\n"
)


def full_model(name: str, folder: Path) -> tuple[Path, str]:
    """The light model with every weight a real initializer; (path, image input name)."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    light = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"
    model = onnx.load(str(light / f"light_{name}.onnx"))
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    keep = []
    for node in g.node:
        if node.op_type == "ConstantOfShape" and node.input[0] in inits:
            dims = numpy_helper.to_array(inits[node.input[0]]).tolist()
            g.initializer.append(
                numpy_helper.from_array(np.zeros(dims, np.float32), node.output[0])
            )
        else:
            keep.append(node)
    del g.node[:]
    g.node.extend(keep)
    for node in g.node:  # onnx-tool 1.0.1 fails on a pool without a pads attribute
        names = {a.name for a in node.attribute}
        if node.op_type in ("MaxPool", "AveragePool") and "pads" not in names:
            node.attribute.append(onnx.helper.make_attribute("pads", [0, 0, 0, 0]))
    data = None
    for inp in list(g.input):
        dims = [d.dim_value for d in inp.type.tensor_type.shape.dim]
        if len(dims) == 4 and data is None:
            data = inp.name
        elif inp.name not in inits:  # a weight fed as a graph input: make it an initializer
            g.initializer.append(numpy_helper.from_array(np.zeros(dims, np.float32), inp.name))
    used = {n for node in g.node for n in node.input}
    kept = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(kept)
    names = {t.name for t in g.initializer}
    inputs = [i for i in g.input if i.name not in names]
    del g.input[:]
    g.input.extend(inputs)
    path = folder / f"{name}_full.onnx"
    onnx.save(model, str(path))
    assert data is not None
    return path, data


def timed(python: str, code: str, *args: str, runs: int) -> tuple[float, int, str]:
    """(median seconds, peak RSS in MB, stdout of the last run) over *runs* fresh processes."""
    times, peaks, out = [], [], ""
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [python, "-c", code, *args], capture_output=True, text=True, check=True
        )
        times.append(time.perf_counter() - start)
        peaks.append(int(done.stderr.strip().splitlines()[-1]) // 1024)
        out = done.stdout
    return statistics.median(times), max(peaks), out


def compare(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """Per kind of value, the ops whose nodes disagree (count and a first example), and
    both tools' totals."""
    rows = {r["name"]: r for r in ours["layers"]}
    diff: dict[str, Any] = {"shape": Counter(), "params": Counter(), "macs": Counter()}
    examples: dict[str, str] = {}
    for name, t in theirs.items():
        r = rows.get(name)
        if r is None:
            diff["shape"]["(missing)"] += 1
            continue
        got = {"shape": r["output"]["shape"], "params": r["params"] or 0, "macs": r["macs"] or 0}
        for kind in ("shape", "params", "macs"):
            if got[kind] != t[kind]:
                diff[kind][r["op"]] += 1
                examples.setdefault(f"{kind} {r['op']}", f"{name}: {got[kind]} vs {t[kind]}")
    diff["examples"] = examples
    diff["totals"] = {
        "convcalc": ours["totals"],
        "onnx-tool": {k: sum(t[k] for t in theirs.values()) for k in ("params", "macs")},
    }
    return diff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/convcalc-bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--onnx-tool-python", help="a Python with onnx-tool installed")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(
        "| model | file | onnx.load | convcalc chain | ratio | onnx-tool | peak RSS "
        "load / chain / onnx-tool |"
    )
    print("|---|---|---|---|---|---|---|")
    diffs = {}
    for name in MODELS:
        path, data = full_model(name, args.workdir)
        size = path.stat().st_size / 2**20
        load, load_rss, _ = timed(sys.executable, LOAD, str(path), runs=args.runs)
        chain, chain_rss, out = timed(sys.executable, CHAIN, str(path), runs=args.runs)
        tool = "—"
        tool_rss = "—"
        if args.onnx_tool_python:
            seconds, peak, tool_out = timed(
                args.onnx_tool_python, ONNX_TOOL, str(path), data, runs=args.runs
            )
            tool, tool_rss = f"{seconds:.2f} s", f"{peak} MB"
            diffs[name] = compare(json.loads(out), json.loads(tool_out))
        print(
            f"| {name} | {size:.0f} MB | {load:.2f} s | {chain:.2f} s | {chain / load:.2f} "
            f"| {tool} | {load_rss} / {chain_rss} / {tool_rss} |"
        )
    external = args.workdir / "resnet50_external.onnx"
    import onnx

    (args.workdir / "resnet50_external.data").unlink(missing_ok=True)  # onnx.save appends
    onnx.save(
        onnx.load(str(args.workdir / "resnet50_full.onnx")),
        str(external),
        save_as_external_data=True,
        location="resnet50_external.data",
    )
    chain, chain_rss, _ = timed(sys.executable, CHAIN, str(external), runs=args.runs)
    data_mb = (args.workdir / "resnet50_external.data").stat().st_size / 2**20
    print(
        f"\nresnet50 with its {data_mb:.0f} MB of weights in external data: chain "
        f"{chain:.2f} s, peak RSS {chain_rss} MB (the weights are never read)"
    )
    for name, diff in diffs.items():
        print(f"\n{name}: nodes that differ from onnx-tool, by op:")
        for kind in ("shape", "params", "macs"):
            print(f"  {kind}: {dict(diff[kind]) or 'none'}")
        for key, text in diff["examples"].items():
            print(f"    e.g. {key} — {text}")
        print(f"  totals: {diff['totals']}")


if __name__ == "__main__":
    main()
