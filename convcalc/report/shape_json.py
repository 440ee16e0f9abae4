"""Plans as plain JSON-ready dicts (pure): the schema of every ``--json`` output.

Lists hold one entry per spatial axis; pads are ``[before, after]`` pairs.

>>> from convcalc.shape import conv_plan
>>> window_dict(conv_plan((13,), 6, stride=5, padding="same"))["pads"]
[[1, 2]]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from convcalc.shape.padding import Padding

if TYPE_CHECKING:
    from convcalc.shape import AxisPlan, DeconvAxis, DeconvPlan, WindowPlan

__all__ = ["deconv_dict", "invert_dict", "padding_json", "window_dict"]

JSON = dict[str, Any]


def padding_json(axes: Sequence[Any]) -> str | list[list[int]]:
    """The mode name shared by the axes, or explicit ``[before, after]`` pairs."""
    modes = {a.padding for a in axes}
    if len(modes) == 1 and isinstance(mode := modes.pop(), Padding):
        return mode.value
    return [list(a.pads) for a in axes]


def _window_fields(axes: Sequence[AxisPlan] | Sequence[DeconvAxis]) -> JSON:
    """Kernel, stride, dilation and padding: the fields every plan's dict has."""
    return {
        "kernel": [a.kernel for a in axes],
        "stride": [a.stride for a in axes],
        "dilation": [a.dilation for a in axes],
        "padding": padding_json(axes),
    }


def window_dict(plan: WindowPlan) -> JSON:
    """Convolution / pooling plan → dict."""
    axes = plan.axes
    return {
        "input": list(plan.input),
        **_window_fields(axes),
        "ceil_mode": axes[0].ceil_mode,
        "effective_kernel": [a.effective_kernel for a in axes],
        "pads": [list(a.pads) for a in axes],
        "output": list(plan.output),
        "dropped": [a.dropped for a in axes],
    }


def deconv_dict(plan: DeconvPlan) -> JSON:
    """Transposed-convolution plan → dict."""
    axes = plan.axes
    return {
        "input": list(plan.input),
        **_window_fields(axes),
        "effective_kernel": [a.effective_kernel for a in axes],
        "pads": [list(a.pads) for a in axes],
        "output_padding": list(plan.output_padding),
        "output": list(plan.output),
        "output_range": [list(r) for r in plan.output_range],
        "default_output": [a.default_output for a in axes],
        "keras_output_padding": [a.keras_output_padding for a in axes],
    }


def invert_dict(per_axis: Sequence[Sequence[DeconvAxis]]) -> JSON:
    """Inversion result → dict: candidates per axis and their cartesian product."""
    first = [axis[0] for axis in per_axis]
    return {
        "output": [a.input for a in first],
        **_window_fields(first),
        "axes": [[_candidate(c) for c in axis] for axis in per_axis],
        "candidates": [
            {
                "input": [c.output for c in combo],
                "pads": [list(c.pads) for c in combo],
                "output_padding": [c.output_padding for c in combo],
                "keras_output_padding": [c.keras_output_padding for c in combo],
            }
            for combo in itertools.product(*per_axis)
        ],
    }


def _candidate(c: DeconvAxis) -> JSON:
    return {
        "input": c.output,
        "pads": list(c.pads),
        "output_padding": c.output_padding,
        "keras_output_padding": c.keras_output_padding,
    }
