"""Generate golden shape fixtures by running the real frameworks (PyTorch and TensorFlow, CPU).

Run from the repository root with a virtualenv that has ``torch`` and ``tensorflow`` installed::

    /path/to/venv-with-torch-and-tf/bin/python tools/gen_shape_fixtures.py

It writes ``tests/fixtures/shapes.json`` (override with ``--out PATH``). The output is deterministic
for a given set of framework versions (fixed random seed, no timestamps).

File layout: ``{"meta": {...}, "cases": [<one case per line>]}``. Every case records one framework
call on a batch-1, 1-channel input:

* ``op`` (``conv``/``pool``/``deconv``), ``framework`` (``tf``/``torch``), ``fn`` (the exact function);
* ``input``, ``kernel``, ``stride``, ``dilation``: per spatial axis;
* ``padding``: ``"valid"``, ``"same"`` or explicit ``[[before, after], ...]`` per axis;
* pool only: ``pool`` (``max``/``avg``), ``ceil_mode``; deconv only: ``output_padding`` (torch) or null;
* the result: ``output`` (spatial sizes, may contain 0) or ``error`` (exception type and first line);
* ``pads`` where measured: the ``[before, after]`` pads the framework really used, read from output
  values (input ``x = 1..N`` in C order, one output channel per one-hot kernel tap, or max/min pooling
  of that ramp); the value-based measurement is cross-checked against a zero-padded reference;
* TF transposed conv: ``accepted_output`` = ``[lo, hi]`` per axis of ``output_shape`` values TF
  accepted (probed one axis at a time, others held at an accepted value), or
  ``accepted_output_set`` if an accepted set was not contiguous;
* torch transposed conv: ``output`` from ``F.conv_transpose{n}d`` with the given ``output_padding`` and
  ``accepted_output_size`` = ``[lo, hi]`` per axis accepted by ``nn.ConvTranspose{n}d(...)(x,
  output_size=...)`` (probed the same way).
"""

from __future__ import annotations

import os

# Must be set before TensorFlow is imported: TF's oneDNN CPU path is broken on empty-output cases.
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402, N812

SEED = 20240607
REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "tests" / "fixtures" / "shapes.json"

Case = dict[str, Any]
Pads = list[list[int]]

_FN_NODE = re.compile(r"^\{\{function_node [^}]*\}\}\s*")
STATS: Counter[str] = Counter()


# --------------------------------------------------------------------------- helpers


def err_text(exc: BaseException) -> str:
    """Exception type + first line of its message (TF's ``{{function_node ...}}`` prefix removed)."""
    msg = _FN_NODE.sub("", str(exc).strip())
    first = msg.splitlines()[0].strip() if msg else ""
    return f"{type(exc).__name__}: {first}"[:160]


def keff(k: int, d: int) -> int:
    return d * (k - 1) + 1


def prod(xs: list[int]) -> int:
    return math.prod(xs)


def ramp(n: list[int]) -> np.ndarray:
    """Distinct nonzero values 1..N laid out in C order over the spatial shape ``n``."""
    return np.arange(1, prod(n) + 1, dtype=np.float64).reshape(n)


def onehot_taps(k: list[int]) -> np.ndarray:
    """(C, *k) array, channel c is one-hot at flat (C-order) kernel tap c."""
    c = prod(k)
    return np.eye(c, dtype=np.float64).reshape([c, *k])


def conv_model(n: list[int], k: list[int], s: list[int], d: list[int], pb: list[int],
               o: list[int]) -> np.ndarray:
    """Zero-padded cross-correlation of ``ramp(n)`` with ``onehot_taps(k)``: shape (*o, C)."""
    nd = len(n)
    lin_stride = [prod(n[a + 1:]) for a in range(nd)]
    total = np.zeros([*o, *k], dtype=np.int64)
    valid = np.ones([*o, *k], dtype=bool)
    for a in range(nd):
        idx = np.arange(o[a])[:, None] * s[a] + np.arange(k[a])[None, :] * d[a] - pb[a]
        shape = [1] * (2 * nd)
        shape[a] = o[a]
        shape[nd + a] = k[a]
        idx = idx.reshape(shape)
        valid = valid & (idx >= 0) & (idx < n[a])
        total = total + idx * lin_stride[a]
    return np.where(valid, total + 1, 0).reshape([*o, prod(k)])


