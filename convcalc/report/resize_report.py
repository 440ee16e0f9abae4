"""What ``convcalc shape resize`` prints: a plain-text table, a JSON object, the steps.

Per axis: sizes, the scale, the coordinate rule with its numbers, and per output index the
source coordinate, taps and weights (the first :data:`LISTED` and the last
:data:`LISTED_TAIL` indices of a long axis, so the work stays bounded).

>>> from convcalc.shape.resize import resize_plan
>>> plan = resize_plan((2,), scale=(2.0,), mode="linear")
>>> resize_dict(plan)["axes"][0]["samples"][1]
{'index': 1, 'coord': 0.25, 'taps': [0, 1], 'weights': [0.75, 0.25]}
"""

from __future__ import annotations

from typing import Any

from convcalc.shape.resize import ResizeAxis, ResizePlan
from convcalc.shape.resize_kernels import show
from convcalc.shape.resize_rules import onnx_coord, tf_ratio, torch_ratio

__all__ = ["LISTED", "LISTED_TAIL", "explain_resize", "resize_dict", "resize_text"]

LISTED = 16
LISTED_TAIL = 2
TAP_BUDGET = 2**17
SHOWN_TAPS = 12


def _indices(axis: ResizeAxis) -> list[int]:
    """The output indices listed: all of a short axis, else the first and the last few
    (fewer for wide filters, at most ``TAP_BUDGET`` taps in all)."""
    m = axis.output
    head = max(1, min(LISTED, TAP_BUDGET // axis.max_taps()))
    tail = min(LISTED_TAIL, max(1, head // 2))
    if m <= head + tail:
        return list(range(m))
    return [*range(head), *range(m - tail, m)]


def _pairs_text(pairs: list[tuple[int, float]], rnd: Any) -> str:
    """``tap·weight`` pairs; a wide filter's as the first six, …, the last two."""
    shown = pairs if len(pairs) <= SHOWN_TAPS else [*pairs[:6], *pairs[-2:]]
    text = [f"{t}·{show(w, rnd)}" for t, w in shown]
    if len(pairs) > SHOWN_TAPS:
        text.insert(6, f"… ({len(pairs)} taps)")
    return "  ".join(text)


def resize_dict(plan: ResizePlan) -> dict[str, Any]:
    """The plan as JSON-ready data."""
    s = plan.settings
    axes = []
    for axis in plan.axes:
        samples = []
        for i in _indices(axis):
            sample = axis.sample(i)
            samples.append(
                {"index": i, "coord": sample.coord, "taps": list(sample.taps),
                 "weights": list(sample.weights)}
            )  # fmt: skip
        axes.append(
            {"input": axis.input, "output": axis.output, "scale": axis.scale,
             "formula": formula(axis), "samples": samples,
             "omitted": axis.output - len(samples)}
        )  # fmt: skip
    return {
        "op": "resize",
        "convention": s.convention,
        "library": plan.library,
        "mode": s.mode,
        "coordinate": s.coordinate,
        "nearest_mode": s.nearest,
        "cubic_a": s.cubic_a,
        "exclude_outside": s.exclude_outside,
        "align_corners": s.align_corners,
        "half_pixel_centers": s.half_pixel_centers,
        "precision": s.precision,
        "input": [a.input for a in plan.axes],
        "output": list(plan.output),
        "axes": axes,
    }


def formula(axis: ResizeAxis) -> str:
    """The source-coordinate rule of *axis* with its numbers (float32 where the library
    computes in float32).

    >>> from convcalc.shape.resize import resize_plan
    >>> formula(resize_plan((4, 4), size=(8, 8), mode="linear", convention="tf").axes[0])
    'x_src = (x + 0.5)·0.5 − 0.5   (scale = in/out = 4/8)'
    """
    s, r = axis.settings, axis.rnd
    n, m = axis.input, axis.output
    if s.coordinate == "repeat":
        return f"x_src = ⌊x / {show(axis.scale or 1)}⌋   (every input repeated)"
    if s.mode == "area":
        return f"output x averages input span [x·{n}/{m}, (x + 1)·{n}/{m})"
    if s.convention == "onnx":
        k = show(axis.onnx_scale, r)
        return {
            "half_pixel": f"x_src = (x + 0.5)/{k} − 0.5",
            "pytorch_half_pixel": f"x_src = (x + 0.5)/{k} − 0.5  (0 when out = 1)",
            "align_corners": f"x_src = x·({n} − 1)/({m} − 1)",
            "asymmetric": f"x_src = x/{k}",
            "half_pixel_symmetric": f"x_src = {n}/2·(1 − {m}/({k}·{n})) + (x + 0.5)/{k} − 0.5",
        }[s.coordinate] + f"   (scale = {k})"
    if s.convention == "torch":
        ratio = show(torch_ratio(axis), r)
        given = "1/scale" if axis.scale and not s.recompute_scale_factor else "in/out"
        if s.mode == "nearest":
            return f"x_src = ⌊x·{ratio}⌋   (legacy nearest, {given})"
        if s.mode == "nearest-exact":
            return f"x_src = ⌊(x + 0.5)·{ratio}⌋   ({given})"
        if s.align_corners:
            return f"x_src = x·{ratio}   (align_corners: (in − 1)/(out − 1))"
        clamp = ", clamped at 0" if s.mode == "linear" else ""
        return f"x_src = (x + 0.5)·{ratio} − 0.5   ({given}{clamp})"
    ratio = show(tf_ratio(axis), r)
    frac = f"({n} − 1)/({m} − 1)" if s.align_corners and m > 1 else f"in/out = {n}/{m}"
    if s.coordinate == "half_pixel":
        if s.mode == "nearest":
            return f"x_src = ⌊(x + 0.5)·{ratio}⌋   (scale = {frac})"
        return f"x_src = (x + 0.5)·{ratio} − 0.5   (scale = {frac})"
    rounding = "round" if s.align_corners else "⌊⌋"
    if s.mode == "nearest":
        return f"x_src = {rounding}(x·{ratio})   (scale = {frac})"
    return f"x_src = x·{ratio}   (scale = {frac})"


def _settings_line(plan: ResizePlan) -> str:
    s = plan.settings
    parts = [plan.library, f"mode {s.mode}", f"coordinates {s.coordinate}"]
    if s.nearest:
        parts.append(f"nearest_mode {s.nearest}")
    if s.cubic_a is not None:
        parts.append(f"a = {show(s.cubic_a)}")
    if s.antialias:
        parts.append("antialiased (kernel widened by in/out on downscale)")
    elif s.cubic_a is not None:
        parts.append("outside taps excluded" if s.exclude_outside else "edge taps repeated")
    return "  ".join(parts)


def resize_text(plan: ResizePlan) -> str:
    """The plain-text report.

    >>> from convcalc.shape.resize import resize_plan
    >>> print(resize_text(resize_plan((2,), scale=(2.0,), mode="linear")).splitlines()[2])
    axis 0: 2 → 4   scale 2   x_src = (x + 0.5)·0.5 − 0.5   (1/scale, clamped at 0)
    """
    out = ["×".join(map(str, (a.input for a in plan.axes))) + " → "
           + "×".join(map(str, plan.output)), _settings_line(plan)]  # fmt: skip
    for k, axis in enumerate(plan.axes):
        scale = f"scale {show(axis.scale)}" if axis.scale is not None else "size given"
        out.append(f"axis {k}: {axis.input} → {axis.output}   {scale}   {formula(axis)}")
        out.append(f"  {'out':>6}  {'x_src':>12}  taps·weights")
        listed = _indices(axis)
        for j, i in enumerate(listed):
            if j and listed[j - 1] != i - 1:
                out.append(f"  {'…':>6}")
            sample = axis.sample(i)
            coord = "span" if sample.coord is None else show(sample.coord, axis.rnd)
            out.append(f"  {i:>6}  {coord:>12}  {_pairs_text(sample.pairs(), axis.rnd)}")
    return "\n".join(out)


def explain_resize(plan: ResizePlan) -> list[str]:
    """The arithmetic step by step: output size, then the first and last output of each axis.

    >>> from convcalc.shape.resize import resize_plan
    >>> explain_resize(resize_plan((5,), scale=(2.0,), mode="nearest"))[0]
    'axis 0: output = ⌊5·2⌋ = 10 (PyTorch: ⌊in·scale⌋ in float64)'
    """
    lines = []
    for k, axis in enumerate(plan.axes):
        lines.append(f"axis {k}: " + _size_step(plan, axis))
        for i in sorted({0, axis.output - 1}):
            sample = axis.sample(i)
            where = "" if sample.coord is None else f"x_src = {show(sample.coord, axis.rnd)}, "
            pairs = sample.pairs()
            taps = " + ".join(f"{show(w, axis.rnd)}·in[{t}]" for t, w in pairs[:SHOWN_TAPS])
            if len(pairs) > SHOWN_TAPS:
                taps += f" + … ({len(pairs)} taps)"
            lines.append(f"  out[{i}]: {where}out[{i}] = {taps}")
    if plan.settings.convention == "onnx" and plan.settings.mode == "linear":
        lines.append(f"  (onnxruntime clamps x_src to [0, in − 1]; first: {_onnx_first(plan)})")
    return lines


def _size_step(plan: ResizePlan, axis: ResizeAxis) -> str:
    n, m = axis.input, axis.output
    if axis.scale is None:
        return f"output = {m} (given)"
    if plan.settings.upsampling:
        return f"output = {n}·{show(axis.scale)} = {m} (Keras UpSampling: in·scale)"
    if plan.settings.convention == "onnx":
        return f"output = ⌊{n}·{show(axis.onnx_scale, axis.rnd)}⌋ = {m} (ONNX: float32)"
    return f"output = ⌊{n}·{show(axis.scale)}⌋ = {m} (PyTorch: ⌊in·scale⌋ in float64)"


def _onnx_first(plan: ResizePlan) -> str:
    return show(onnx_coord(plan.axes[0], 0), plan.axes[0].rnd)
