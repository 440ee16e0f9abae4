"""Formulas with the numbers substituted, the way the primer teaches them (pure).

Every line is built from a plan of the shape engine, so the text always agrees with the
numbers ``convcalc shape`` prints.

>>> from convcalc.shape import Padding, conv_axis
>>> for line in explain_window(conv_axis(13, 6, stride=5)):
...     print(line)
out = ceil((in − k + 1) / s) = ceil((13 − 6 + 1) / 5) = 2
inputs 11..12 (0-based) are never reached by a window: dropped
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from convcalc.shape.padding import Padding

if TYPE_CHECKING:
    from convcalc.shape import AxisPlan, DeconvAxis

__all__ = [
    "explain_border",
    "explain_deconv",
    "explain_deconv_steps",
    "explain_invert",
    "explain_plan",
    "explain_steps",
    "explain_window",
    "primer_shortcut",
]


def explain_window(p: AxisPlan) -> list[str]:
    """The output-size and pad arithmetic of one convolution or pooling axis."""
    k, lines = _kernel_lines(p)
    if p.padding in (Padding.SAME, Padding.SAME_LOWER) and not p.ceil_mode:
        lines += _same_lines(p, k)
    elif p.padding is Padding.VALID and not p.ceil_mode:
        lines.append(
            f"out = ceil((in − {k} + 1) / s) = "
            f"ceil(({p.input} − {p.effective_kernel} + 1) / {p.stride}) = {p.output}"
        )
    else:
        if p.padding is Padding.FULL:
            lines.append(f"pads = {k} − 1 = {p.pad_low} on both sides")
        elif p.padding is Padding.CAUSAL:
            lines.append(f"pads = {k} − 1 = {p.pad_low} before, 0 after")
        lines += _general_lines(p, k)
    if p.dropped:
        first = p.input - p.dropped
        cells = (
            f"input {first} (0-based) is"
            if p.dropped == 1
            else (f"inputs {first}..{p.input - 1} (0-based) are")
        )
        lines.append(f"{cells} never reached by a window: dropped")
    return lines


def _kernel_name(a: AxisPlan | DeconvAxis) -> str:
    """How the formulas call the window's span: ``k``, or ``k_eff`` when dilated."""
    return "k_eff" if a.dilation > 1 else "k"


def _kernel_lines(a: AxisPlan | DeconvAxis) -> tuple[str, list[str]]:
    """:func:`_kernel_name`, and the lines that start an explanation: ``k_eff`` worked out
    when the kernel is dilated."""
    lines = []
    if a.dilation > 1:
        lines.append(
            f"k_eff = d·(k − 1) + 1 = {a.dilation}·({a.kernel} − 1) + 1 = {a.effective_kernel}"
        )
    return _kernel_name(a), lines


def _same_lines(p: AxisPlan, k: str) -> list[str]:
    total = p.pad_low + p.pad_high
    side = "end" if p.padding is Padding.SAME else "start"
    split = (
        f"before = total // 2 = {p.pad_low}, after = total − before = {p.pad_high}"
        if p.padding is Padding.SAME
        else f"after = total // 2 = {p.pad_high}, before = total − after = {p.pad_low}"
    )
    odd = f" → odd zero at the {side}" if total % 2 else ""
    return [
        f"out = ceil(in / s) = ceil({p.input} / {p.stride}) = {p.output}",
        f"pad total = max((out − 1)·s + {k} − in, 0) = "
        f"max(({p.output} − 1)·{p.stride} + {p.effective_kernel} − {p.input}, 0) = {total}",
        split + odd,
    ]


def _general_lines(p: AxisPlan, k: str) -> list[str]:
    nums = f"({p.input} + {p.pad_low} + {p.pad_high} − {p.effective_kernel}) / {p.stride}"
    if not p.ceil_mode:
        return [
            f"out = floor((in + before + after − {k}) / s) + 1 = floor({nums}) + 1 = {p.output}"
        ]
    raw = p.output + 1 if p.ceil_dropped else p.output
    lines = [f"out = ceil((in + before + after − {k}) / s) + 1 = ceil({nums}) + 1 = {raw}"]
    if p.ceil_dropped:
        start = p.output * p.stride
        where = "inside the right padding" if start < p.padded else "past the padded end"
        lines.append(
            f"window {p.output} would start at padded cell {start} ≥ in + before = "
            f"{p.input + p.pad_low}, {where}: dropped, out = {p.output}"
        )
    if p.overhang:
        lines.append(f"the last window reaches {p.overhang} cell(s) past the padded end")
    return lines


