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

from convcalc.shape import AxisPlan, DeconvAxis, Padding

__all__ = ["explain_border", "explain_deconv", "explain_window"]


def explain_window(p: AxisPlan) -> list[str]:
    """The output-size and pad arithmetic of one convolution or pooling axis."""
    k = "k_eff" if p.dilation > 1 else "k"
    lines = []
    if p.dilation > 1:
        lines.append(
            f"k_eff = d·(k − 1) + 1 = {p.dilation}·({p.kernel} − 1) + 1 = {p.effective_kernel}"
        )
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
    room = p.input + p.pad_low + p.pad_high - p.effective_kernel
    raw = -(-room // p.stride) + 1
    lines = [f"out = ceil((in + before + after − {k}) / s) + 1 = ceil({nums}) + 1 = {raw}"]
    if raw != p.output:
        start = (raw - 1) * p.stride
        lines.append(
            f"window {raw - 1} would start at padded cell {start} ≥ in + before = "
            f"{p.input + p.pad_low}, inside the right padding: dropped, out = {p.output}"
        )
    if p.overhang:
        lines.append(f"the last window reaches {p.overhang} cell(s) past the padded end")
    return lines


def explain_deconv(a: DeconvAxis) -> list[str]:
    """The output-size arithmetic of one transposed-convolution axis."""
    k = "k_eff" if a.dilation > 1 else "k"
    lines = []
    if a.dilation > 1:
        lines.append(
            f"k_eff = d·(k − 1) + 1 = {a.dilation}·({a.kernel} − 1) + 1 = {a.effective_kernel}"
        )
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
    k = "k_eff" if a.dilation > 1 else "k"
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