def measure_conv_pads(arr: np.ndarray, n: list[int], k: list[int], s: list[int],
                      d: list[int]) -> Pads | None:
    """Read the pads a conv used from its output (*o, C) on ramp input / one-hot tap channels.

    Any nonzero output value identifies the input element read by (output position, tap), which
    gives pad_before on every axis; pad_after is then arithmetic. Returns None when no window tap
    reads the input (or the output is empty).
    """
    o = list(arr.shape[:-1])
    if 0 in o:
        return None
    nz = np.argwhere(arr != 0)
    if len(nz) == 0:
        STATS["pads_unmeasurable"] += 1
        return None
    pos = nz[:, :-1]
    taps = np.stack(np.unravel_index(nz[:, -1], k), axis=1)
    lin = np.rint(arr[tuple(nz.T)]).astype(np.int64) - 1
    coords = np.stack(np.unravel_index(lin, n), axis=1)
    pbs = pos * np.array(s) + taps * np.array(d) - coords
    pb = [int(v) for v in pbs[0]]
    if not (pbs == pbs[0]).all() or not np.array_equal(conv_model(n, k, s, d, pb, o), arr):
        STATS["pads_inconsistent"] += 1
        print(f"  ! conv output is not a zero-padded correlation: n={n} k={k} s={s} d={d}",
              file=sys.stderr)
        return None
    return [[pb[a], (o[a] - 1) * s[a] + keff(k[a], d[a]) - n[a] - pb[a]] for a in range(len(n))]


def measure_maxpool_pads(hi: np.ndarray, lo: np.ndarray, n: list[int], k: list[int],
                         s: list[int]) -> Pads | None:
    """Pads used by a max pool, from max-pool(ramp) (``hi``) and -max-pool(-ramp) (``lo``).

    The max of a box of the C-order ramp sits at its max corner, the min at its min corner. A window
    whose far end (near end) is not clipped by the input gives pad_before directly.
    """
    o = list(hi.shape)
    if 0 in o or not (np.isfinite(hi).all() and (hi >= 1).all() and (lo >= 1).all()):
        return None
    hc = np.unravel_index(np.rint(hi).astype(np.int64) - 1, n)
    lc = np.unravel_index(np.rint(lo).astype(np.int64) - 1, n)
    grid = np.indices(o)
    pb: list[int] = []
    for a in range(len(n)):
        start = grid[a] * s[a]
        cand = np.concatenate([(start + k[a] - 1 - hc[a])[hc[a] < n[a] - 1],
                               (start - lc[a])[lc[a] > 0]])
        if len(cand) == 0:
            STATS["pads_unmeasurable"] += 1
            return None
        if not (cand == cand[0]).all():
            STATS["pads_inconsistent"] += 1
            return None
        pb.append(int(cand[0]))
    for a in range(len(n)):
        start = grid[a] * s[a] - pb[a]
        if not (np.array_equal(hc[a], np.minimum(start + k[a] - 1, n[a] - 1))
                and np.array_equal(lc[a], np.maximum(start, 0))):
            STATS["pads_inconsistent"] += 1
            print(f"  ! max pool does not match pads {pb}: n={n} k={k} s={s}", file=sys.stderr)
            return None
    return [[pb[a], (o[a] - 1) * s[a] + k[a] - n[a] - pb[a]] for a in range(len(n))]


def probe_accepted(accepts: Callable[[list[int]], bool], expected: list[tuple[int, int]],
                   step: list[int], floor: int) -> list[list[int]]:
    """Sizes accepted per axis, probing one axis at a time (others held at an accepted value).

    Candidates cover ``expected`` widened by ``step + 2`` on each side; the scan keeps going past
    either end of the window while values are still accepted.
    """
    nd = len(expected)
    base = [lo for lo, _ in expected]
    sets: list[list[int]] = []
    for _attempt in range(2):
        sets = []
        for a in range(nd):
            lo, hi = expected[a]
            margin = step[a] + 2
            start, stop = max(floor, lo - margin), max(floor, hi + margin)

            def ok(v: int, a: int = a) -> bool:
                return accepts([*base[:a], v, *base[a + 1:]])

            acc = {v for v in range(start, stop + 1) if ok(v)}
            v = stop + 1
            while stop in acc and v < stop + 200 and ok(v):
                acc.add(v)
                v += 1
            v = start - 1
            while start in acc and v >= floor and ok(v):
                acc.add(v)
                v -= 1
            sets.append(sorted(acc))
        if all(sets) and any(base[a] not in sets[a] for a in range(nd)):
            base = [st[0] for st in sets]  # retry with a base that is known to be accepted
            continue
        break
    return sets