def explain_deconv(a: DeconvAxis) -> list[str]:
    """The output-size arithmetic of one transposed-convolution axis."""
    k, lines = _kernel_lines(a)
    lo, hi = a.output_range
    if a.padding is not None:
        mode = a.padding.value
        lines.append(
            f"sizes whose forward '{mode}' convolution gives back {a.input}: {lo}..{hi} "
            "(TensorFlow output_shape)"
        )
        lines.append(f"default (Keras output_padding=None): {a.default_output}")
        lines.append(
            f"crop = the forward '{mode}' pads of {a.output}: before {a.pad_low}, "
            f"after {a.pad_high}"
        )
    lines.append(
        f"out = (in − 1)·s + {k} − before − after + output_padding = "
        f"({a.input} − 1)·{a.stride} + {a.effective_kernel} − {a.pad_low} − {a.pad_high} + "
        f"{a.output_padding} = {a.output}"
    )
    if a.padding is None:
        lines.append(
            f"reachable: {lo}..{hi} (output_padding 0..{hi - lo}, below max(s, d) = "
            f"{max(a.stride, a.dilation)})"
        )
    elif a.keras_output_padding is not None:
        lines.append(f"Keras output_padding for {a.output}: {a.keras_output_padding}")
    elif a.padding is Padding.CAUSAL:
        lines.append("Keras has no causal transposed convolution")
    elif a.output == a.default_output:
        lines.append(f"Keras: only output_padding=None gives {a.output}")
    else:
        lines.append(f"Keras cannot produce {a.output} (its output_padding must be < stride)")
    return lines


def explain_border(a: DeconvAxis) -> list[str]:
    """The zeros around the stretched input in the stride-1 convolution a transposed
    convolution equals (the primer's recipe), with the numbers substituted.

    >>> from convcalc.shape import deconv_axis
    >>> for line in explain_border(deconv_axis(3, 3, stride=2, padding=(1, 1), output_padding=1)):
    ...     print(line)
    stretched = (in − 1)·s + 1 = (3 − 1)·2 + 1 = 5
    border before = k − 1 − before = 3 − 1 − 1 = 1
    border after = k − 1 − after + output_padding = 3 − 1 − 1 + 1 = 2 (1 border + 1 extra)
    out = border before + stretched + border after − k + 1 = 1 + 5 + 2 − 3 + 1 = 6
    """
    k = _kernel_name(a)
    k_eff = a.effective_kernel
    plain = a.border_high - a.output_padding
    after = (
        f"border after = {k} − 1 − after + output_padding = "
        f"{k_eff} − 1 − {a.pad_high} + {a.output_padding} = {a.border_high}"
    )
    if a.output_padding and plain >= 0:
        after += f" ({plain} border + {a.output_padding} extra)"
    lines = [
        f"stretched = (in − 1)·s + 1 = ({a.input} − 1)·{a.stride} + 1 = {a.stretched}",
        f"border before = {k} − 1 − before = {k_eff} − 1 − {a.pad_low} = {a.border_low}",
        after,
        f"out = border before + stretched + border after − {k} + 1 = "
        f"{_signed(a.border_low)} + {a.stretched} + {_signed(a.border_high)} − {k_eff} + 1 = "
        f"{a.output}",
    ]
    for side, border in (("first", a.border_low), ("last", a.border_high)):
        if border < 0:
            lines.append(
                f"a negative border crops: the {side} {-border} stretched cell(s) are cut off"
            )
    return lines


def _signed(v: int) -> str:
    """A term of a sum: negative numbers in parentheses."""
    return f"({v})" if v < 0 else str(v)


