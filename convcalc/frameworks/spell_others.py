"""ONNX's, JAX's, SciPy's and Caffe's spellings of a layer (pure). JAX and Caffe are read
from their sources and not run here.

>>> from convcalc.frameworks.layer import make_layer
>>> [s.text for s in caffe_spellings(make_layer("pool", (6,), 3, stride=2, padding=1))]
['pad: 1 (always ceil)']
"""

from __future__ import annotations

from convcalc.frameworks.layer import NAMES, Layer, one_value, pads_text
from convcalc.frameworks.spelling import (
    Spelling,
    named,
    pairs,
    ref_pads,
    symmetric,
    usual_symmetric,
)
from convcalc.shape import DeconvPlan, Padding, conv_plan
from convcalc.shape.axes import Shape

__all__ = ["caffe_spellings", "jax_spellings", "onnx_spellings", "scipy_spellings"]


def onnx_spellings(layer: Layer) -> list[Spelling]:
    name = NAMES["onnx"]
    mode = named(layer)
    ref = layer.plan()
    spellings = []
    if mode in (Padding.SAME, Padding.SAME_LOWER):
        for auto in (Padding.SAME, Padding.SAME_LOWER):
            label = "SAME_UPPER" if auto is Padding.SAME else "SAME_LOWER"
            if layer.op == "deconv":
                out = tuple(n * s for n, s in zip(layer.input, layer.stride, strict=True))
                spellings.append(Spelling(name, f"auto_pad={label}", padding=auto, output_size=out))
            else:
                spellings.append(Spelling(name, f"auto_pad={label}", padding=auto))
    if layer.op == "deconv":
        assert isinstance(ref, DeconvPlan)
        pads = tuple((a.pad_low, max(a.pad_high - a.output_padding, 0)) for a in ref.axes)
        ops = tuple(max(a.output_padding - a.pad_high, 0) for a in ref.axes)
        flat = [a for a, _ in pads] + [b for _, b in pads]
        spellings.append(
            Spelling(
                name,
                f"pads={flat}, output_padding={list(ops)}",
                padding=pads,
                output_padding=ops,
            )
        )
        return spellings
    pads = ref.pads
    flat = [a for a, _ in pads] + [b for _, b in pads]
    text = f"pads={flat}"
    if layer.op == "pool":
        if layer.ceil_mode:
            text += ", ceil_mode=1"
        if layer.pool == "avg":
            text += f", count_include_pad={int(layer.count_pad)}"
    spellings.append(
        Spelling(name, text, padding=pads, ceil_mode=layer.ceil_mode, count_pad=layer.count_pad)
    )
    return spellings


def jax_spellings(layer: Layer) -> list[Spelling]:
    name = NAMES["jax"]
    mode = named(layer)
    note = "from JAX's source (not run here)"
    if layer.op == "deconv":
        if mode in (Padding.SAME, Padding.VALID):
            assert isinstance(mode, Padding)
            plan = layer.plan()
            out = tuple(n * s for n, s in zip(layer.input, layer.stride, strict=True))
            if mode is Padding.VALID:
                out = plan.output
            return [
                Spelling(
                    name,
                    f"conv_transpose(padding='{mode.value.upper()}')",
                    padding=mode,
                    output_size=out,
                    note=note + "; no kernel flip unless transpose_kernel=True",
                )
            ]
        return [
            Spelling(
                name,
                "conv_transpose(padding=pairs)",
                error="explicit pads in "
                "lax.conv_transpose pad the dilated input, not crop: not modelled",
            )
        ]
    if mode in (Padding.SAME, Padding.SAME_LOWER, Padding.VALID):
        label = {Padding.SAME: "SAME", Padding.SAME_LOWER: "SAME_LOWER"}.get(mode, "VALID")
        if layer.op == "pool" and layer.pool == "avg":
            return [
                Spelling(
                    name,
                    f"avg_pool(padding='{label}')",
                    padding=mode,
                    count_pad=True,
                    note="flax avg_pool counts pads by default",
                )
            ]
        return [Spelling(name, f"padding='{label}'", padding=mode, count_pad=True, note=note)]
    pads = ref_pads(layer)
    return [Spelling(name, f"padding=[{pads_text(pads)}]", padding=pads, count_pad=True, note=note)]


def scipy_spellings(layer: Layer) -> list[Spelling]:
    name = NAMES["scipy"]
    if layer.op != "conv":
        return [Spelling(name, "—", error="no pooling or transposed-conv op")]
    if any(d > 1 for d in layer.dilation):
        return [Spelling(name, "—", error="no dilation (insert zeros into the kernel)")]
    mode = named(layer)
    step = "" if all(s == 1 for s in layer.stride) else f"[::{one_value(layer.stride)}]"
    if mode in (Padding.SAME, Padding.SAME_LOWER, Padding.FULL, Padding.VALID):
        label = {Padding.FULL: "full", Padding.VALID: "valid"}.get(mode, "same")
        stride1 = conv_plan(
            layer.input,
            layer.kernel,
            padding=Padding.SAME_LOWER if label == "same" else mode,
        )
        return [
            Spelling(
                name,
                f"correlate(x, w, '{label}'){step}",
                padding=stride1.pads,
                note="'same' puts an odd pad at the start; convolve flips the kernel",
            )
        ]
    pads = ref_pads(layer)
    return [Spelling(name, f"np.pad {pads_text(pads)} + 'valid'{step}", padding=pads)]


def caffe_spellings(layer: Layer) -> list[Spelling]:
    name = NAMES["caffe"]
    mode = named(layer)
    note = "from Caffe's source (not run here)"
    pads = ref_pads(layer)
    if mode in (Padding.SAME, Padding.SAME_LOWER):
        sym: Shape | None = usual_symmetric(layer)
    elif symmetric(pads):
        sym = tuple(a for a, _ in pads)
    else:
        return [Spelling(name, "pad", error="Caffe pads are symmetric; no asymmetric pad")]
    assert sym is not None
    text = f"pad: {one_value(sym)}"
    if layer.op == "deconv":
        return [
            Spelling(name, text, padding=pairs(sym), output_padding=(0,) * layer.ndim, note=note)
        ]
    if layer.op == "pool":
        if any(p >= k for p, k in zip(sym, layer.kernel, strict=True)):
            return [Spelling(name, text, error="Caffe requires pad < kernel")]
        if not any(sym):
            # Caffe rounds up and drops no window when pad == 0: ceil without the drop rule
            # is floor mode with stride − 1 extra cells at the end.
            extra = tuple((0, s - 1) for s in layer.stride)
            return [
                Spelling(
                    name,
                    text + " (always ceil)",
                    padding=extra,
                    ceil_mode=False,
                    count_pad=True,
                    note=note,
                )
            ]
        return [
            Spelling(
                name,
                text + " (always ceil)",
                padding=pairs(sym),
                ceil_mode=True,
                count_pad=True,
                note=note,
            )
        ]
    return [Spelling(name, text, padding=pairs(sym), note=note)]