def attach_ranges(res: Case, sets: list[list[int]], key: str) -> bool:
    """Store accepted sets as [lo, hi] ranges (or as sets if one is not contiguous)."""
    if not sets or not all(sets):
        return False
    if all(st == list(range(st[0], st[-1] + 1)) for st in sets):
        res[key] = [[st[0], st[-1]] for st in sets]
    else:
        STATS["non_contiguous_accepted"] += 1
        res[key + "_set"] = sets
    return True


# --------------------------------------------------------------------------- torch runners


def t64(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64))


def run_torch_conv(c: Case) -> Case:
    n, k, s, d, pad = c["input"], c["kernel"], c["stride"], c["dilation"], c["padding"]
    nd = len(n)
    parg: str | tuple[int, ...] = pad if isinstance(pad, str) else tuple(p[0] for p in pad)
    x = t64(ramp(n)).reshape(1, 1, *n)
    w = t64(onehot_taps(k)).unsqueeze(1)
    fn = getattr(F, f"conv{nd}d")
    try:
        out = fn(x, w, stride=tuple(s), padding=parg, dilation=tuple(d))
    except Exception as e:
        return {"error": err_text(e)}
    arr = np.moveaxis(out[0].numpy(), 0, -1)
    res: Case = {"output": list(arr.shape[:-1])}
    if isinstance(pad, str):
        pads = measure_conv_pads(arr, n, k, s, d)
        if pads is not None:
            res["pads"] = pads
    return res


def run_torch_pool(c: Case) -> Case:
    n, k, s, d, pad = c["input"], c["kernel"], c["stride"], c["dilation"], c["padding"]
    nd = len(n)
    x = torch.ones(1, 1, *n, dtype=torch.float64)
    p = tuple(pp[0] for pp in pad)
    try:
        if c["pool"] == "max":
            out = getattr(F, f"max_pool{nd}d")(x, tuple(k), tuple(s), p, tuple(d),
                                                ceil_mode=c["ceil_mode"])
        else:
            out = getattr(F, f"avg_pool{nd}d")(x, tuple(k), tuple(s), p,
                                                ceil_mode=c["ceil_mode"])
    except Exception as e:
        return {"error": err_text(e)}
    return {"output": list(out.shape[2:])}


def run_torch_deconv(c: Case) -> Case:
    n, k, s, d, pad = c["input"], c["kernel"], c["stride"], c["dilation"], c["padding"]
    nd = len(n)
    p = tuple(pp[0] for pp in pad)
    x = torch.ones(1, 1, *n, dtype=torch.float64)
    w = torch.ones(1, 1, *k, dtype=torch.float64)
    res: Case = {}
    try:
        out = getattr(F, f"conv_transpose{nd}d")(x, w, stride=tuple(s), padding=p,
                                                 output_padding=tuple(c["output_padding"]),
                                                 dilation=tuple(d))
        res["output"] = list(out.shape[2:])
    except Exception as e:
        res["error"] = err_text(e)
    cls = getattr(torch.nn, f"ConvTranspose{nd}d")
    mod = cls(1, 1, tuple(k), stride=tuple(s), padding=p, dilation=tuple(d), bias=False,
              dtype=torch.float64)

    def accepts(size: list[int]) -> bool:
        try:
            mod(x, output_size=size)
        except Exception:
            return False
        return True

    mins = [(n[a] - 1) * s[a] - 2 * p[a] + keff(k[a], d[a]) for a in range(nd)]
    with torch.no_grad():
        sets = probe_accepted(accepts, [(m, m + s[a] - 1) for a, m in enumerate(mins)], s, 0)
    attach_ranges(res, sets, "accepted_output_size")
    return res


# --------------------------------------------------------------------------- TF runners

TF_DTYPES: dict[str, str] = {}


def tf_dtype(fn_name: str, trial: Callable[[tf.DType], Any]) -> tf.DType:
    """float64 when the op has a float64 CPU kernel, else float32 (checked once per function)."""
    if fn_name not in TF_DTYPES:
        try:
            trial(tf.float64)
            TF_DTYPES[fn_name] = "float64"
        except Exception:
            TF_DTYPES[fn_name] = "float32"
    return tf.float64 if TF_DTYPES[fn_name] == "float64" else tf.float32


def tf_pad_arg(pad: str | Pads) -> str | list[list[int]]:
    if isinstance(pad, str):
        return pad.upper()
    return [[0, 0], *pad, [0, 0]]