def primer_shortcut(p: AxisPlan) -> list[str]:
    """The primer's SAME shortcut ``max(k − in % s, 0)`` next to the right total, and
    whether it agrees (it does not when ``in % s == 0`` and ``s > 1``).

    >>> from convcalc.shape import Padding, conv_axis
    >>> print(primer_shortcut(conv_axis(12, 3, stride=3, padding=Padding.SAME))[0])
    primer's shortcut max(k − in % s, 0) = max(3 − 12 % 3, 0) = 3: wrong, the pad total is 0
    """
    if p.padding not in (Padding.SAME, Padding.SAME_LOWER):
        return []
    k = p.effective_kernel
    total = p.pad_low + p.pad_high
    rest = 1 if p.stride == 1 else p.input % p.stride  # the primer: "in % 1 counts as 1"
    shortcut = max(k - rest, 0)
    head = (
        f"primer's shortcut max(k − in % s, 0) = max({k} − {p.input} % {p.stride}, 0) = {shortcut}"
    )
    if shortcut == total:
        return [f"{head}: agrees here (in % s ≠ 0)" if p.stride > 1 else f"{head}: agrees"]
    return [
        f"{head}: wrong, the pad total is {total}",
        f"  when in % s = 0 a window already ends on the last input; use s in place of "
        f"in % s: max({k} − {p.stride}, 0) = {max(k - p.stride, 0)}",
    ]


def explain_steps(p: AxisPlan) -> list[str]:
    """Step by step in the primer's terms: the formulas, where the windows fall, and the
    primer's shortcut checked against the real pad total."""
    lines = [f"{i}. {line}" for i, line in enumerate(explain_window(p), start=1)]
    starts = [p.window_start(j) for j in range(min(p.output, 6))]
    more = ", …" if p.output > 6 else ""
    last = p.window_start(p.output - 1) + p.effective_kernel - 1
    lines.append(
        f"{len(lines) + 1}. windows start at input {', '.join(map(str, starts))}{more} "
        f"(negative = padding); the last one ends at {last}"
    )
    return lines + primer_shortcut(p)


def explain_deconv_steps(a: DeconvAxis) -> list[str]:
    """The primer's recipe for a transposed convolution, with numbers: stretch the input,
    add borders, flip the kernel, run a stride-1 convolution."""
    lines = [f"{i}. {line}" for i, line in enumerate(explain_deconv(a), start=1)]
    n = len(lines)
    low, high = a.border_low, a.border_high

    def border(v: int) -> str:
        return f"{v} zero(s)" if v >= 0 else f"crop {-v} cell(s)"

    lines += [
        f"{n + 1}. insert s − 1 = {a.stride - 1} zero(s) between the {a.input} inputs: "
        f"(in − 1)·s + 1 = {a.stretched} cells",
        f"{n + 2}. border: k_eff − 1 − before = {border(low)} at the start, "
        f"k_eff − 1 − after + output_padding = {border(high)} at the end",
        f"{n + 3}. flip the kernel and slide it with stride 1, no padding: "
        f"{a.stretched} + {low} + {high} − {a.effective_kernel} + 1 = "
        f"{a.stretched + low + high - a.effective_kernel + 1} = out",
    ]
    return lines


def explain_plan(axes: Sequence[AxisPlan | DeconvAxis]) -> list[str]:
    """:func:`explain_steps` / :func:`explain_deconv_steps` for every axis, prefixed with
    the axis when there are several."""
    from convcalc.shape.transpose import DeconvAxis

    out: list[str] = []
    for i, a in enumerate(axes):
        lines = explain_deconv_steps(a) if isinstance(a, DeconvAxis) else explain_steps(a)
        prefix = f"axis {i}: " if len(axes) > 1 else ""
        out += [prefix + line for line in lines]
    if axes and all(isinstance(a, DeconvAxis) for a in axes):
        from convcalc.shape.matrix import matrix_view_line
        from convcalc.shape.transpose import DeconvPlan

        out.append(
            matrix_view_line(DeconvPlan(tuple(a for a in axes if isinstance(a, DeconvAxis))))
        )
    return out


def explain_invert(per_axis: Sequence[Sequence[DeconvAxis]]) -> list[str]:
    """For every conv input that gives the output: the transposed conv that returns to it."""
    out: list[str] = []
    for i, candidates in enumerate(per_axis):
        for c in candidates:
            head = f"axis {i}, " if len(per_axis) > 1 else ""
            out.append(f"{head}conv input {c.output}:")
            out += ["  " + line for line in explain_deconv_steps(c)]
    return out
