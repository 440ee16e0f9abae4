"""Framework conventions as data, mapped onto the shape engine (pure, standard library only).

Every framework here is a set of *spellings*: which padding modes it has, which pads it
accepts, how it rounds pooling windows and what an average pool divides by. A spelling is
turned into engine arguments and planned by :mod:`convcalc.shape`; nothing here computes
an output size or a pad split itself. ``compare``, ``port`` and ``solve`` all read this
module.

>>> layer = make_layer("conv", (6,), 3, stride=2, padding="same")
>>> rows = {row.framework + " " + row.spelling: row for row in compare_layer(layer)}
>>> rows["PyTorch padding=1"].pads, rows["PyTorch padding=1"].verdict.value
(((1, 1),), 'shifted')
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace

from convcalc.errors import ConvcalcError, SpecError
from convcalc.shape import (
    DeconvAxis,
    DeconvPlan,
    Padding,
    PaddingArg,
    PaddingSpec,
    WindowPlan,
    conv_plan,
    deconv_plan,
    normalize_padding,
)
from convcalc.shape.axes import Pair, Shape, broadcast, per_axis
from convcalc.shape.window import AxisPlan

__all__ = [
    "FRAMEWORKS",
    "NAMES",
    "Layer",
    "Row",
    "Spelling",
    "Verdict",
    "compare_layer",
    "divisors",
    "evaluate",
    "make_layer",
    "window_signature",
]

FRAMEWORKS = ("tf", "keras", "torch", "onnx", "jax", "scipy", "caffe")
NAMES = {
    "tf": "TensorFlow",
    "keras": "Keras",
    "torch": "PyTorch",
    "onnx": "ONNX",
    "jax": "JAX",
    "scipy": "SciPy",
    "caffe": "Caffe",
}

Plan = WindowPlan | DeconvPlan


@dataclass(frozen=True, slots=True)
class Layer:
    """One layer in convcalc's own terms (engine semantics), independent of any framework.

    ``padding`` is a :class:`Padding` mode (TensorFlow's meaning for ``same``) or one
    ``(before, after)`` pair per axis. ``count_pad``: an average pool divides by the cells of
    the padded input its window covers (PyTorch's default) rather than by the real cells
    (TensorFlow, ONNX's default).
    """

    op: str
    input: Shape
    kernel: Shape
    stride: Shape
    dilation: Shape
    padding: PaddingSpec
    pool: str = "max"
    ceil_mode: bool = False
    count_pad: bool = False
    output_padding: Shape | None = None
    output_size: Shape | None = None

    @property
    def ndim(self) -> int:
        return len(self.input)

    def plan(self) -> Plan:
        """The engine's plan of this layer."""
        return plan_with(self, self.padding)

    def with_padding(self, padding: PaddingSpec, **changes: object) -> Layer:
        """The same layer with another padding (and other fields changed)."""
        return replace(self, padding=padding, **changes)  # type: ignore[arg-type]


def make_layer(
    op: str,
    input_shape: Sequence[int],
    kernel: int | Sequence[int],
    *,
    stride: int | Sequence[int] | None = None,
    dilation: int | Sequence[int] = 1,
    padding: PaddingArg = Padding.VALID,
    pool: str = "max",
    ceil_mode: bool = False,
    count_pad: bool | None = None,
    output_padding: int | Sequence[int] | None = None,
    output_size: Sequence[int] | None = None,
) -> Layer:
    """Build a :class:`Layer`, broadcasting ints over the axes (the stride of a pool defaults
    to its window). ``count_pad=None`` picks the convention of the padding's spelling: named
    modes exclude pad cells (TensorFlow), explicit pads count them (PyTorch).

    >>> make_layer("pool", (112, 112), 3, stride=2, padding=1).padding
    ((1, 1), (1, 1))
    """
    if op not in ("conv", "pool", "deconv"):
        raise SpecError(f"unknown layer type {op!r}; expected conv, pool or deconv")
    if pool not in ("max", "avg"):
        raise SpecError(f"unknown pool type {pool!r}; expected max or avg")
    shape = per_axis("input size", tuple(input_shape), len(input_shape))
    ndim = len(shape)
    kernels = per_axis("kernel", kernel, ndim)
    default_stride: int | Sequence[int] = kernels if op == "pool" else 1
    spec = normalize_padding(padding, ndim)
    extras = None if output_padding is None else broadcast("output_padding", output_padding, ndim)
    return Layer(
        op,
        shape,
        kernels,
        per_axis("stride", default_stride if stride is None else stride, ndim),
        per_axis("dilation", dilation, ndim),
        spec,
        pool,
        ceil_mode,
        (not isinstance(spec, Padding)) if count_pad is None else count_pad,
        extras,
        None if output_size is None else tuple(output_size),
    )


def plan_with(
    layer: Layer,
    padding: PaddingSpec,
    *,
    ceil_mode: bool | None = None,
    output_padding: Shape | None = None,
    output_size: Shape | None = None,
    use_layer_output: bool = True,
) -> Plan:
    """Plan *layer* under another padding (and, for a transposed conv, another size)."""
    if layer.op == "deconv":
        return deconv_plan(
            layer.input,
            layer.kernel,
            stride=layer.stride,
            dilation=layer.dilation,
            padding=padding,
            output_padding=output_padding
            if output_padding is not None
            else (layer.output_padding if use_layer_output else None),
            output_size=output_size
            if output_size is not None
            else (layer.output_size if use_layer_output and output_padding is None else None),
        )
    return conv_plan(
        layer.input,
        layer.kernel,
        stride=layer.stride,
        dilation=layer.dilation,
        padding=padding,
        ceil_mode=layer.ceil_mode if ceil_mode is None else ceil_mode,
    )


def window_signature(plan: Plan) -> tuple[tuple[int, int], ...]:
    """``(first window start, output)`` per axis: two plans with equal signatures read the
    same cells (a transposed conv: keep the same cells of its full result)."""
    return tuple((a.pad_low, a.output) for a in plan.axes)


def divisors(axis: AxisPlan, count_pad: bool) -> tuple[int, ...]:
    """What an average pool divides window *j* by on one axis: the taps on real cells, or
    on real and pad cells (never the ceil-mode overhang past the padded end).

    >>> from convcalc.shape import conv_axis
    >>> divisors(conv_axis(6, 3, stride=2, padding=(0, 1)), False)
    (3, 3, 2)
    """
    low, high = (-axis.pad_low, axis.input + axis.pad_high) if count_pad else (0, axis.input)
    return tuple(sum(1 for t in axis.taps(j) if low <= t < high) for j in range(axis.output))


class Verdict(enum.Enum):
    """How one spelling compares with the requested layer."""

    EXACT = "exact"
    SHIFTED = "shifted"
    SIZE = "size"
    DIVISOR = "divisor"
    UNSUPPORTED = "unsupported"
    NA = "n/a"


@dataclass(frozen=True, slots=True)
class Spelling:
    """One framework's way of writing the layer, as engine arguments.

    ``padding`` is what the framework's attribute means in engine terms; ``error`` says why
    the framework rejects (or lacks) it; ``note`` is a one-line convention remark.
    """

    framework: str
    text: str
    padding: PaddingSpec | None = None
    ceil_mode: bool | None = None
    count_pad: bool | None = None
    output_padding: Shape | None = None
    output_size: Shape | None = None
    error: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    """A spelling after planning: sizes, pads and the verdict against the request."""

    framework: str
    spelling: str
    output: Shape | None
    pads: tuple[Pair, ...] | None
    verdict: Verdict
    why: str
    output_padding: Shape | None = None
    divisor: str = ""
    ceil: str = ""


# --------------------------------------------------------------------------- spellings


def _one(values: Sequence[int]) -> str:
    return str(values[0]) if len(set(values)) == 1 else str(tuple(values))


def _pads_text(pads: Sequence[Pair]) -> str:
    return ", ".join(f"({a}, {b})" for a, b in pads)


def _ref_pads(layer: Layer) -> tuple[Pair, ...]:
    return layer.plan().pads


def _usual_symmetric(layer: Layer) -> Shape:
    """The symmetric pad people reach for when a framework has no SAME: timm's
    ``get_padding = ((s − 1) + d·(k − 1)) // 2`` (``k // 2`` for odd k at stride 1)."""
    return tuple(
        ((s - 1) + d * (k - 1)) // 2
        for k, s, d in zip(layer.kernel, layer.stride, layer.dilation, strict=True)
    )


def _symmetric(pads: Sequence[Pair]) -> bool:
    return all(a == b for a, b in pads)


def _pairs(values: Sequence[int]) -> tuple[Pair, ...]:
    return tuple((v, v) for v in values)


def _named(layer: Layer) -> Padding | None:
    return layer.padding if isinstance(layer.padding, Padding) else None


def _tf_spellings(layer: Layer, fw: str) -> list[Spelling]:
    """TensorFlow (``fw='tf'``) and Keras: SAME/VALID, explicit pads via a pad op."""
    name = NAMES[fw]
    mode = _named(layer)
    strided_dilated = any(s > 1 for s in layer.stride) and any(d > 1 for d in layer.dilation)
    if strided_dilated and layer.op != "deconv":
        why = (
            "TensorFlow rejects stride > 1 together with dilation > 1"
            if fw == "tf"
            else "Keras raises ValueError for strides > 1 with dilation_rate > 1"
        )
        return [Spelling(name, "strides + dilation", error=why)]
    if layer.op == "deconv":
        return _tf_deconv(layer, fw)
    spellings = []
    if mode in (Padding.SAME, Padding.VALID):
        text = f"padding='{mode.value.upper()}'" if fw == "tf" else f"padding='{mode.value}'"
        spellings.append(Spelling(name, text, padding=mode, ceil_mode=False, count_pad=False))
    elif mode is Padding.CAUSAL and fw == "keras" and layer.ndim == 1 and layer.op == "conv":
        spellings.append(Spelling(name, "padding='causal'", padding=mode))
    else:
        pads = _ref_pads(layer)
        pad_op = "tf.pad" if fw == "tf" else "ZeroPadding"
        if layer.op == "pool" and layer.pool == "max":
            pad_op = "tf.pad(-inf)" if fw == "tf" else "ops.pad(-inf)"
        explicit_ok = fw == "tf" and (
            (layer.op == "conv" and layer.ndim == 2)
            or (layer.op == "pool" and layer.pool == "max" and layer.ndim in (1, 2))
        )
        text = f"padding=[{_pads_text(pads)}]" if explicit_ok else f"{pad_op} {_pads_text(pads)}"
        spellings.append(
            Spelling(
                name,
                text + ("" if explicit_ok else " + VALID"),
                padding=pads,
                ceil_mode=False,
                count_pad=True,
                note="" if explicit_ok else "no explicit pads on this op",
            )
        )
    if layer.op == "pool" and mode is Padding.SAME and any(d > 1 for d in layer.dilation):
        return [
            Spelling(
                name, spellings[0].text, error="SAME pooling with dilation > 1 is not implemented"
            )
        ]
    return spellings


def _tf_deconv(layer: Layer, fw: str) -> list[Spelling]:
    name = NAMES[fw]
    ref = layer.plan()
    assert isinstance(ref, DeconvPlan)
    out = ref.output
    if fw == "tf" and any(d > 1 for d in layer.dilation):
        return [
            Spelling(
                name,
                "conv2d_transpose dilations",
                error="TF's CPU conv2d_transpose does not support dilation > 1",
            )
        ]
    spellings = []
    if fw == "tf":
        for mode in (Padding.SAME, Padding.VALID):
            spellings.append(
                Spelling(
                    name,
                    f"padding='{mode.value.upper()}', output_shape={_one(out)}",
                    padding=mode,
                    output_size=out,
                )
            )
        if layer.ndim == 2:
            pads = tuple((a.pad_low, max(a.pad_high - a.output_padding, 0)) for a in ref.axes)
            spellings.append(
                Spelling(
                    name,
                    f"padding=[{_pads_text(pads)}], output_shape={_one(out)}",
                    padding=pads,
                    output_size=out,
                )
            )
        return spellings
    for mode in (Padding.SAME, Padding.VALID):
        spellings.append(
            Spelling(name, f"padding='{mode.value}' (output_padding=None)", padding=mode)
        )
        keras = [a.keras_output_padding for a in _try_deconv(layer, mode, out)]
        if keras and all(k is not None for k in keras):
            ops = tuple(int(k) for k in keras if k is not None)
            spellings.append(
                Spelling(
                    name,
                    f"padding='{mode.value}', output_padding={_one(ops)}",
                    padding=mode,
                    output_padding=ops,
                )
            )
    return spellings


def _try_deconv(layer: Layer, mode: Padding, out: Shape) -> tuple[DeconvAxis, ...]:
    try:
        plan = plan_with(layer, mode, output_size=out, use_layer_output=False)
    except ConvcalcError:
        return ()
    assert isinstance(plan, DeconvPlan)
    return plan.axes


def _torch_spellings(layer: Layer) -> list[Spelling]:
    name = NAMES["torch"]
    mode = _named(layer)
    if layer.op == "deconv":
        return _torch_deconv(layer)
    spellings = []
    strided = any(s > 1 for s in layer.stride)
    if layer.op == "conv" and mode is Padding.SAME:
        text = "padding='same'"
        if strided:
            spellings.append(
                Spelling(
                    name,
                    text,
                    error="padding='same' is not supported for strided convolutions",
                )
            )
        else:
            spellings.append(Spelling(name, text, padding=Padding.SAME))
    if layer.op == "conv" and mode is Padding.VALID:
        return [Spelling(name, "padding='valid'", padding=Padding.VALID)]
    pads = _ref_pads(layer)
    usual = _pairs(_usual_symmetric(layer)) if mode in (Padding.SAME, Padding.SAME_LOWER) else pads
    if _symmetric(usual) and not (layer.op == "conv" and mode is Padding.SAME and not strided):
        sym = tuple(a for a, _ in usual)
        text = f"padding={_one(sym)}"
        error = None
        if layer.op == "pool":
            too_big = [p for p, k in zip(sym, layer.kernel, strict=True) if p > k // 2]
            if too_big:
                error = f"pool padding must be at most half the kernel, got {too_big[0]}"
            if layer.ceil_mode:
                text += ", ceil_mode=True"
            if layer.pool == "avg" and not layer.count_pad:
                text += ", count_include_pad=False"
        spellings.append(
            Spelling(
                name,
                text,
                padding=usual,
                ceil_mode=layer.ceil_mode,
                count_pad=layer.count_pad if layer.pool == "avg" else True,
                error=error,
            )
        )
    if not _symmetric(pads):
        value = ", value=-inf" if layer.op == "pool" and layer.pool == "max" else ""
        spellings.append(
            Spelling(
                name,
                f"F.pad {_pads_text(pads)}{value} + padding=0",
                padding=pads,
                ceil_mode=layer.ceil_mode,
                count_pad=True,
            )
        )
    return spellings


def _torch_deconv(layer: Layer) -> list[Spelling]:
    name = NAMES["torch"]
    ref = layer.plan()
    assert isinstance(ref, DeconvPlan)
    crops = [(a.pad_low, a.pad_high - a.output_padding) for a in ref.axes]
    sym = tuple(max(lo, hi, 0) for lo, hi in crops)
    base = plan_with(layer, _pairs(sym), output_padding=(0,) * layer.ndim, use_layer_output=False)
    ops = tuple(o - b for o, b in zip(ref.output, base.output, strict=True))
    text = f"padding={_one(sym)}, output_padding={_one(ops)}"
    try:
        plan_with(layer, _pairs(sym), output_padding=ops, use_layer_output=False)
    except ConvcalcError as exc:
        return [Spelling(name, text, error=str(exc))]
    return [Spelling(name, text, padding=_pairs(sym), output_padding=ops)]


def _onnx_spellings(layer: Layer) -> list[Spelling]:
    name = NAMES["onnx"]
    mode = _named(layer)
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


def _jax_spellings(layer: Layer) -> list[Spelling]:
    name = NAMES["jax"]
    mode = _named(layer)
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
    pads = _ref_pads(layer)
    return [
        Spelling(name, f"padding=[{_pads_text(pads)}]", padding=pads, count_pad=True, note=note)
    ]


def _scipy_spellings(layer: Layer) -> list[Spelling]:
    name = NAMES["scipy"]
    if layer.op != "conv":
        return [Spelling(name, "—", error="no pooling or transposed-conv op")]
    if any(d > 1 for d in layer.dilation):
        return [Spelling(name, "—", error="no dilation (insert zeros into the kernel)")]
    mode = _named(layer)
    step = "" if all(s == 1 for s in layer.stride) else f"[::{_one(layer.stride)}]"
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
    pads = _ref_pads(layer)
    return [Spelling(name, f"np.pad {_pads_text(pads)} + 'valid'{step}", padding=pads)]


def _caffe_spellings(layer: Layer) -> list[Spelling]:
    name = NAMES["caffe"]
    mode = _named(layer)
    note = "from Caffe's source (not run here)"
    pads = _ref_pads(layer)
    if mode in (Padding.SAME, Padding.SAME_LOWER):
        sym: Shape | None = _usual_symmetric(layer)
    elif _symmetric(pads):
        sym = tuple(a for a, _ in pads)
    else:
        return [Spelling(name, "pad", error="Caffe pads are symmetric; no asymmetric pad")]
    assert sym is not None
    text = f"pad: {_one(sym)}"
    if layer.op == "deconv":
        return [
            Spelling(name, text, padding=_pairs(sym), output_padding=(0,) * layer.ndim, note=note)
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
                padding=_pairs(sym),
                ceil_mode=True,
                count_pad=True,
                note=note,
            )
        ]
    return [Spelling(name, text, padding=_pairs(sym), note=note)]


SPELLERS = {
    "tf": lambda layer: _tf_spellings(layer, "tf"),
    "keras": lambda layer: _tf_spellings(layer, "keras"),
    "torch": _torch_spellings,
    "onnx": _onnx_spellings,
    "jax": _jax_spellings,
    "scipy": _scipy_spellings,
    "caffe": _caffe_spellings,
}


# --------------------------------------------------------------------------- verdicts


def evaluate(layer: Layer, spelling: Spelling) -> Row:
    """Plan *spelling* with the engine and judge it against *layer* (the request)."""
    ref = layer.plan()
    if spelling.error is not None or spelling.padding is None:
        return Row(
            spelling.framework,
            spelling.text,
            None,
            None,
            Verdict.UNSUPPORTED if spelling.error else Verdict.NA,
            spelling.error or "",
        )
    try:
        plan = plan_with(
            layer,
            spelling.padding,
            ceil_mode=spelling.ceil_mode,
            output_padding=spelling.output_padding,
            output_size=spelling.output_size,
            use_layer_output=False,
        )
    except ConvcalcError as exc:
        return Row(spelling.framework, spelling.text, None, None, Verdict.UNSUPPORTED, str(exc))
    verdict, why = _judge(layer, ref, plan, spelling)
    if spelling.note and verdict is Verdict.EXACT:
        why = spelling.note
    elif spelling.note:
        why = f"{why}; {spelling.note}"
    ops = plan.output_padding if isinstance(plan, DeconvPlan) else None
    divisor = ""
    ceil = ""
    if layer.op == "pool":
        ceil = (
            "ceil"
            if (spelling.ceil_mode if spelling.ceil_mode is not None else layer.ceil_mode)
            else "floor"
        )
        if spelling.framework == "Caffe":
            ceil = "ceil"
        if layer.pool == "avg":
            count = layer.count_pad if spelling.count_pad is None else spelling.count_pad
            divisor = "pad cells count" if count else "real cells only"
    return Row(
        spelling.framework,
        spelling.text,
        plan.output,
        _crops(plan),
        verdict,
        why,
        ops,
        divisor,
        ceil,
    )


def _crops(plan: Plan) -> tuple[Pair, ...]:
    if isinstance(plan, DeconvPlan):
        return tuple((a.pad_low, a.pad_high - a.output_padding) for a in plan.axes)
    return plan.pads


def _lows(plan: Plan) -> list[int]:
    if isinstance(plan, DeconvPlan):
        return [a.pad_low for a in plan.axes]
    return [a.pad_low for a in plan.axes]


def _judge(layer: Layer, ref: Plan, plan: Plan, spelling: Spelling) -> tuple[Verdict, str]:
    if plan.output != ref.output:
        return Verdict.SIZE, f"output {_shape(plan.output)} instead of {_shape(ref.output)}"
    shifts = [a - b for a, b in zip(_lows(plan), _lows(ref), strict=True)]
    if any(shifts):
        word = "crop" if layer.op == "deconv" else "pad split"
        mine = _pads_text(_crops(plan))
        theirs = _pads_text(_crops(ref))
        step = max(shifts, key=abs)
        cells = f"{abs(step)} cell{'s' * (abs(step) > 1)}"
        if layer.op == "deconv":
            return (
                Verdict.SHIFTED,
                f"same size, output shifted by {cells}: {word} {mine} vs {theirs}",
            )
        return (
            Verdict.SHIFTED,
            f"same size, windows shifted by {cells} ({'earlier' if step > 0 else 'later'}): "
            f"{word} {mine} vs {theirs}",
        )
    if layer.op == "pool" and layer.pool == "avg":
        count = layer.count_pad if spelling.count_pad is None else spelling.count_pad
        assert isinstance(plan, WindowPlan) and isinstance(ref, WindowPlan)
        for a, b in zip(plan.axes, ref.axes, strict=True):
            if divisors(a, count) != divisors(b, layer.count_pad):
                return (
                    Verdict.DIVISOR,
                    f"same windows, border averages divide by {list(divisors(a, count))} "
                    f"instead of {list(divisors(b, layer.count_pad))}",
                )
    return Verdict.EXACT, "same windows"


def _shape(shape: Shape) -> str:
    return "×".join(str(v) for v in shape)


def compare_layer(layer: Layer, frameworks: Sequence[str] = FRAMEWORKS) -> list[Row]:
    """Every framework's spelling(s) of *layer*, planned and judged (see :func:`evaluate`)."""
    layer.plan()  # the request itself must be valid
    rows = []
    for fw in frameworks:
        try:
            spellings = SPELLERS[fw](layer)
        except ConvcalcError as exc:  # the framework's usual spelling cannot even be planned
            spellings = [Spelling(NAMES[fw], "—", error=str(exc))]
        for spelling in spellings:
            rows.append(evaluate(layer, spelling))
    return rows


def same_pads_at(layer: Layer, sizes: Sequence[int]) -> tuple[Pair, ...]:
    """The pads *layer*'s padding would use at another input size (TF SAME, stride > 1)."""
    moved = replace(layer, input=tuple(sizes))
    return moved.plan().pads