def tf_conv_call(fn: str, x: tf.Tensor, f: tf.Tensor, s: list[int], d: list[int],
                 pad: str | list[list[int]]) -> tf.Tensor:
    if fn == "tf.nn.conv1d":
        return tf.nn.conv1d(x, f, stride=s[0], padding=pad, dilations=d[0])
    if fn == "tf.nn.conv2d":
        return tf.nn.conv2d(x, f, strides=s, padding=pad, dilations=d)
    if fn == "tf.nn.conv3d":
        return tf.nn.conv3d(x, f, strides=[1, *s, 1], padding=pad, dilations=[1, *d, 1])
    if fn == "tf.nn.convolution":
        return tf.nn.convolution(x, f, strides=s, padding=pad, dilations=d)
    raise ValueError(fn)


def run_tf_conv(c: Case) -> Case:
    n, k, s, d, pad, fn = (c["input"], c["kernel"], c["stride"], c["dilation"], c["padding"],
                           c["fn"])
    nd = len(n)

    def trial(dt: tf.DType) -> Any:
        one = [1] * nd
        return tf_conv_call(fn, tf.ones([1, *one, 1], dt), tf.ones([*one, 1, 1], dt), one, one,
                            "VALID")

    dt = tf_dtype(fn, trial)
    x = tf.constant(ramp(n).reshape([1, *n, 1]), dtype=dt)
    f = tf.constant(np.moveaxis(onehot_taps(k), 0, -1)[..., None, :], dtype=dt)
    try:
        out = tf_conv_call(fn, x, f, s, d, tf_pad_arg(pad)).numpy()
    except Exception as e:
        return {"error": err_text(e)}
    arr = out[0]
    res: Case = {"output": list(arr.shape[:-1])}
    if isinstance(pad, str):
        pads = measure_conv_pads(arr.astype(np.float64), n, k, s, d)
        if pads is not None:
            res["pads"] = pads
    return res


def tf_pool_call(fn: str, x: tf.Tensor, k: list[int], s: list[int], d: list[int],
                 pad: str | list[list[int]], pool: str) -> tf.Tensor:
    if fn == "tf.nn.pool":
        return tf.nn.pool(x, k, pool.upper(), strides=s, padding=pad, dilations=d)
    return getattr(tf.nn, fn.rsplit(".", 1)[1])(x, ksize=k, strides=s, padding=pad)


def run_tf_pool(c: Case) -> Case:
    n, k, s, d, pad, fn = (c["input"], c["kernel"], c["stride"], c["dilation"], c["padding"],
                           c["fn"])
    nd = len(n)

    def trial(dt: tf.DType) -> Any:
        one = [1] * nd
        return tf_pool_call(fn, tf.ones([1, *one, 1], dt), one, one, one, "VALID", c["pool"])

    dt = tf_dtype(f"{fn}/{nd}d/{c['pool']}", trial)
    x = ramp(n).reshape([1, *n, 1])
    try:
        hi = tf_pool_call(fn, tf.constant(x, dtype=dt), k, s, d, tf_pad_arg(pad), c["pool"])
    except Exception as e:
        return {"error": err_text(e)}
    hi_np = hi.numpy()[0, ..., 0].astype(np.float64)
    res: Case = {"output": list(hi_np.shape)}
    if c["pool"] == "max" and isinstance(pad, str) and d == [1] * nd:
        lo = -tf_pool_call(fn, tf.constant(-x, dtype=dt), k, s, d, tf_pad_arg(pad), "max")
        pads = measure_maxpool_pads(hi_np, lo.numpy()[0, ..., 0].astype(np.float64), n, k, s)
        if pads is not None:
            res["pads"] = pads
    return res


