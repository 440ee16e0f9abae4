"""``convcalc compare resize``: one resize under every library's convention, side by side
(pure: the shape engine's samples, no NumPy).

Each row resizes one axis (of a square 2-D image, which every library resizes): output
size, source coordinates of the first and last outputs, the output on the ramp
``0, 1, …, in − 1``, and, where it differs from PyTorch's row, a one-line reason.

>>> rows = compare_rows(4, size=8, mode="cubic")
>>> [(r.convention, r.reason) for r in rows if r.convention in ("onnx", "tf")]
[('tf', 'a = -0.5 vs -0.75; outside taps excluded'), ('onnx', '')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from convcalc.errors import ConvcalcError
from convcalc.shape.resize import CONVENTIONS, ResizeAxis, resize_plan
from convcalc.shape.resize_kernels import show
from convcalc.shape.resize_settings import LIBRARY

__all__ = ["CompareRow", "compare_dict", "compare_rows", "compare_text"]

SHOWN = 10
"""Ramp outputs shown per row (the first 8 and the last 2 of a longer axis)."""


@dataclass(frozen=True, slots=True)
class CompareRow:
    """One convention's resize of the axis, or why the library refuses it."""

    convention: str
    library: str
    axis: ResizeAxis | None
    refused: str = ""
    reason: str = ""

    def ramp(self) -> list[tuple[int, float]]:
        """``(index, output)`` on the ramp input for the shown output indices."""
        if self.axis is None:
            return []
        m = self.axis.output
        shown = list(range(m)) if m <= SHOWN else [*range(SHOWN - 2), m - 2, m - 1]
        return [(i, sum(t * w for t, w in self.axis.sample(i).pairs())) for i in shown]


def compare_rows(
    n: int, *, size: int | None = None, scale: float | None = None, mode: str = "linear"
) -> list[CompareRow]:
    """Every convention's resize of an axis of *n* cells to *size* (or by *scale*)."""
    rows = []
    for convention in CONVENTIONS:
        library = LIBRARY.get(convention, convention).replace("{n}", "2")
        try:
            plan = resize_plan(
                (n, n),
                size=None if size is None else (size, size),
                scale=None if scale is None else (scale, scale),
                mode=mode,
                convention=convention,
            )
            row = CompareRow(convention, plan.library, plan.axes[0])
            row.ramp()  # the samples are computable (bounded), or the row says why not
        except ConvcalcError as exc:
            rows.append(CompareRow(convention, library, None, refused=str(exc)))
            continue
        rows.append(row)
    reference = next((r for r in rows if r.axis is not None), None)
    return [_with_reason(r, reference) for r in rows]


def _with_reason(row: CompareRow, ref: CompareRow | None) -> CompareRow:
    if row.axis is None or ref is None or ref.axis is None or row is ref:
        return row
    a, b = row.axis, ref.axis
    sa, sb = a.settings, b.settings
    reasons = []
    if a.output != b.output:
        reasons.append(f"output {a.output} vs {b.output}")
    if sa.coordinate != sb.coordinate:
        reasons.append(f"{_rule(sa.coordinate)} vs {_rule(sb.coordinate)}")
    if sa.cubic_a != sb.cubic_a and sa.cubic_a is not None and sb.cubic_a is not None:
        reasons.append(f"a = {show(sa.cubic_a)} vs {show(sb.cubic_a)}")
    if sa.exclude_outside != sb.exclude_outside:
        reasons.append("outside taps excluded" if sa.exclude_outside else "edge taps repeated")
    if sa.antialias != sb.antialias and a.output < a.input:
        reasons.append(f"antialias widens the kernel ×{a.input / a.output:.3g}")
    same = a.output == b.output and all(
        abs(x - y) <= 1e-6 * max(1.0, abs(y))
        for (_, x), (_, y) in zip(row.ramp(), ref.ramp(), strict=True)
    )
    if same:
        return row
    if not reasons:
        reasons.append(_detail(row))
    return CompareRow(row.convention, row.library, row.axis, reason="; ".join(reasons))


def _rule(rule: str) -> str:
    return {"half_pixel": "half-pixel", "align_corners": "corners"}.get(rule, rule)


def _detail(row: CompareRow) -> str:
    s = row.axis.settings if row.axis is not None else None
    if s is not None and s.convention in ("tf", "tf1", "keras") and s.mode == "cubic":
        return "TF's 1024-step cubic table"
    if s is not None and s.mode.startswith("nearest"):
        return "nearest rounding"
    return "edge handling or float32 rounding"


def compare_dict(rows: list[CompareRow], n: int, mode: str) -> dict[str, Any]:
    """The rows as JSON-ready data."""
    out: list[dict[str, Any]] = []
    for r in rows:
        if r.axis is None:
            out.append({"convention": r.convention, "library": r.library, "refused": r.refused})
            continue
        first, last = r.axis.sample(0), r.axis.sample(r.axis.output - 1)
        out.append(
            {"convention": r.convention, "library": r.library, "output": r.axis.output,
             "coordinate": r.axis.settings.coordinate, "first_x_src": first.coord,
             "last_x_src": last.coord, "ramp": [v for _, v in r.ramp()],
             "differs": bool(r.reason), "reason": r.reason}
        )  # fmt: skip
    return {"op": "resize", "input": n, "mode": mode, "rows": out}


def compare_text(rows: list[CompareRow], title: str) -> str:
    """The rows as a plain table; ``*`` marks a row that differs from the first.

    >>> print(compare_text(compare_rows(2, size=4), "t").splitlines()[4])
    * tf1     x_src 0 … 1.5            out 4    ramp 0 0.5 1 1   (asymmetric vs half-pixel)
    """
    lines = [title, ""]
    for r in rows:
        if r.axis is None:
            lines.append(f"  {r.convention:<7} refused: {r.refused}")
            continue
        first = r.axis.sample(0).coord
        last = r.axis.sample(r.axis.output - 1).coord
        span = "span" if first is None or last is None else (
            f"{show(first, r.axis.rnd)} … {show(last, r.axis.rnd)}"
        )  # fmt: skip
        ramp, prev = [], -1
        for i, v in r.ramp():
            ramp.append(("… " if i != prev + 1 else "") + f"{v:.6g}")
            prev = i
        mark = "*" if r.reason else " "
        line = f"{mark} {r.convention:<7} x_src {span:<18} out {r.axis.output:<4} ramp "
        line += " ".join(ramp)
        lines.append(line + (f"   ({r.reason})" if r.reason else ""))
    return "\n".join(lines)
