"""Check convcalc's framework claims against real PyTorch and TensorFlow, record the results.

Run from the repository root with a Python that has torch and tensorflow (CPU)::

    TF_ENABLE_ONEDNN_OPTS=0 PYTHONPATH=. /path/to/venv/bin/python tools/gen_network_fixtures.py

It writes ``tests/fixtures/network/framework_checks.json``; ``tests/test_network_fixtures.py``
replays it without any framework. Three parts:

* ``spellings``: every TensorFlow, Keras and PyTorch spelling that ``convcalc compare``
  prints for a set of layers is run for real (1-D, batch 1, one channel). The output
  size, the first window's start (from one-hot-tap kernels on a ramp, or a one-hot input
  for transposed convs), average-pool values, or the error are recorded next to what
  convcalc predicted.
* ``ports``: ``convcalc port`` recipes for a set of layers, run in the source and the
  target framework on random data (``convcalc.frameworks.check``); the recipe and the largest
  difference are recorded.
* ``networks``: ResNet-18, VGG-16 and the U-Net built in plain ``torch.nn`` (torchvision
  is not needed): parameter counts and output shapes, next to ``convcalc chain``.
"""

from __future__ import annotations

import os

os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf
import torch
import torch.nn.functional as F
from torch import nn

from convcalc.frameworks.check import check_port
from convcalc.frameworks.compare import SPELLERS, evaluate
from convcalc.frameworks.layer import Layer, divisors, make_layer
from convcalc.frameworks.port import port_layer
from convcalc.frameworks.source import source_layer
from convcalc.frameworks.spelling import Spelling
from convcalc.network.stack import parse_input, parse_spec, run_chain
from convcalc.network.zoo import BUILTINS
from convcalc.shape import AxisPlan, Padding

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "fixtures" / "network" / "framework_checks.json"
RUNNABLE = ("tf", "keras", "torch")

# --------------------------------------------------------------------------- layers

LAYERS: list[dict[str, Any]] = [
    {"op": "conv", "input": 20, "kernel": 3, "stride": 2, "dilation": 2, "padding": "same"},
    {"op": "conv", "input": 6, "kernel": 3, "stride": 2, "padding": "same"},
    {"op": "conv", "input": 13, "kernel": 6, "stride": 5, "padding": "same"},
    {"op": "conv", "input": 224, "kernel": 7, "stride": 2, "padding": "same"},
    {"op": "conv", "input": 225, "kernel": 7, "stride": 2, "padding": "same"},
    {"op": "conv", "input": 12, "kernel": 3, "stride": 3, "padding": "same"},
    {"op": "conv", "input": 8, "kernel": 4, "stride": 1, "padding": "same"},
    {"op": "conv", "input": 7, "kernel": 3, "stride": 1, "dilation": 2, "padding": "same"},
    {"op": "conv", "input": 9, "kernel": 3, "stride": 2, "padding": [[0, 1]]},
    {"op": "conv", "input": 10, "kernel": 3, "stride": 1, "dilation": 2, "padding": "causal"},
    {"op": "pool", "input": 6, "kernel": 3, "stride": 2, "padding": "same", "pool": "max"},
    {"op": "pool", "input": 6, "kernel": 3, "stride": 2, "padding": "same", "pool": "avg"},
    {"op": "pool", "input": 112, "kernel": 3, "stride": 2, "padding": 1, "pool": "max"},
    {
        "op": "pool",
        "input": 5,
        "kernel": 2,
        "stride": 2,
        "padding": 1,
        "pool": "avg",
        "ceil_mode": True,
    },
    {
        "op": "pool",
        "input": 4,
        "kernel": 2,
        "stride": 3,
        "padding": 1,
        "pool": "max",
        "ceil_mode": True,
    },
    {
        "op": "pool",
        "input": 7,
        "kernel": 3,
        "stride": 2,
        "padding": 1,
        "pool": "avg",
        "count_pad": False,
    },
    {"op": "deconv", "input": 7, "kernel": 3, "stride": 2, "padding": "same"},
    {"op": "deconv", "input": 7, "kernel": 3, "stride": 2, "padding": 1, "output_padding": 1},
    {"op": "deconv", "input": 4, "kernel": 3, "stride": 2, "padding": "same", "output_size": [7]},
    {"op": "deconv", "input": 7, "kernel": 4, "stride": 2, "padding": 1},
    {"op": "deconv", "input": 13, "kernel": 6, "stride": 5, "padding": "same"},
    {"op": "deconv", "input": 4, "kernel": 3, "stride": 2, "padding": "valid", "output_padding": 1},
]