def run_tf_deconv(c: Case) -> Case:
    n, k, s, d, pad, fn = (c["input"], c["kernel"], c["stride"], c["dilation"], c["padding"],
                           c["fn"])
    nd = len(n)
    func = getattr(tf.nn, fn.rsplit(".", 1)[1])

    def call(dt: tf.DType, xs: list[int], ks: list[int], size: list[int], ss: list[int],
             ds: list[int], p: str | list[list[int]]) -> Any:
        x = tf.ones([1, *xs, 1], dt)
        f = tf.ones([*ks, 1, 1], dt)
        return func(x, f, output_shape=[1, *size, 1], strides=ss, padding=p, dilations=ds)

    one = [1] * nd
    dt = tf_dtype(fn, lambda t: call(t, one, one, one, one, one, "VALID"))
    parg = tf_pad_arg(pad)

    def accepts(size: list[int]) -> bool:
        try:
            call(dt, n, k, size, s, d, parg)
        except Exception:
            return False
        return True

    expected: list[tuple[int, int]] = []
    for a in range(nd):
        ke = keff(k[a], d[a])
        if pad == "same":
            expected.append(((n[a] - 1) * s[a] + 1, n[a] * s[a]))
        else:
            tot = 0 if pad == "valid" else pad[a][0] + pad[a][1]
            lo = (n[a] - 1) * s[a] + ke - tot
            expected.append((lo, lo + s[a] - 1))
    res: Case = {}
    if attach_ranges(res, probe_accepted(accepts, expected, s, 1), "accepted_output"):
        return res
    try:
        call(dt, n, k, [max(1, lo) for lo, _ in expected], s, d, parg)
        res["error"] = "no output_shape accepted"
    except Exception as e:
        res["error"] = err_text(e)
    return res


RUNNERS: dict[tuple[str, str], Callable[[Case], Case]] = {
    ("torch", "conv"): run_torch_conv,
    ("torch", "pool"): run_torch_pool,
    ("torch", "deconv"): run_torch_deconv,
    ("tf", "conv"): run_tf_conv,
    ("tf", "pool"): run_tf_pool,
    ("tf", "deconv"): run_tf_deconv,
}


# --------------------------------------------------------------------------- case specs


def spec(op: str, framework: str, fn: str, n: list[int], k: list[int], s: list[int],
         d: list[int], padding: str | Pads, **extra: Any) -> Case:
    c: Case = {"op": op, "framework": framework, "fn": fn, "input": list(n), "kernel": list(k),
               "stride": list(s), "dilation": list(d), "padding": padding}
    c.update(extra)
    return c


def sym(p: list[int]) -> Pads:
    return [[v, v] for v in p]


class Sampler:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def axes(self, nd: int, lo: int, hi: int, same_p: float = 0.4) -> list[int]:
        """Per-axis ints in [lo, hi]; with probability ``same_p`` all axes share one value."""
        if nd > 1 and self.rng.random() < same_p:
            return [self.rng.randint(lo, hi)] * nd
        return [self.rng.randint(lo, hi) for _ in range(nd)]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def choice(self, xs: list[Any]) -> Any:
        return self.rng.choice(xs)


def torch_conv_specs(r: Sampler) -> Iterator[Case]:
    def fn(nd: int) -> str:
        return f"torch.nn.functional.conv{nd}d"

    # worked examples (conventions §2.8 #4-#6, §9.5)
    yield spec("conv", "torch", fn(1), [6], [3], [2], [1], sym([1]))
    for n, k, d in [(10, 4, 1), (10, 4, 3), (7, 3, 2), (3, 6, 1), (1, 2, 3)]:
        yield spec("conv", "torch", fn(1), [n], [k], [1], [d], "same")
    yield spec("conv", "torch", fn(2), [1, 19], [2, 2], [1, 1], [3, 1], "same")
    # 'same' grid (stride 1): even/odd kernels, dilation, kernel larger than input
    for k in range(1, 7):
        for d in range(1, 4):
            for n in (1, 2, 3, 5, 8, 13, 20):
                yield spec("conv", "torch", fn(1), [n], [k], [1], [d], "same")
    for nd, count, nmax, kmax in [(1, 300, 20, 6), (2, 210, 20, 6), (3, 110, 9, 5)]:
        for _ in range(count):
            k = r.axes(nd, 1, kmax)
            d = r.axes(nd, 1, 3)
            nmin = max(keff(a, b) for a, b in zip(k, d, strict=True)) if r.chance(0.6) else 1
            n = r.axes(nd, min(nmin, nmax), nmax)
            yield spec("conv", "torch", fn(nd), n, k, r.axes(nd, 1, 4), d, sym(r.axes(nd, 0, 3)))
    for nd, count, nmax in [(2, 50, 20), (3, 35, 9)]:
        for _ in range(count):
            yield spec("conv", "torch", fn(nd), r.axes(nd, 1, nmax), r.axes(nd, 1, 6), [1] * nd,
                       r.axes(nd, 1, 3), "same")
    for nd, count, nmax in [(1, 40, 20), (2, 25, 20), (3, 15, 9)]:
        for _ in range(count):
            yield spec("conv", "torch", fn(nd), r.axes(nd, 1, nmax), r.axes(nd, 1, 6),
                       r.axes(nd, 1, 4), r.axes(nd, 1, 3), "valid")
    for nd in (1, 2, 3):  # strided 'same' is rejected
        for _ in range(2):
            yield spec("conv", "torch", fn(nd), r.axes(nd, 4, 9), r.axes(nd, 1, 4),
                       r.axes(nd, 2, 3), [1] * nd, "same")


