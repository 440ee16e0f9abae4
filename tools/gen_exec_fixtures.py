"""Generate golden executor fixtures by running PyTorch and TensorFlow (CPU).

Run from the repository root with a virtualenv that has ``torch`` and ``tensorflow``::

    /path/to/venv-with-torch-and-tf/bin/python tools/gen_exec_fixtures.py

It writes ``tests/fixtures/exec/{torch,tf}_{conv,deconv,pool,unpool}.npz`` (override the
directory with ``--out DIR``); the output is deterministic for given framework versions.

Every ``.npz`` holds ``__meta__`` (a JSON string: framework versions and one entry per case)
and, per case ``NAME``, the arrays ``NAME.x`` (input), ``NAME.y`` (the framework's output)
and, when the op has them, ``NAME.w`` (kernel), ``NAME.b`` (bias), ``NAME.indices``
(argmax indices, pool and unpool). A case entry is ``{"name", "op", "kwargs", "source"}``:
``op`` is a :mod:`convcalc.execute` function and ``kwargs`` its keyword arguments, already
translated from the framework's parameters (layout ``nc…`` for PyTorch, ``n…c`` for
TensorFlow), so a test calls ``getattr(convcalc.execute, op)(x, [w,] **kwargs)``;
``source`` is the framework call that produced ``y``. Inputs are small random arrays (N ≠ C
≠ spatial sizes), mostly float64, some float32.

Covered: conv 1-D/2-D/3-D in both layouts, groups, depthwise (``tf.nn.depthwise_conv2d``),
dilation, stride, torch explicit / ``'same'`` / ``'valid'`` pads, TF SAME/VALID/explicit and
Keras ``causal``, pad fills reflect/replicate/circular; transposed conv with PyTorch
(explicit pads, ``output_padding``, ``output_size``, dilation, groups) and TensorFlow
(``output_shape`` over the whole accepted range, Keras ``output_padding``) semantics;
max pooling with argmax indices and avg pooling with both divisor rules and ceil mode;
max unpooling with and without ``output_size``.
"""

from __future__ import annotations

import os

os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import argparse
import json
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf
import torch
import torch.nn.functional as F

SEED = 20260607
REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "tests" / "fixtures" / "exec"

Array = np.ndarray[Any, Any]
warnings.filterwarnings("ignore")