def build(case: dict[str, Any]) -> Layer:
    kwargs = {k: v for k, v in case.items() if k not in ("op", "input", "kernel")}
    if isinstance(kwargs.get("padding"), list):
        kwargs["padding"] = [tuple(p) for p in kwargs["padding"]]
    return make_layer(case["op"], (case["input"],), case["kernel"], **kwargs)


def err_text(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {msg[0] if msg else ''}"[:160]


# --------------------------------------------------------------------------- running


def tf_padding(sp: Spelling, fw: str) -> tuple[list[tuple[int, int]] | None, str]:
    """(explicit pre-pad, mode string) for a TF/Keras spelling."""
    if isinstance(sp.padding, Padding):
        return None, sp.padding.value
    assert sp.padding is not None
    return [tuple(p) for p in sp.padding], "valid"  # type: ignore[misc]


def run_window(layer: Layer, sp: Spelling, fw: str, x: np.ndarray, w: np.ndarray | None) -> Any:
    """Run one spelling of a conv/pool on 1-D data x (n,), one-hot kernels w (C, k)."""
    k, s, d = layer.kernel[0], layer.stride[0], layer.dilation[0]
    is_max = layer.op == "pool" and layer.pool == "max"
    if fw == "torch":
        t = torch.from_numpy(x)[None, None]
        pads = sp.padding
        if isinstance(pads, Padding):
            assert layer.op == "conv"
            y = F.conv1d(t, torch.from_numpy(w)[:, None], None, s, pads.value, d)
            return y[0].numpy()
        assert pads is not None
        ((a, b),) = pads
        if a != b:
            t = F.pad(t, (a, b), value=float("-inf") if is_max else 0.0)
            a = 0
        if layer.op == "conv":
            return F.conv1d(t, torch.from_numpy(w)[:, None], None, s, a, d)[0].numpy()
        if is_max:
            return F.max_pool1d(t, k, s, a, d, ceil_mode=bool(sp.ceil_mode))[0].numpy()
        return F.avg_pool1d(
            t, k, s, a, ceil_mode=bool(sp.ceil_mode), count_include_pad=bool(sp.count_pad)
        )[0].numpy()
    pre, mode = tf_padding(sp, fw)
    t = tf.constant(x[None, :, None])
    if fw == "tf" and is_max and sp.text.startswith("padding=[") and pre is not None:
        # TF's own explicit-padding max pool (max_pool1d accepts a pad list)
        return np.asarray(tf.nn.max_pool1d(t, k, s, [[0, 0], list(pre[0]), [0, 0]]))[0].T
    if pre is not None:
        t = tf.pad(
            t, [[0, 0], list(pre[0]), [0, 0]], constant_values=float("-inf") if is_max else 0.0
        )
    if fw == "tf":
        if layer.op == "conv":
            assert w is not None
            y = tf.nn.convolution(t, tf.constant(w.T[:, None, :]), s, mode.upper(), dilations=d)
        elif is_max:
            y = tf.nn.max_pool1d(t, k, s, mode.upper())
        else:
            y = tf.nn.avg_pool1d(t, k, s, mode.upper())
        return np.asarray(y)[0].T
    import keras

    if layer.op == "conv":
        assert w is not None
        conv = keras.layers.Conv1D(
            w.shape[0], k, strides=s, padding=mode, dilation_rate=d, use_bias=False
        )
        conv.build(t.shape)
        conv.set_weights([w.T[:, None, :]])
        y = conv(t)
    elif is_max:
        y = keras.layers.MaxPooling1D(k, strides=s, padding=mode)(t)
    else:
        y = keras.layers.AveragePooling1D(k, strides=s, padding=mode)(t)
    return np.asarray(y)[0].T


def run_deconv(layer: Layer, sp: Spelling, fw: str, x: np.ndarray, w: np.ndarray) -> Any:
    k, s = layer.kernel[0], layer.stride[0]
    n = layer.input[0]
    if fw == "torch":
        assert sp.padding is not None and not isinstance(sp.padding, Padding)
        ((p, _),) = sp.padding
        op = sp.output_padding[0] if sp.output_padding else 0
        y = F.conv_transpose1d(
            torch.from_numpy(x)[None, None], torch.from_numpy(w)[None, None], None, s, p, op
        )
        return y[0].numpy()
    if fw == "tf":
        assert sp.output_size is not None
        mode = sp.padding.value.upper() if isinstance(sp.padding, Padding) else None
        if mode is None:
            raise RuntimeError("explicit padding is 2-D only in TF (not run in 1-D)")
        y = tf.nn.conv1d_transpose(
            tf.constant(x[None, :, None]),
            tf.constant(w[:, None, None]),
            [1, sp.output_size[0], 1],
            s,
            mode,
        )
        return np.asarray(y)[0].T
    import keras

    assert isinstance(sp.padding, Padding)
    keras_op = sp.output_padding[0] if sp.output_padding else None
    conv = keras.layers.Conv1DTranspose(
        1, k, strides=s, padding=sp.padding.value, output_padding=keras_op, use_bias=False
    )
    t = tf.constant(x[None, :, None])
    conv.build(t.shape)
    conv.set_weights([w[:, None, None]])
    del n
    return np.asarray(conv(t))[0].T


def measure(layer: Layer, sp: Spelling, fw: str) -> dict[str, Any]:
    """Run the spelling; return the output size and the first window's start (pad_low)."""
    n = layer.input[0]
    k_eff = layer.dilation[0] * (layer.kernel[0] - 1) + 1
    ramp = np.arange(1, n + 1, dtype=np.float32)
    try:
        if layer.op == "deconv":
            onehot = np.zeros(n, dtype=np.float32)
            onehot[0] = 1
            taps = np.arange(1, layer.kernel[0] + 1, dtype=np.float32)
            y = run_deconv(layer, sp, fw, onehot, taps)[0]
            nz = np.nonzero(y)[0]
            low = int(nz[0] - (y[nz[0]] - 1)) if len(nz) else None
            return {"output": int(y.shape[-1]), "pad_low": -low if low is not None else None}
        if layer.op == "conv":
            w = np.eye(layer.kernel[0], dtype=np.float32)
            y = run_window(layer, sp, fw, ramp, w)
            o = y.shape[-1]
            starts = {
                int(j * layer.stride[0] + t * layer.dilation[0] - (y[t, j] - 1))
                for t in range(y.shape[0])
                for j in range(o)
                if y[t, j] != 0
            }
            return {"output": int(o), "pad_low": starts.pop() if len(starts) == 1 else None}
        y = run_window(layer, sp, fw, ramp, None)[0]
        o = y.shape[-1]
        if layer.pool == "max":
            starts = {
                int(j * layer.stride[0] + k_eff - 1 - (y[j] - 1)) for j in range(o) if y[j] < n
            }
            return {"output": int(o), "pad_low": starts.pop() if len(starts) == 1 else None}
        return {"output": int(o), "values": [round(float(v), 5) for v in y]}
    except Exception as exc:
        return {"error": err_text(exc)}


def predicted(layer: Layer, sp: Spelling) -> dict[str, Any]:
    row = evaluate(layer, sp)
    if row.output is None:
        return {"error": row.why}
    out: dict[str, Any] = {"output": row.output[0], "pad_low": row.pads[0][0] if row.pads else None}
    if layer.op == "pool" and layer.pool == "avg":
        from convcalc.frameworks.layer import plan_with

        plan = plan_with(layer, sp.padding, ceil_mode=sp.ceil_mode)  # type: ignore[arg-type]
        axis = plan.axes[0]
        assert isinstance(axis, AxisPlan)
        count = layer.count_pad if sp.count_pad is None else sp.count_pad
        div = divisors(axis, count)
        vals = []
        for j in range(axis.output):
            cells = [t for t in axis.taps(j) if 0 <= t < layer.input[0]]
            vals.append(round(sum(t + 1 for t in cells) / div[j], 5))
        out["values"] = vals
    return out


def spellings_part() -> list[dict[str, Any]]:
    records = []
    for case in LAYERS:
        layer = build(case)
        for fw in RUNNABLE:
            for sp in SPELLERS[fw](layer):
                if sp.padding is None and sp.error is None:
                    continue
                got = measure(layer, sp, fw) if (sp.padding is not None or sp.error) else {}
                if sp.error is not None and sp.padding is None:
                    got = _run_error_spelling(layer, sp, fw)
                pred = predicted(layer, sp)
                agree = _agree(got, pred)
                records.append(
                    {
                        "layer": case,
                        "framework": fw,
                        "spelling": sp.text,
                        "measured": got,
                        "convcalc": pred,
                        "agree": agree,
                    }
                )
                mark = "ok " if agree else "!! "
                print(f"{mark}{fw:6} {case} {sp.text!r}: {got} vs {pred}", file=sys.stderr)
    return records


def _run_error_spelling(layer: Layer, sp: Spelling, fw: str) -> dict[str, Any]:
    """Spellings convcalc says the framework rejects: try them for real."""
    if fw == "torch" and sp.text == "padding='same'":
        try:
            F.conv1d(
                torch.ones(1, 1, layer.input[0]),
                torch.ones(1, 1, layer.kernel[0]),
                stride=layer.stride[0],
                padding="same",
            )
        except Exception as exc:
            return {"error": err_text(exc)}
        return {"output": "ran"}
    if fw in ("tf", "keras") and "dilation" in (sp.error or "").lower():
        try:
            tf.nn.convolution(
                tf.ones([1, layer.input[0], 1]),
                tf.ones([layer.kernel[0], 1, 1]),
                layer.stride[0],
                "VALID",
                dilations=layer.dilation[0],
            )
        except Exception as exc:
            return {"error": err_text(exc)}
        return {"output": "ran"}
    return {"error": "not run (" + (sp.error or "") + ")"}


def _agree(got: dict[str, Any], pred: dict[str, Any]) -> bool:
    if "error" in pred or "error" in got:
        return ("error" in pred) == ("error" in got)
    if got.get("output") != pred.get("output"):
        return False
    if "values" in got:
        return bool(np.allclose(got["values"], pred["values"], atol=1e-4))
    return got.get("pad_low") is None or got.get("pad_low") == pred.get("pad_low")


# --------------------------------------------------------------------------- ports

PORTS: list[dict[str, Any]] = [
    {
        "from": "tf",
        "to": "torch",
        "op": "conv",
        "input": [224],
        "kernel": 7,
        "stride": 2,
        "padding": "same",
    },
    {
        "from": "tf",
        "to": "torch",
        "op": "conv",
        "input": [225],
        "kernel": 7,
        "stride": 2,
        "padding": "same",
    },
    {
        "from": "tf",
        "to": "torch",
        "op": "conv",
        "input": [20, 21],
        "kernel": 3,
        "stride": 2,
        "padding": "same",
    },
    {
        "from": "torch",
        "to": "tf",
        "op": "conv",
        "input": [20, 21],
        "kernel": 3,
        "stride": 2,
        "padding": 1,
    },
    {
        "from": "keras",
        "to": "torch",
        "op": "conv",
        "input": [10],
        "kernel": 3,
        "dilation": 2,
        "padding": "causal",
    },
    {
        "from": "tf",
        "to": "torch",
        "op": "pool",
        "input": [6, 6],
        "kernel": 3,
        "stride": 2,
        "padding": "same",
        "pool": "avg",
    },
    {
        "from": "tf",
        "to": "torch",
        "op": "pool",
        "input": [6, 6],
        "kernel": 3,
        "stride": 2,
        "padding": "same",
        "pool": "max",
    },
    {
        "from": "torch",
        "to": "tf",
        "op": "pool",
        "input": [5, 5],
        "kernel": 2,
        "stride": 2,
        "padding": 1,
        "pool": "avg",
        "ceil_mode": True,
    },
    {
        "from": "torch",
        "to": "tf",
        "op": "pool",
        "input": [5],
        "kernel": 2,
        "stride": 2,
        "padding": 1,
        "pool": "max",
        "ceil_mode": True,
    },
    {
        "from": "torch",
        "to": "keras",
        "op": "pool",
        "input": [7, 7],
        "kernel": 3,
        "stride": 2,
        "padding": 1,
        "pool": "avg",
    },
    {
        "from": "tf",
        "to": "torch",
        "op": "deconv",
        "input": [7, 7],
        "kernel": 3,
        "stride": 2,
        "padding": "same",
        "output_size": [14, 14],
    },
    {
        "from": "torch",
        "to": "tf",
        "op": "deconv",
        "input": [7, 7],
        "kernel": 3,
        "stride": 2,
        "padding": 1,
        "output_padding": 1,
    },
    {
        "from": "torch",
        "to": "keras",
        "op": "deconv",
        "input": [7, 7],
        "kernel": 3,
        "stride": 2,
        "padding": 1,
        "output_padding": 1,
    },
    {
        "from": "keras",
        "to": "torch",
        "op": "deconv",
        "input": [13],
        "kernel": 6,
        "stride": 5,
        "padding": "same",
    },
    {
        "from": "tf",
        "to": "keras",
        "op": "deconv",
        "input": [4, 4],
        "kernel": 3,
        "stride": 2,
        "padding": "same",
        "output_size": [7, 7],
    },
    {
        "from": "torch",
        "to": "tf",
        "op": "deconv",
        "input": [7],
        "kernel": 4,
        "stride": 2,
        "padding": 1,
    },
    {
        "from": "torch",
        "to": "keras",
        "op": "conv",
        "input": [9],
        "kernel": 3,
        "stride": 2,
        "padding": [[1, 2]],
    },
    {"from": "tf", "to": "torch", "op": "conv", "input": [8], "kernel": 4, "padding": "same"},
    {
        "from": "tf",
        "to": "keras",
        "op": "pool",
        "input": [7],
        "kernel": 3,
        "stride": 2,
        "padding": [[0, 2]],
        "pool": "max",
    },
]


def port_case(case: dict[str, Any]) -> Layer:
    kwargs = {k: v for k, v in case.items() if k not in ("from", "to", "op", "input", "kernel")}
    if isinstance(kwargs.get("padding"), list):
        kwargs["padding"] = [tuple(p) for p in kwargs["padding"]]
    return source_layer(case["from"], case["op"], case["input"], case["kernel"], **kwargs)


def ports_part() -> list[dict[str, Any]]:
    records = []
    for case in PORTS:
        layer = port_case(case)
        recipe = port_layer(layer, case["to"])
        result = check_port(layer, case["from"], case["to"])
        print(f"port {case}: {result}", file=sys.stderr)
        records.append({"case": case, "recipe": recipe.as_dict(), "check": result})
    return records


# --------------------------------------------------------------------------- networks


def basic_block(cin: int, cout: int, stride: int) -> nn.Module:
    class Block(nn.Module):  # type: ignore[misc]  # torch is untyped here
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.down = (
                nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                if stride != 1 or cin != cout
                else nn.Identity()
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
            return torch.relu(y + self.down(x))

    return Block()


def resnet18() -> tuple[nn.Module, nn.Module]:
    features = [
        nn.Conv2d(3, 64, 7, 2, 3, bias=False),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, 1),
    ]
    cin = 64
    for width, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        features += [basic_block(cin, width, stride), basic_block(width, width, 1)]
        cin = width
    body = nn.Sequential(*features)
    head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000))
    return body, head