def tf_conv_specs(r: Sampler) -> Iterator[Case]:
    c1, c2, c3, cv = "tf.nn.conv1d", "tf.nn.conv2d", "tf.nn.conv3d", "tf.nn.convolution"
    # worked examples (§2.2, §2.8 #1-#6, §9.1, §9.3, §9.7)
    for n, k, s, d, p in [(13, 6, 5, 1, "valid"), (13, 6, 5, 1, "same"), (12, 3, 3, 1, "same"),
                          (12, 3, 3, 1, "valid"), (224, 7, 2, 1, "same"), (225, 7, 2, 1, "same"),
                          (6, 3, 2, 1, "same"), (10, 4, 1, 1, "same"), (7, 3, 1, 2, "same"),
                          (3, 4, 1, 1, "valid"), (3, 7, 3, 1, "valid"), (3, 5, 1, 1, "valid"),
                          (9, 2, 5, 1, "same")]:
        yield spec("conv", "tf", c1, [n], [k], [s], [d], p)
    for n in (224, 225):
        yield spec("conv", "tf", c2, [n, n], [7, 7], [2, 2], [1, 1], "same")
    yield spec("conv", "tf", c2, [9, 9], [2, 2], [5, 5], [1, 1], "same")
    yield spec("conv", "tf", c3, [9, 9, 9], [2, 2, 2], [5, 5, 5], [1, 1, 1], "same")
    yield spec("conv", "tf", cv, [1, 19], [2, 2], [1, 1], [3, 1], "same")
    yield spec("conv", "tf", c2, [6, 6], [3, 3], [2, 2], [1, 1], [[0, 1], [1, 0]])

    def pad() -> str:
        return str(r.choice(["valid", "same"]))

    for _ in range(180):
        yield spec("conv", "tf", c1, r.axes(1, 1, 20), r.axes(1, 1, 6), r.axes(1, 1, 4),
                   r.axes(1, 1, 3), pad())
    for nd, count, nmax in [(1, 60, 20), (2, 80, 20), (3, 40, 9)]:
        for _ in range(count):
            s, d = r.axes(nd, 1, 4), r.axes(nd, 1, 3)
            if max(s) > 1 and max(d) > 1 and not r.chance(0.1):
                s, d = (s, [1] * nd) if r.chance(0.5) else ([1] * nd, d)
            yield spec("conv", "tf", cv, r.axes(nd, 1, nmax), r.axes(nd, 1, 6), s, d, pad())
    for _ in range(120):
        yield spec("conv", "tf", c2, r.axes(2, 1, 20), r.axes(2, 1, 6), r.axes(2, 1, 4),
                   r.axes(2, 1, 3), pad())
    for _ in range(100):  # explicit (possibly asymmetric) pads
        pads = [[r.rng.randint(0, 3), r.rng.randint(0, 3)] for _ in range(2)]
        yield spec("conv", "tf", c2, r.axes(2, 1, 20), r.axes(2, 1, 6), r.axes(2, 1, 4),
                   r.axes(2, 1, 3), pads)
    for _ in range(100):
        d = r.axes(3, 1, 2) if r.chance(0.08) else [1, 1, 1]
        yield spec("conv", "tf", c3, r.axes(3, 1, 9), r.axes(3, 1, 5), r.axes(3, 1, 4), d, pad())
    # API limits: explicit pad lists outside conv2d
    yield spec("conv", "tf", c1, [8], [3], [1], [1], [[1, 0]])
    yield spec("conv", "tf", c3, [5, 5, 5], [3, 3, 3], [1, 1, 1], [1, 1, 1], sym([1, 1, 1]))
    yield spec("conv", "tf", cv, [8, 8], [3, 3], [1, 1], [1, 1], sym([1, 1]))