class Store:
    """Cases of one fixture file."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cases: list[dict[str, Any]] = []
        self.arrays: dict[str, Array] = {}
        self.skipped = 0

    def add(self, op: str, kwargs: dict[str, Any], source: str, **arrays: Array | None) -> None:
        name = f"c{len(self.cases):03d}"
        self.cases.append({"name": name, "op": op, "kwargs": kwargs, "source": source})
        for key, value in arrays.items():
            if value is not None:
                self.arrays[f"{name}.{key}"] = np.ascontiguousarray(value)

    def attempt(self, make: Callable[[], None]) -> None:
        try:
            make()
        except (RuntimeError, ValueError, TypeError, tf.errors.OpError, NotImplementedError):
            self.skipped += 1

    def save(self, out: Path, meta: dict[str, Any]) -> None:
        text = json.dumps({**meta, "cases": self.cases}, separators=(",", ":"))
        arrays = {"__meta__": np.array(text), **self.arrays}
        # numpy's stubs type **kwds as if a key could be `allow_pickle`
        np.savez_compressed(out / f"{self.name}.npz", **arrays)  # type: ignore[arg-type]
        print(f"{self.name}: {len(self.cases)} cases, {self.skipped} skipped")


def rand(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> Array:
    return rng.standard_normal(shape).astype(dtype)


def ints(values: Any) -> list[int]:
    return [int(v) for v in values]


# --------------------------------------------------------------------------- PyTorch

Params = dict[str, Any]


def _ints(rng: np.random.Generator, low: int, high: int, rank: int) -> tuple[int, ...]:
    return tuple(int(v) for v in rng.integers(low, high, size=rank))


def _dtype(rng: np.random.Generator, share64: float = 0.75) -> str:
    return "float64" if rng.random() < share64 else "float32"


def torch_conv(rng: np.random.Generator, store: Store) -> None:
    for rank, count in ((1, 40), (2, 60), (3, 30)):
        for _ in range(count):
            kind = str(rng.choice(["plain", "plain", "grouped", "depthwise"]))
            groups = int(rng.integers(2, 5)) if kind != "plain" else 1
            per_in = 1 if kind == "depthwise" else int(rng.integers(1, 4))
            per_out = int(rng.integers(1, 3 if kind == "depthwise" else 4))
            style = str(rng.choice(["int", "int", "same", "valid"]))
            p: Params = {
                "rank": rank,
                "dtype": _dtype(rng),
                "channels": groups * per_in,
                "filters": groups * per_out,
                "groups": groups,
                "kernel": _ints(rng, 1, 4, rank),
                "stride": (1,) * rank if style == "same" else _ints(rng, 1, 3, rank),
                "dilation": _ints(rng, 1, 3, rank),
                "padding": style if style != "int" else _ints(rng, 0, 3, rank),
                "mode": str(rng.choice(["zeros", "zeros", "reflect", "replicate", "circular"])),
            }
            size = _ints(rng, 3, {1: 12, 2: 9, 3: 6}[rank], rank)
            x = rand(rng, (int(rng.integers(1, 3)), p["channels"], *size), p["dtype"])
            w = rand(rng, (p["filters"], per_in, *p["kernel"]), p["dtype"])
            b = rand(rng, (p["filters"],), p["dtype"]) if rng.random() < 0.6 else None
            store.attempt(partial(_torch_conv_case, store, p, x, w, b))


def _torch_conv_case(store: Store, p: Params, x: Array, w: Array, b: Array | None) -> None:
    rank = p["rank"]
    layer = getattr(torch.nn, f"Conv{rank}d")(
        p["channels"],
        p["filters"],
        p["kernel"],
        stride=p["stride"],
        padding=p["padding"],
        dilation=p["dilation"],
        groups=p["groups"],
        bias=b is not None,
        padding_mode=p["mode"],
        dtype=getattr(torch, p["dtype"]),
    )
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(w))
        if b is not None:
            layer.bias.copy_(torch.from_numpy(b))
        y = layer(torch.from_numpy(x)).numpy()
    padding = p["padding"] if isinstance(p["padding"], str) else list(p["padding"])
    kwargs = {
        "stride": list(p["stride"]),
        "dilation": list(p["dilation"]),
        "padding": padding,
        "padding_mode": p["mode"],
        "groups": p["groups"],
        "layout": TORCH_LAYOUTS[rank],
    }
    source = (
        f"torch.nn.Conv{rank}d({p['channels']}, {p['filters']}, {p['kernel']}, "
        f"stride={p['stride']}, padding={p['padding']!r}, dilation={p['dilation']}, "
        f"groups={p['groups']}, padding_mode={p['mode']!r}, bias={b is not None})"
    )
    store.add("conv", kwargs, source, x=x, w=w, b=b, y=y)


TORCH_LAYOUTS = {1: "ncw", 2: "nchw", 3: "ncdhw"}
TF_LAYOUTS = {1: "nwc", 2: "nhwc", 3: "ndhwc"}


def torch_deconv(rng: np.random.Generator, store: Store) -> None:
    for rank, count in ((1, 35), (2, 50), (3, 25)):
        for _ in range(count):
            dtype = _dtype(rng)
            groups = int(rng.choice([1, 1, 2, 3]))
            per_in, per_out = int(rng.integers(1, 4)), int(rng.integers(1, 4))
            p: Params = {
                "rank": rank,
                "groups": groups,
                "kernel": _ints(rng, 1, 5, rank),
                "stride": _ints(rng, 1, 4, rank),
                "dilation": _ints(rng, 1, 3, rank),
                "padding": _ints(rng, 0, 3, rank),
                "sized": bool(rng.random() < 0.3),
            }
            limits = [max(s, d) for s, d in zip(p["stride"], p["dilation"], strict=True)]
            p["output_padding"] = tuple(int(rng.integers(0, m)) for m in limits)
            size = _ints(rng, 2, {1: 9, 2: 7, 3: 5}[rank], rank)
            x = rand(rng, (int(rng.integers(1, 3)), groups * per_in, *size), dtype)
            w = rand(rng, (groups * per_in, per_out, *p["kernel"]), dtype)
            b = rand(rng, (groups * per_out,), dtype) if rng.random() < 0.6 else None
            store.attempt(partial(_torch_deconv_case, store, p, x, w, b))


def _torch_deconv_case(store: Store, p: Params, x: Array, w: Array, b: Array | None) -> None:
    rank = p["rank"]
    fn = getattr(F, f"conv_transpose{rank}d")
    tb = None if b is None else torch.from_numpy(b)
    args = (p["stride"], p["padding"], p["output_padding"], p["groups"], p["dilation"])
    y = fn(torch.from_numpy(x), torch.from_numpy(w), tb, *args).numpy()
    kwargs: Params = {
        "stride": list(p["stride"]),
        "dilation": list(p["dilation"]),
        "padding": list(p["padding"]),
        "groups": p["groups"],
        "layout": TORCH_LAYOUTS[rank],
    }
    source = (
        f"F.conv_transpose{rank}d(x, w, b, stride={p['stride']}, padding={p['padding']}, "
        f"output_padding={p['output_padding']}, groups={p['groups']}, "
        f"dilation={p['dilation']})"
    )
    if p["sized"]:
        kwargs["output_size"] = list(y.shape[2:])
        source += f", requested as output_size={list(y.shape[2:])}"
    else:
        kwargs["output_padding"] = list(p["output_padding"])
    store.add("conv_transpose", kwargs, source, x=x, w=w, b=b, y=y)


def torch_pool(rng: np.random.Generator, store: Store) -> None:
    for rank, count in ((1, 40), (2, 60), (3, 30)):
        for _ in range(count):
            dtype = _dtype(rng)
            kernel = _ints(rng, 1, 4, rank)
            p: Params = {
                "rank": rank,
                "op": "max" if rng.random() < 0.5 else "avg",
                "kernel": kernel,
                "stride": _ints(rng, 1, 4, rank),
                "padding": tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel),
                "dilation": _ints(rng, 1, 3, rank),
                "ceil_mode": bool(rng.random() < 0.4),
                "include": bool(rng.random() < 0.5),
            }
            size = _ints(rng, 3, {1: 14, 2: 10, 3: 7}[rank], rank)
            x = rand(rng, (int(rng.integers(1, 3)), int(rng.integers(1, 4)), *size), dtype)
            if rng.random() < 0.3:
                x = np.round(x)  # ties: the first maximum wins
            store.attempt(partial(_torch_pool_case, store, p, x))


def _torch_pool_case(store: Store, p: Params, x: Array) -> None:
    rank, tx = p["rank"], torch.from_numpy(x)
    kwargs: Params = {
        "window": list(p["kernel"]),
        "stride": list(p["stride"]),
        "padding": list(p["padding"]),
        "ceil_mode": p["ceil_mode"],
        "layout": TORCH_LAYOUTS[rank],
    }
    geometry = f"{p['kernel']}, {p['stride']}, {p['padding']}"
    if p["op"] == "max":
        fn = getattr(F, f"max_pool{rank}d")
        y, idx = fn(
            tx,
            p["kernel"],
            p["stride"],
            p["padding"],
            p["dilation"],
            ceil_mode=p["ceil_mode"],
            return_indices=True,
        )
        kwargs["dilation"] = list(p["dilation"])
        source = (
            f"F.max_pool{rank}d(x, {geometry}, {p['dilation']}, ceil_mode={p['ceil_mode']}, "
            "return_indices=True)"
        )
        store.add("max_pool", kwargs, source, x=x, y=y.numpy(), indices=idx.numpy())
        return
    fn = getattr(F, f"avg_pool{rank}d")
    y = fn(
        tx,
        p["kernel"],
        p["stride"],
        p["padding"],
        ceil_mode=p["ceil_mode"],
        count_include_pad=p["include"],
    )
    kwargs["count_include_pad"] = p["include"]
    source = (
        f"F.avg_pool{rank}d(x, {geometry}, ceil_mode={p['ceil_mode']}, "
        f"count_include_pad={p['include']})"
    )
    store.add("avg_pool", kwargs, source, x=x, y=y.numpy())


def torch_unpool(rng: np.random.Generator, store: Store) -> None:
    for rank, count in ((1, 20), (2, 30), (3, 15)):
        for _ in range(count):
            dtype = _dtype(rng)
            kernel = _ints(rng, 1, 4, rank)
            p: Params = {
                "rank": rank,
                "kernel": kernel,
                "stride": _ints(rng, 1, 4, rank),
                "padding": tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel),
                "sized": bool(rng.random() < 0.5),
            }
            size = _ints(rng, 3, {1: 14, 2: 10, 3: 7}[rank], rank)
            x = rand(rng, (int(rng.integers(1, 3)), int(rng.integers(1, 4)), *size), dtype)
            store.attempt(partial(_torch_unpool_case, store, p, x))


def _torch_unpool_case(store: Store, p: Params, x: Array) -> None:
    rank = p["rank"]
    geometry = (p["kernel"], p["stride"], p["padding"])
    pool, unpool = getattr(F, f"max_pool{rank}d"), getattr(F, f"max_unpool{rank}d")
    values, idx = pool(torch.from_numpy(x), *geometry, return_indices=True)
    # The pooled input's own size is always a valid output_size (every index fits).
    output_size = list(x.shape[2:]) if p["sized"] else None
    y = unpool(values, idx, *geometry, output_size=output_size)
    kwargs: Params = {
        "window": list(p["kernel"]),
        "stride": list(p["stride"]),
        "padding": list(p["padding"]),
        "layout": TORCH_LAYOUTS[rank],
    }
    if output_size is not None:
        kwargs["output_size"] = output_size
    source = (
        f"F.max_unpool{rank}d(*F.max_pool{rank}d(x, *{geometry}, return_indices=True), "
        f"*{geometry}, output_size={output_size})"
    )
    store.add("max_unpool", kwargs, source, x=values.numpy(), indices=idx.numpy(), y=y.numpy())


# --------------------------------------------------------------------------- TensorFlow


def tf3d_deviates(p: Params, size: tuple[int, ...]) -> bool:
    """TF's 3-D ops (Eigen) use a *negative* SAME pad where the documented total
    ``(out − 1)·s + k_eff − n`` is negative (conventions §9.3); convcalc follows the documented
    rule (clamp at 0), so such cases are not fixtures."""
    if p["style"] != "SAME" or len(size) != 3:
        return False
    for n, k, s, d in zip(size, p["kernel"], p["stride"], p["dilation"], strict=True):
        if (-(-n // s) - 1) * s + d * (k - 1) + 1 < n:
            return True
    return False


def tf_conv(rng: np.random.Generator, store: Store) -> None:
    for rank, count in ((1, 35), (2, 55), (3, 25)):
        for _ in range(count):
            dtype = _dtype(rng, 0.7)
            groups = int(rng.choice([1, 1, 2, 3])) if rank == 2 else 1
            per_in = int(rng.integers(1, 4))
            strided = rng.random() < 0.5
            styles = ["SAME", "VALID", "EXPLICIT"] if rank == 2 else ["SAME", "VALID"]
            p: Params = {
                "rank": rank,
                "groups": groups,
                "kernel": _ints(rng, 1, 4, rank),
                "stride": _ints(rng, 1, 4, rank) if strided else (1,) * rank,
                "dilation": (1,) * rank if strided else _ints(rng, 1, 3, rank),
                "style": str(rng.choice(styles)),
                "explicit": [[int(a), int(b)] for a, b in rng.integers(0, 3, size=(rank, 2))],
            }
            size = _ints(rng, 3, {1: 12, 2: 9, 3: 6}[rank], rank)
            if tf3d_deviates(p, size):
                store.skipped += 1
                continue
            x = rand(rng, (int(rng.integers(1, 3)), *size, groups * per_in), dtype)
            w = rand(rng, (*p["kernel"], per_in, groups * int(rng.integers(1, 3))), dtype)
            store.attempt(partial(_tf_conv_case, store, p, x, w))
    for _ in range(25):
        dtype = _dtype(rng, 0.7)
        s = int(rng.integers(1, 3))
        p = {
            "stride": s,
            "dilation": 1 if s > 1 else int(rng.integers(1, 3)),
            "style": str(rng.choice(["SAME", "VALID"])),
        }
        channels = int(rng.integers(1, 5))
        x = rand(rng, (int(rng.integers(1, 3)), *_ints(rng, 4, 9, 2), channels), dtype)
        f = rand(rng, (*_ints(rng, 1, 4, 2), channels, int(rng.integers(1, 3))), dtype)
        store.attempt(partial(_tf_depthwise_case, store, p, x, f))
    for _ in range(10):
        channels, filters = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        k = int(rng.integers(1, 4))
        x = rand(rng, (int(rng.integers(1, 3)), int(rng.integers(4, 12)), channels), "float32")
        w = rand(rng, (k, channels, filters), "float32")
        b = rand(rng, (filters,), "float32")
        store.attempt(partial(_keras_causal_case, store, int(rng.integers(1, 3)), x, w, b))


def _tf_conv_case(store: Store, p: Params, x: Array, w: Array) -> None:
    rank, stride, dilation = p["rank"], p["stride"], p["dilation"]
    if p["style"] == "EXPLICIT":
        pads = [[0, 0], *p["explicit"], [0, 0]]
        y = tf.nn.conv2d(x, w, [1, *stride, 1], pads, dilations=[1, *dilation, 1])
        padding: Any = p["explicit"]
        call = f"tf.nn.conv2d(x, w, strides={stride}, padding={pads}"
    else:
        y = tf.nn.convolution(x, w, stride, p["style"], dilations=dilation)
        padding = p["style"].lower()
        call = f"tf.nn.convolution(x, w, strides={stride}, padding={p['style']!r}"
    kwargs = {
        "stride": list(stride),
        "dilation": list(dilation),
        "padding": padding,
        "groups": p["groups"],
        "layout": TF_LAYOUTS[rank],
    }
    store.add("conv", kwargs, f"{call}, dilations={dilation})", x=x, w=w, y=np.asarray(y))


def _tf_depthwise_case(store: Store, p: Params, x: Array, f: Array) -> None:
    """``depthwise_conv2d`` (filter kH, kW, C, M) is a grouped conv with ``groups = C`` and
    the filter reshaped to ``(kH, kW, 1, C·M)``."""
    s, d, style = p["stride"], p["dilation"], p["style"]
    y = tf.nn.depthwise_conv2d(x, f, [1, s, s, 1], style, dilations=[d, d])
    kh, kw, c, m = f.shape
    kwargs = {"stride": s, "dilation": d, "padding": style.lower(), "groups": int(c)}
    source = (
        f"tf.nn.depthwise_conv2d(x, f, strides={s}, padding={style!r}, dilations={d}) "
        "with w = f.reshape(kH, kW, 1, C*M)"
    )
    w = f.reshape(kh, kw, 1, c * m)
    store.add("conv", {**kwargs, "layout": "nhwc"}, source, x=x, w=w, y=np.asarray(y))


def _keras_causal_case(store: Store, d: int, x: Array, w: Array, b: Array) -> None:
    k, _, filters = w.shape
    layer = tf.keras.layers.Conv1D(filters, k, padding="causal", dilation_rate=d)
    layer.build(x.shape)
    layer.set_weights([w, b])
    y = np.asarray(layer(x))
    kwargs = {"dilation": d, "padding": "causal", "layout": "nwc"}
    source = f"keras.layers.Conv1D({filters}, {k}, padding='causal', dilation_rate={d})"
    store.add("conv", kwargs, source, x=x, w=w, b=b, y=y)


def tf_deconv(rng: np.random.Generator, store: Store) -> None:
    for rank, count in ((1, 30), (2, 45), (3, 20)):
        for _ in range(count):
            dtype = _dtype(rng, 0.7)
            channels, filters = int(rng.integers(1, 4)), int(rng.integers(1, 4))
            size = _ints(rng, 2, {1: 9, 2: 7, 3: 5}[rank], rank)
            p: Params = {
                "rank": rank,
                "kernel": _ints(rng, 1, 6, rank),
                "stride": _ints(rng, 1, 4, rank),
                "style": str(rng.choice(["SAME", "VALID"])),
            }
            # Any output_shape TensorFlow accepts (conventions §1: SAME [(n−1)s+1, n·s],
            # VALID [(n−1)s+k, (n−1)s+k+s−1]).
            outputs = []
            for n, k, s in zip(size, p["kernel"], p["stride"], strict=True):
                low = (n - 1) * s + (1 if p["style"] == "SAME" else k)
                outputs.append(int(rng.integers(low, low + s)))
            p["outputs"] = outputs
            x = rand(rng, (int(rng.integers(1, 3)), *size, channels), dtype)
            w = rand(rng, (*p["kernel"], filters, channels), dtype)
            store.attempt(partial(_tf_deconv_case, store, p, x, w))
    for _ in range(25):
        channels, filters = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        k, s = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        p = {
            "kernel": k,
            "stride": s,
            "style": str(rng.choice(["same", "valid"])),
            "output_padding": None if rng.random() < 0.5 else int(rng.integers(0, s)),
        }
        x = rand(rng, (int(rng.integers(1, 3)), *_ints(rng, 2, 7, 2), channels), "float32")
        w = rand(rng, (k, k, filters, channels), "float32")
        b = rand(rng, (filters,), "float32")
        store.attempt(partial(_keras_deconv_case, store, p, x, w, b))


def _tf_deconv_case(store: Store, p: Params, x: Array, w: Array) -> None:
    shape = [x.shape[0], *p["outputs"], w.shape[-2]]
    y = tf.nn.conv_transpose(x, w, shape, list(p["stride"]), p["style"])
    kwargs = {
        "stride": list(p["stride"]),
        "padding": p["style"].lower(),
        "output_size": p["outputs"],
        "layout": TF_LAYOUTS[p["rank"]],
    }
    source = (
        f"tf.nn.conv_transpose(x, w, output_shape={shape}, strides={p['stride']}, "
        f"padding={p['style']!r})"
    )
    store.add("conv_transpose", kwargs, source, x=x, w=w, y=np.asarray(y))


def _keras_deconv_case(store: Store, p: Params, x: Array, w: Array, b: Array) -> None:
    k, s, style, op = p["kernel"], p["stride"], p["style"], p["output_padding"]
    filters = w.shape[2]
    layer = tf.keras.layers.Conv2DTranspose(filters, k, s, padding=style, output_padding=op)
    layer.build(x.shape)
    layer.set_weights([w, b])
    y = np.asarray(layer(x))
    kwargs: Params = {"stride": s, "padding": style, "layout": "nhwc"}
    if op is not None:
        kwargs["output_padding"] = op
    source = (
        f"keras.layers.Conv2DTranspose({filters}, {k}, {s}, padding={style!r}, output_padding={op})"
    )
    store.add("conv_transpose", kwargs, source, x=x, w=w, b=b, y=y)


def tf_pool(rng: np.random.Generator, store: Store) -> None:
    for rank, count in ((1, 35), (2, 50), (3, 25)):
        for _ in range(count):
            dtype = _dtype(rng, 0.7) if rank < 3 else "float32"  # no float64 3-D pooling
            kernel = _ints(rng, 1, 4, rank)
            op = str(rng.choice(["max", "avg"]))
            styles = ["SAME", "VALID"] + (["EXPLICIT"] if op == "max" and rank < 3 else [])
            p: Params = {
                "rank": rank,
                "op": op,
                "kernel": kernel,
                "stride": _ints(rng, 1, 4, rank),
                "dilation": (1,) * rank,
                "style": str(rng.choice(styles)),
                "explicit": [
                    [int(rng.integers(0, k // 2 + 1)), int(rng.integers(0, k // 2 + 1))]
                    for k in kernel
                ],
            }
            size = _ints(rng, 3, {1: 14, 2: 10, 3: 7}[rank], rank)
            if tf3d_deviates(p, size):
                store.skipped += 1
                continue
            x = rand(rng, (int(rng.integers(1, 3)), *size, int(rng.integers(1, 4))), dtype)
            if rng.random() < 0.3:
                x = np.round(x)
            store.attempt(partial(_tf_pool_case, store, p, x))


def _tf_pool_case(store: Store, p: Params, x: Array) -> None:
    rank, op = p["rank"], p["op"]
    fn = getattr(tf.nn, f"{op}_pool{rank}d")
    if p["style"] == "EXPLICIT":
        tf_padding: Any = [[0, 0], *p["explicit"], [0, 0]]
        padding: Any = p["explicit"]
    else:
        tf_padding, padding = p["style"], p["style"].lower()
    # A NumPy float64 array would be pooled in float32 (conventions §9.14).
    y = fn(tf.constant(x), list(p["kernel"]), list(p["stride"]), tf_padding)
    kwargs: Params = {
        "window": list(p["kernel"]),
        "stride": list(p["stride"]),
        "padding": padding,
        "layout": TF_LAYOUTS[rank],
    }
    if op == "avg":
        kwargs["count_include_pad"] = False
    source = f"tf.nn.{op}_pool{rank}d(x, {list(p['kernel'])}, {list(p['stride'])}, {tf_padding!r})"
    store.add(f"{op}_pool", kwargs, source, x=x, y=np.asarray(y))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(SEED)
    tf.random.set_seed(SEED)
    meta = {"torch": torch.__version__, "tensorflow": tf.__version__, "numpy": np.__version__}
    jobs: list[tuple[str, Callable[[np.random.Generator, Store], None]]] = [
        ("torch_conv", torch_conv),
        ("torch_deconv", torch_deconv),
        ("torch_pool", torch_pool),
        ("torch_unpool", torch_unpool),
        ("tf_conv", tf_conv),
        ("tf_deconv", tf_deconv),
        ("tf_pool", tf_pool),
    ]
    for index, (name, job) in enumerate(jobs):
        store = Store(name)
        job(np.random.default_rng(SEED + index), store)
        store.save(args.out, meta)


if __name__ == "__main__":
    main()
