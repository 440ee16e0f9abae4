"""Port a resize between PyTorch, TensorFlow, Keras and ONNX (pure: the shape engine only).

Every spelling the target library has (modes, coordinate rules, flags, size or scale) is
planned with :func:`convcalc.shape.resize.resize_plan`; those whose taps and weights equal
the source's at every output index are exact equivalents, rendered as the target's call.

>>> [s.code for s in port_resize("torch", "tf", (4, 4), size=(8, 8), mode="linear")][:1]
["tf.image.resize(x, (8, 8), method='bilinear')"]
>>> legacy = port_resize("torch", "onnx", (5, 5), size=(13, 13), mode="nearest")
>>> [s.code.split(", ")[1:3] for s in legacy]
[["coordinate_transformation_mode='asymmetric'", "nearest_mode='floor'"]]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from convcalc.errors import ConvcalcError
from convcalc.shape.resize import (
    COORDINATE_MODES,
    NEAREST_RULES,
    ResizeAxis,
    ResizePlan,
    resize_plan,
)

__all__ = ["CHECKED", "Spelling", "port_resize"]

CHECKED = 512
"""Output indices compared per axis (the first and last halves of a longer axis)."""

TAP_BUDGET = 2**17
"""Taps computed per axis and spelling at most (bounded work for wide filters)."""

_TORCH = {"nearest": "nearest", "nearest-exact": "nearest-exact", "cubic": "bicubic",
          "area": "area"}  # fmt: skip
_TF = {"nearest": "nearest", "linear": "bilinear", "cubic": "bicubic", "area": "area"}
_TF1 = {"nearest": "nearest_neighbor", "linear": "bilinear", "cubic": "bicubic",
        "area": "area"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Spelling:
    """One way to write the resize in the target library, and its plan."""

    code: str
    plan: ResizePlan


def port_resize(
    source: str,
    target: str,
    input_: Sequence[int],
    *,
    size: Sequence[int] | None = None,
    scale: Sequence[float] | None = None,
    mode: str = "nearest",
    **knobs: Any,
) -> list[Spelling]:
    """The target's exact spellings of *source*'s resize (empty: none is exact)."""
    plan = resize_plan(input_, size=size, scale=scale, mode=mode, convention=source, **knobs)
    wanted = [[_taps(axis, i) for i in _checked(axis)] for axis in plan.axes]
    return [s for s in _candidates(target, plan, scale) if _matches(wanted, s.plan)]


def _checked(axis: ResizeAxis) -> list[int]:
    """The output indices compared: all, or the first and last of a long axis (fewer for
    wide filters: at most ``TAP_BUDGET`` taps per axis and spelling)."""
    m = axis.output
    limit = max(2, min(CHECKED, TAP_BUDGET // axis.max_taps()))
    if m <= limit:
        return list(range(m))
    return [*range(limit // 2), *range(m - (limit - limit // 2), m)]


def _taps(axis: ResizeAxis, i: int) -> dict[int, float]:
    """Output *i*'s weight per input cell (a tap listed twice adds up; zeros dropped)."""
    taps: dict[int, float] = {}
    for t, w in axis.sample(i).pairs():
        taps[t] = taps.get(t, 0.0) + w
    return {t: w for t, w in taps.items() if abs(w) > 1e-7}


def _matches(wanted: list[list[dict[int, float]]], plan: ResizePlan) -> bool:
    """Whether *plan* has the wanted taps and weights, stopping at the first difference."""
    for rows, axis in zip(wanted, plan.axes, strict=True):
        if len(rows) != len(_checked(axis)):
            return False
        for want, i in zip(rows, _checked(axis), strict=True):
            got = _taps(axis, i)
            if got.keys() != want.keys() or any(abs(got[t] - want[t]) > 1e-5 for t in want):
                return False
    return True


def _try(code: str, input_: Sequence[int], **options: Any) -> Iterator[Spelling]:
    try:
        yield Spelling(code, resize_plan(input_, **options))
    except ConvcalcError:
        return


def _candidates(target: str, src: ResizePlan, scale: Sequence[float] | None) -> Iterator[Spelling]:
    n = [a.input for a in src.axes]
    out = tuple(src.output)
    rank = len(n)
    if target == "torch":
        linear = {1: "linear", 2: "bilinear", 3: "trilinear"}[rank]
        for mode, name in {**_TORCH, "linear": linear}.items():
            for align in (False, True):
                for aa in (False, True):
                    extra = (", align_corners=True" if align else "") + (
                        ", antialias=True" if aa else ""
                    )
                    knobs = {"align_corners": align or None, "antialias": aa or None}
                    yield from _try(f"F.interpolate(x, size={out}, mode='{name}'{extra})", n,
                                    size=out, mode=mode, convention="torch", **knobs)  # fmt: skip
                    if scale is not None:
                        factor = tuple(scale)
                        yield from _try(
                            f"F.interpolate(x, scale_factor={factor}, mode='{name}'{extra})", n,
                            scale=factor, mode=mode, convention="torch", **knobs,
                        )  # fmt: skip
    elif target in ("tf", "keras"):
        for mode, name in _TF.items():
            for aa in (False, True):
                if target == "tf":
                    code = f"tf.image.resize(x, {out}, method='{name}'" + (
                        ", antialias=True)" if aa else ")"
                    )
                else:
                    code = f"keras.layers.Resizing({', '.join(map(str, out))}, " + (
                        f"interpolation='{name}'" + (", antialias=True)" if aa else ")")
                    )
                yield from _try(code, n, size=out, mode=mode, convention="tf",
                                antialias=aa or None)  # fmt: skip
        if target == "tf":
            yield from _tf1(n, out)
    elif target == "onnx":
        yield from _onnx(n, out)


def _tf1(n: list[int], out: tuple[int, ...]) -> Iterator[Spelling]:
    for mode, name in _TF1.items():
        for align, half in ((False, False), (True, False), (False, True)):
            if mode == "area" and half:
                continue
            flags = f", align_corners={align}" + (
                "" if mode == "area" else f", half_pixel_centers={half}"
            )
            yield from _try(
                f"tf.compat.v1.image.resize_{name}(x, {out}{flags})", n, size=out, mode=mode,
                convention="tf1", align_corners=align or None, half_pixel_centers=half or None,
            )  # fmt: skip


def _onnx(n: list[int], out: tuple[int, ...]) -> Iterator[Spelling]:
    sizes = f"sizes=[N, C, {', '.join(map(str, out))}]"
    for rule in COORDINATE_MODES:
        head = f"Resize(mode='{{}}', coordinate_transformation_mode='{rule}'"
        for nearest in NEAREST_RULES:
            yield from _try(
                head.format("nearest") + f", nearest_mode='{nearest}', {sizes})", n, size=out,
                mode="nearest", convention="onnx", coordinate_mode=rule, nearest_mode=nearest,
            )  # fmt: skip
        yield from _try(head.format("linear") + f", {sizes})", n, size=out, mode="linear",
                        convention="onnx", coordinate_mode=rule)  # fmt: skip
        for a in (-0.75, -0.5):
            for exclude in (False, True):
                extra = f", cubic_coeff_a={a}" + (", exclude_outside=1" if exclude else "")
                yield from _try(
                    head.format("cubic") + f"{extra}, {sizes})", n, size=out, mode="cubic",
                    convention="onnx", coordinate_mode=rule, cubic_a=a,
                    exclude_outside=exclude or None,
                )  # fmt: skip