def vgg16() -> tuple[nn.Module, nn.Module]:
    layers: list[nn.Module] = []
    cin = 3
    for width, convs in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)):
        for _ in range(convs):
            layers += [nn.Conv2d(cin, width, 3, padding=1), nn.ReLU()]
            cin = width
        layers.append(nn.MaxPool2d(2, 2))
    body = nn.Sequential(*layers)
    head = nn.Sequential(
        nn.AdaptiveAvgPool2d(7),
        nn.Flatten(),
        nn.Linear(25088, 4096),
        nn.ReLU(),
        nn.Linear(4096, 4096),
        nn.ReLU(),
        nn.Linear(4096, 1000),
    )
    return body, head


class UNet(nn.Module):  # type: ignore[misc]  # torch is untyped here
    def __init__(self) -> None:
        super().__init__()
        widths = (64, 128, 256, 512)

        def double(cin: int, cout: int) -> nn.Module:
            return nn.Sequential(
                nn.Conv2d(cin, cout, 3), nn.ReLU(), nn.Conv2d(cout, cout, 3), nn.ReLU()
            )

        self.down = nn.ModuleList()
        cin = 1
        for w in widths:
            self.down.append(double(cin, w))
            cin = w
        self.bottom = double(512, 1024)
        self.ups = nn.ModuleList()
        self.dec = nn.ModuleList()
        cin = 1024
        for w in reversed(widths):
            self.ups.append(nn.ConvTranspose2d(cin, w, 2, 2))
            self.dec.append(double(2 * w, w))
            cin = w
        self.head = nn.Conv2d(64, 2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottom(x)
        for up, dec, skip in zip(self.ups, self.dec, reversed(skips), strict=True):
            x = up(x)
            off = (skip.shape[-1] - x.shape[-1]) // 2
            skip = skip[..., off : off + x.shape[-2], off : off + x.shape[-1]]
            x = dec(torch.cat([skip, x], 1))
        return self.head(x)


def rf_support(spec: str, size: int, units: list[int]) -> list[list[int] | None]:
    """Input cells that reach each output unit of a 1-D, 1-channel version of *spec*
    (all weights 1, max pools replaced by average pools so every tap carries gradient)."""
    layers = parse_spec(spec)
    x = torch.ones(1, 1, size, dtype=torch.float64, requires_grad=True)
    saved: dict[str, torch.Tensor] = {}
    y = x
    for spec_layer in layers:
        k = spec_layer.kernel[0] if spec_layer.kernel else 1
        s = spec_layer.stride[0] if spec_layer.stride else (k if spec_layer.op == "pool" else 1)
        pads = spec_layer.padding
        p = pads[0] if isinstance(pads, tuple) and pads else 0
        assert isinstance(p, int)
        ones = torch.ones(1, 1, k, dtype=torch.float64)
        if spec_layer.op == "conv":
            y = F.conv1d(y, ones, stride=s, padding=p)
        elif spec_layer.op == "pool":
            y = F.avg_pool1d(y, k, s, p)
        elif spec_layer.op == "deconv":
            y = F.conv_transpose1d(y, ones, stride=s, padding=p)
        elif spec_layer.op == "cat":
            assert spec_layer.ref is not None
            skip = saved[spec_layer.ref]
            off = (skip.shape[-1] - y.shape[-1]) // 2
            y = y + skip[..., off : off + y.shape[-1]]
        if spec_layer.label:
            saved[spec_layer.label] = y
    out = []
    for u in units:
        (grad,) = torch.autograd.grad(y[0, 0, u], x, retain_graph=True)
        nz = torch.nonzero(grad[0, 0]).flatten().tolist()
        out.append([nz[0], nz[-1]] if nz else None)
    return out


RF_CASES = [
    ("resnet-stem", BUILTINS["resnet-stem"].spec, 224, [0, 1, 2, 27, 55]),
    ("unet", BUILTINS["unet"].spec, 572, [*range(34), 387]),
    (
        "deconvs",
        "conv k3 s2 p1, deconv k4 s2 p1, deconv k3 s2 p1 op1, conv k3 p1",
        40,
        list(range(0, 12)),
    ),
]


def rf_part() -> list[dict[str, Any]]:
    from convcalc.network.stack import unit_spans

    records = []
    for name, spec, size, units in RF_CASES:
        support = rf_support(spec, size, units)
        spans = unit_spans(parse_spec(spec), (size,), units)
        clipped = [None if s is None else [max(s[0], 0), min(s[1], size - 1)] for s in spans]
        agree = clipped == support
        print(
            f"rf {name}: {'ok' if agree else 'DISAGREE'} {support[:4]} vs {clipped[:4]}",
            file=sys.stderr,
        )
        records.append(
            {
                "name": name,
                "spec": spec,
                "size": size,
                "units": units,
                "support": support,
                "agree": agree,
            }
        )
    return records


def sweep_cases(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Random 1-D layers, each written the way its source framework would write it."""
    rng = np.random.default_rng(seed)
    cases: list[dict[str, Any]] = []
    while len(cases) < n:
        source = str(rng.choice(["tf", "keras", "torch"]))
        op = str(rng.choice(["conv", "pool", "pool", "deconv"]))
        k = int(rng.integers(1, 5))
        s = int(rng.integers(1, 4))
        case: dict[str, Any] = {
            "from": source,
            "op": op,
            "input": [int(rng.integers(3, 13))],
            "kernel": k,
            "stride": s,
        }
        if op == "pool":
            case["pool"] = str(rng.choice(["max", "avg"]))
        if op == "conv" and rng.random() < 0.3:
            case["dilation"] = 2
        if source == "torch":
            case["padding"] = int(rng.integers(0, k // 2 + 1))
            if op == "pool" and rng.random() < 0.4:
                case["ceil_mode"] = True
            if op == "pool" and case["pool"] == "avg" and rng.random() < 0.4:
                case["count_pad"] = False
            if op == "deconv":
                case["output_padding"] = int(rng.integers(0, s))
        else:
            case["padding"] = str(rng.choice(["same", "valid"]))
        try:
            port_case(case)
        except Exception:
            continue
        cases.append(case)
    return cases


def sweep_part(n: int) -> list[dict[str, Any]]:
    records = []
    failures = 0
    for case in sweep_cases(n):
        layer = port_case(case)
        for target in RUNNABLE:
            if target == case["from"]:
                continue
            recipe = port_layer(layer, target)
            result = check_port(layer, case["from"], target)
            ok = result["max_abs_diff"] is not None and result["max_abs_diff"] < 1e-4
            if not ok:
                failures += 1
                print(f"sweep !! {case} -> {target}: {result} {recipe.as_dict()}", file=sys.stderr)
            records.append(
                {"case": {**case, "to": target}, "recipe": recipe.as_dict(), "check": result}
            )
    print(f"sweep: {len(records)} checks, {failures} not verified", file=sys.stderr)
    return records


def count(*modules: nn.Module) -> int:
    return sum(p.numel() for m in modules for p in m.parameters())


def networks_part() -> dict[str, Any]:
    out: dict[str, Any] = {}
    torch.manual_seed(0)
    with torch.no_grad():
        for name, make in (("resnet18", resnet18), ("vgg16", vgg16)):
            body, head = make()
            y = body(torch.zeros(1, 3, 224, 224))
            out[name] = {
                "params": count(body, head),
                "body_output": list(y.shape[1:]),
                "output": list(head(y).shape[1:]),
            }
        unet = UNet()
        y = unet(torch.zeros(1, 1, 572, 572))
        out["unet"] = {"params": count(unet), "output": list(y.shape[1:])}
    for name, data in out.items():
        b = BUILTINS[name]
        spatial, channels, batch = parse_input(b.input)
        r = run_chain(parse_spec(b.spec), spatial, channels, batch)
        data["convcalc_params"] = r.params
        print(f"{name}: torch {data} convcalc {r.params} {r.output}", file=sys.stderr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--sweep", type=int, default=120, help="random layers to port")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    data: dict[str, Any] = {
        "meta": {"torch": torch.__version__, "tensorflow": tf.__version__, "numpy": np.__version__},
        "spellings": spellings_part(),
        "ports": ports_part(),
        "networks": networks_part(),
        "receptive_fields": rf_part(),
        "port_sweep": sweep_part(args.sweep),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    bad = [r for r in data["spellings"] if not r["agree"]]
    bad_ports = [
        r
        for r in data["ports"]
        if not (r["check"]["max_abs_diff"] is not None and r["check"]["max_abs_diff"] < 1e-4)
    ]
    print(
        f"wrote {args.out}: {len(data['spellings'])} spellings ({len(bad)} disagree), "
        f"{len(data['ports'])} ports ({len(bad_ports)} failed)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
