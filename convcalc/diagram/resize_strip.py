"""``convcalc diagram resize``: output pixel centres over the input grid, per axis (pure
text, from the shape engine's samples).

Each input cell is drawn ``width`` characters wide; an output is marked ``^`` where its
source coordinate falls (cell ``j`` spans ``[j − 0.5, j + 0.5]``), its index (mod 10)
below, then each output's taps and weights.

>>> from convcalc.shape.resize import resize_plan
>>> for line in resize_strips(resize_plan((2,), size=(4,), mode="linear"))[1:5]:
...     print(line)
input     0       1
      ├───────┼───────┤
output    ^ ^   ^   ^
index     0 1   2   3
"""

from __future__ import annotations

from convcalc.errors import SpecError
from convcalc.shape.resize import ResizeAxis, ResizePlan
from convcalc.shape.resize_kernels import show

__all__ = ["MAX_CELLS", "resize_strips"]

MAX_CELLS = 64
"""Most input or output cells drawn per axis."""

WIDTH = 96
"""Characters the strip may use."""


def resize_strips(plan: ResizePlan, axes: int | None = None) -> list[str]:
    """The lines of the diagram: a strip per axis (the first *axes*), then each output's
    taps."""
    lines: list[str] = []
    for k, axis in enumerate(plan.axes[:axes]):
        if max(axis.input, axis.output) > MAX_CELLS:
            raise SpecError(
                f"diagram resize draws up to {MAX_CELLS} cells per axis; axis {k} is "
                f"{axis.input} → {axis.output} (use 'convcalc shape resize' for the numbers)"
            )
        lines.extend(_strip(k, axis, plan))
    return lines


def _strip(k: int, axis: ResizeAxis, plan: ResizePlan) -> list[str]:
    n, m = axis.input, axis.output
    cell = max(2, min(8, WIDTH // n))
    left = 6
    head = f"axis {k}: {n} → {m} · {plan.library} · {plan.settings.mode} · "
    head += plan.settings.coordinate
    labels = [" "] * (left + n * cell + 2)
    for j in range(n):
        text = str(j)
        at = left + j * cell + cell // 2
        labels[at : at + len(text)] = list(text)
    grid = " " * left + "├" + "┼".join("─" * (cell - 1) for _ in range(n)) + "┤"
    marks = [" "] * (left + n * cell + 2)
    index = [" "] * (left + n * cell + 2)
    taps = []
    for i in range(m):
        sample = axis.sample(i)
        centre = sample.coord
        if centre is None:  # area: the middle of the span it averages
            centre = (sum(sample.taps) / len(sample.taps)) if sample.taps else 0.0
        at = left + round((min(max(centre, -0.5), n - 0.5) + 0.5) * cell)
        marks[at] = "^"
        index[at] = str(i % 10)
        where = "span" if sample.coord is None else f"x_src {show(sample.coord, axis.rnd)}"
        pairs = "  ".join(f"{t}·{show(w, axis.rnd)}" for t, w in sample.pairs()[:8])
        more = f"  … ({len(sample.taps)} taps)" if len(sample.taps) > 8 else ""
        taps.append(f"  out {i}: {where}: {pairs}{more}")
    return [
        head,
        "input " + "".join(labels[left:]).rstrip(),
        grid,
        "output" + "".join(marks[left:]).rstrip(),
        "index " + "".join(index[left:]).rstrip(),
        *taps,
        "",
    ]