def torch_pool_specs(r: Sampler) -> Iterator[Case]:
    def fn(kind: str, nd: int) -> str:
        return f"torch.nn.functional.{kind}_pool{nd}d"

    # worked examples (§2.8 #7, #8; §9.12; §2.1 doc counter-example)
    for n, k, s, p in [(5, 2, 2, 1), (10, 1, 2, 0), (4, 2, 3, 1), (2, 2, 3, 1)]:
        for kind in ("max", "avg"):
            yield spec("pool", "torch", fn(kind, 1), [n], [k], [s], [1], sym([p]),
                       ceil_mode=True, pool=kind)
    for kind, nd, count, nmax, kmax in [("max", 1, 200, 20, 6), ("avg", 1, 150, 20, 6),
                                        ("max", 2, 110, 20, 6), ("avg", 2, 90, 20, 6),
                                        ("max", 3, 60, 9, 4), ("avg", 3, 50, 9, 4)]:
        for _ in range(count):
            k = r.axes(nd, 1, kmax)
            s = list(k) if r.chance(0.25) else r.axes(nd, 1, 4)
            if r.chance(0.05):
                p = [kk // 2 + 1 for kk in k]  # too much padding: rejected
            else:
                p = [r.rng.randint(0, kk // 2) for kk in k]
            d = r.axes(nd, 1, 3) if kind == "max" and r.chance(0.5) else [1] * nd
            yield spec("pool", "torch", fn(kind, nd), r.axes(nd, 1, nmax), k, s, d, sym(p),
                       ceil_mode=r.chance(0.5), pool=kind)


def tf_pool_specs(r: Sampler) -> Iterator[Case]:
    # worked examples (§2.8 #1, §9.3)
    for kind in ("max", "avg"):
        for p in ("valid", "same"):
            yield spec("pool", "tf", f"tf.nn.{kind}_pool1d", [13], [6], [5], [1], p, pool=kind)
        for nd in (2, 3):
            yield spec("pool", "tf", f"tf.nn.{kind}_pool{nd}d", [9] * nd, [2] * nd, [5] * nd,
                       [1] * nd, "same", pool=kind)
    for kind in ("max", "avg"):
        for nd, count, nmax in [(1, 110, 20), (2, 70, 20), (3, 40, 9)]:
            for _ in range(count):
                yield spec("pool", "tf", f"tf.nn.{kind}_pool{nd}d", r.axes(nd, 1, nmax),
                           r.axes(nd, 1, 5), r.axes(nd, 1, 4), [1] * nd,
                           r.choice(["valid", "same"]), pool=kind)
    for nd, count in [(1, 20), (2, 40)]:  # explicit pads: only max_pool1d / max_pool2d
        for _ in range(count):
            pads = [[r.rng.randint(0, 3), r.rng.randint(0, 3)] for _ in range(nd)]
            yield spec("pool", "tf", f"tf.nn.max_pool{nd}d", r.axes(nd, 1, 20), r.axes(nd, 1, 5),
                       r.axes(nd, 1, 4), [1] * nd, pads, pool="max")
    yield spec("pool", "tf", "tf.nn.avg_pool2d", [8, 8], [3, 3], [1, 1], [1, 1], sym([1, 1]),
               pool="avg")
    yield spec("pool", "tf", "tf.nn.max_pool3d", [5, 5, 5], [3, 3, 3], [1, 1, 1], [1, 1, 1],
               sym([1, 1, 1]), pool="max")
    # tf.nn.pool with dilation: VALID works, SAME (and stride>1) is rejected
    for _ in range(12):
        nd = r.choice([1, 2])
        kind = r.choice(["max", "avg"])
        yield spec("pool", "tf", "tf.nn.pool", r.axes(nd, 3, 20), r.axes(nd, 1, 4), [1] * nd,
                   r.axes(nd, 2, 3), "valid", pool=kind)
    for nd, s, p in [(1, 1, "same"), (2, 1, "same"), (1, 2, "valid")]:
        yield spec("pool", "tf", "tf.nn.pool", [10] * nd, [3] * nd, [s] * nd, [2] * nd, p,
                   pool="max")


def torch_deconv_specs(r: Sampler) -> Iterator[Case]:
    def fn(nd: int) -> str:
        return f"torch.nn.functional.conv_transpose{nd}d"

    # worked example §2.8 #9, and §2.3 (s=1, d=2, op=1)
    for op in (0, 1):
        yield spec("deconv", "torch", fn(2), [6, 6], [3, 3], [2, 2], [1, 1], sym([1, 1]),
                   output_padding=[op, op])
    yield spec("deconv", "torch", fn(1), [5], [3], [1], [2], sym([0]), output_padding=[1])
    for nd, count, nmax in [(1, 230, 10), (2, 140, 10), (3, 70, 6)]:
        for _ in range(count):
            k, s, d = r.axes(nd, 1, 5), r.axes(nd, 1, 4), r.axes(nd, 1, 3)
            if r.chance(0.05):
                op = [max(a, b) + r.rng.randint(0, 1) for a, b in zip(s, d, strict=True)]
            else:
                op = [r.rng.randint(0, max(a, b) - 1) for a, b in zip(s, d, strict=True)]
            yield spec("deconv", "torch", fn(nd), r.axes(nd, 1, nmax), k, s, d,
                       sym(r.axes(nd, 0, 3)), output_padding=op)


def tf_deconv_specs(r: Sampler) -> Iterator[Case]:
    def fn(nd: int) -> str:
        return f"tf.nn.conv{nd}d_transpose"

    # worked examples §2.8 #10, §9.10/§9.11
    for p in ("same", "valid"):
        yield spec("deconv", "tf", fn(2), [4, 4], [3, 3], [2, 2], [1, 1], p, output_padding=None)
        yield spec("deconv", "tf", fn(1), [13], [6], [5], [1], p, output_padding=None)
    for nd, count, nmax in [(1, 160, 10), (2, 100, 10), (3, 50, 5)]:
        for _ in range(count):
            yield spec("deconv", "tf", fn(nd), r.axes(nd, 1, nmax), r.axes(nd, 1, 6),
                       r.axes(nd, 1, 5), [1] * nd, r.choice(["same", "valid"]),
                       output_padding=None)
    for _ in range(30):  # conv2d_transpose also takes explicit pads
        pads = [[r.rng.randint(0, 2), r.rng.randint(0, 2)] for _ in range(2)]
        yield spec("deconv", "tf", fn(2), r.axes(2, 1, 10), r.axes(2, 1, 6), r.axes(2, 1, 4),
                   [1, 1], pads, output_padding=None)
    for nd in (1, 2, 3):  # dilation > 1 is rejected on CPU
        yield spec("deconv", "tf", fn(nd), [4] * nd, [3] * nd, [1] * nd, [2] * nd, "same",
                   output_padding=None)
        yield spec("deconv", "tf", fn(nd), [4] * nd, [2] * nd, [1] * nd, [2] * nd, "valid",
                   output_padding=None)


# --------------------------------------------------------------------------- main


def all_specs() -> Iterator[Case]:
    r = Sampler(SEED)
    for gen in (torch_conv_specs, tf_conv_specs, torch_pool_specs, tf_pool_specs,
                torch_deconv_specs, tf_deconv_specs):
        yield from gen(r)


def generate() -> list[Case]:
    cases: list[Case] = []
    seen: set[str] = set()
    for sp in all_specs():
        key = json.dumps(sp, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        cases.append({**sp, **RUNNERS[(sp["framework"], sp["op"])](sp)})
    return cases


def write(cases: list[Case], out: Path) -> None:
    counts = Counter(f"{c['op']}/{c['framework']}" for c in cases)
    meta = {
        "generator": "tools/gen_shape_fixtures.py",
        "seed": SEED,
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "torch": torch.__version__, "tensorflow": tf.__version__},
        "platform": f"{platform.system()}-{platform.machine()} CPU",
        "env": {"TF_ENABLE_ONEDNN_OPTS": "0"},
        "tf_dtypes": dict(sorted(TF_DTYPES.items())),
        "torch_dtype": "float64",
        "counts": dict(sorted(counts.items())),
        "notes": [
            "batch 1, 1 input channel; conv cases use one output channel per kernel tap",
            "pads: measured from output values; pad_after = (out-1)*s + d*(k-1)+1 - in - pad_before",
            "error: '<ExceptionType>: <first line of message>' truncated to 160 chars",
        ],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    sep = (",", ":")
    lines = [json.dumps(c, separators=sep) for c in cases]
    text = ('{"meta":' + json.dumps(meta, separators=sep) + ',"cases":[\n'
            + ",\n".join(lines) + "\n]}\n")
    out.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    t0 = time.perf_counter()
    cases = generate()
    write(cases, args.out)
    counts = Counter((c["op"], c["framework"]) for c in cases)
    for (op, fw), num in sorted(counts.items()):
        print(f"{op:7s} {fw:6s} {num}")
    print(f"{len(cases)} cases -> {args.out} ({args.out.stat().st_size / 1024:.0f} KiB) in "
          f"{time.perf_counter() - t0:.0f}s; stats: {dict(STATS)}")


if __name__ == "__main__":
    main()
