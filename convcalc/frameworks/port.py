"""Port a layer between TensorFlow, Keras, PyTorch and ONNX exactly (pure, standard library).

A *source* spelling (``--from``) is read with that framework's rules into a
:class:`~convcalc.frameworks.compare.Layer`; a :class:`Recipe` then writes the layer in the target
framework: the native attributes when they are exact, otherwise an explicit pad
(zeros, or −inf for max pooling), a crop after a transposed convolution, or the sum/count
construction that reproduces an average pool's divisor. Recipes are data (``--check`` runs
them, fixtures record them); :func:`render` turns one into code.

>>> layer = source_layer("tf", "conv", (224,), 7, stride=2, padding="same")
>>> recipe = port_layer(layer, "torch")
>>> recipe.pre_pad, recipe.padding
(((2, 3),), ((0, 0),))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from convcalc.errors import ConvcalcError, SpecError
from convcalc.frameworks.compare import (
    NAMES,
    Layer,
    divisors,
    make_layer,
    plan_with,
    window_signature,
)
from convcalc.shape import DeconvPlan, Padding, PaddingArg, WindowPlan, split_total
from convcalc.shape.axes import Pair, Shape

__all__ = ["PORTABLE", "Recipe", "port_layer", "render", "source_layer"]

PORTABLE = ("tf", "keras", "torch", "onnx")
Pads = tuple[Pair, ...]


@dataclass(frozen=True, slots=True)
class Recipe:
    """How to write *layer* in one framework.

    ``padding`` is the layer's own pad attribute: a mode name (``"same"``, ``"valid"``,
    ``"causal"``) or explicit pairs. ``pre_pad`` is an explicit pad op before the layer
    (``pad_value`` ``"0"`` or ``"-inf"``); ``crop`` is a slice ``(before, after)`` after it
    (transposed conv); ``divide_by_count`` means average pool = pool(pad(x)) / pool(pad(mask))
    where the mask is 1 on the cells the source framework divides by.
    """

    framework: str
    op: str
    exact: bool
    padding: str | Pads
    pre_pad: Pads | None = None
    pad_value: str = "0"
    ceil_mode: bool = False
    count_pad: bool | None = None
    output_padding: Shape | None = None
    output_size: Shape | None = None
    crop: Pads | None = None
    divide_by_count: bool = False
    mask_pads: Pads | None = None
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (lists for tuples)."""

        def conv(v: Any) -> Any:
            if isinstance(v, tuple):
                return [conv(x) for x in v]
            return v

        return {
            "framework": self.framework,
            "op": self.op,
            "exact": self.exact,
            "padding": conv(self.padding),
            "pre_pad": conv(self.pre_pad),
            "pad_value": self.pad_value,
            "ceil_mode": self.ceil_mode,
            "count_pad": self.count_pad,
            "output_padding": conv(self.output_padding),
            "output_size": conv(self.output_size),
            "crop": conv(self.crop),
            "divide_by_count": self.divide_by_count,
            "mask_pads": conv(self.mask_pads),
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- source side


def source_layer(
    framework: str,
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
    """Read a layer the way *framework* reads its arguments, rejecting what it rejects.

    ``same`` means TensorFlow/Keras SAME, PyTorch ``padding='same'`` (stride 1 only) or
    ONNX SAME_UPPER; explicit pads mean PyTorch's ``padding=`` (or a pad op before it).
    ``count_pad=None`` takes the framework's default (PyTorch: pad cells count).

    >>> source_layer("torch", "conv", (8,), 3, stride=2, padding="same")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    convcalc.errors.SpecError: PyTorch rejects padding='same' with stride 2 (...)
    """
    if framework not in PORTABLE:
        raise SpecError(f"unknown framework {framework!r}; expected one of {', '.join(PORTABLE)}")
    name = NAMES[framework]
    layer = make_layer(
        op,
        input_shape,
        kernel,
        stride=stride,
        dilation=dilation,
        padding=padding,
        pool=pool,
        ceil_mode=ceil_mode,
        count_pad=count_pad,
        output_padding=output_padding,
        output_size=output_size,
    )
    mode = layer.padding if isinstance(layer.padding, Padding) else None
    allowed = {
        "tf": {Padding.SAME, Padding.VALID},
        "keras": {Padding.SAME, Padding.VALID, Padding.CAUSAL},
        "torch": {Padding.SAME, Padding.VALID},
        "onnx": {Padding.SAME, Padding.SAME_LOWER, Padding.VALID},
    }[framework]
    if mode is not None and mode not in allowed:
        raise SpecError(f"{name} has no {mode.value!r} padding")
    if framework == "keras" and mode is Padding.CAUSAL and (op != "conv" or layer.ndim != 1):
        raise SpecError("Keras has causal padding only in Conv1D")
    if ceil_mode and framework in ("tf", "keras"):
        raise SpecError(f"{name} pools have no ceil mode")
    if framework in ("tf", "keras"):
        if (
            op != "deconv"
            and any(s > 1 for s in layer.stride)
            and any(d > 1 for d in layer.dilation)
        ):
            raise SpecError(f"{name} rejects stride > 1 together with dilation > 1")
        if count_pad is None and op == "pool":
            layer = layer.with_padding(layer.padding, count_pad=mode is None)
    if framework == "torch":
        layer = _torch_source(layer, mode, count_pad)
    if framework == "onnx":
        if count_pad is None:
            layer = layer.with_padding(layer.padding, count_pad=False)
        if op == "deconv" and output_size is not None:
            layer = _onnx_output_shape(layer, mode)
    if op == "deconv" and framework == "tf" and output_size is None and mode is not None:
        layer = layer.with_padding(layer.padding)  # Keras' default size stands in
    layer.plan()
    return layer


def _torch_source(layer: Layer, mode: Padding | None, count_pad: bool | None) -> Layer:
    strides = [s for s in layer.stride if s > 1]
    if mode is Padding.SAME and layer.op == "conv" and strides:
        raise SpecError(
            f"PyTorch rejects padding='same' with stride {strides[0]} "
            "(\"padding='same' is not supported for strided convolutions\")"
        )
    if mode is not None and layer.op != "conv":
        kind = "pools" if layer.op == "pool" else "ConvTranspose"
        raise SpecError(f"PyTorch {kind} take no string padding; give pads such as -p 1")
    if mode is None:
        pads = layer.padding
        assert not isinstance(pads, Padding)
        if layer.op == "deconv" and any(a != b for a, b in pads):
            raise SpecError("PyTorch ConvTranspose pads are symmetric; give one value per axis")
        if layer.op == "pool":
            for (a, b), k in zip(pads, layer.kernel, strict=True):
                if max(a, b) > k // 2:
                    raise SpecError(
                        f"PyTorch pool padding must be at most half the kernel ({k // 2}), "
                        f"got {max(a, b)}"
                    )
    if count_pad is None and layer.op == "pool":
        return layer.with_padding(layer.padding, count_pad=True)
    return layer


def _onnx_output_shape(layer: Layer, mode: Padding | None) -> Layer:
    """ONNX ConvTranspose with ``output_shape``: pads are ignored; the crop total is split
    with the extra cell at the start unless ``auto_pad=SAME_UPPER`` (the spec's Else branch)."""
    assert layer.output_size is not None
    full = plan_with(layer, ((0, 0),) * layer.ndim, output_padding=(0,) * layer.ndim)
    assert isinstance(full, DeconvPlan)
    pads = []
    extra = []
    for axis, want in zip(full.axes, layer.output_size, strict=True):
        total = axis.output - want
        split = split_total(
            max(total, 0), Padding.SAME if mode is Padding.SAME else Padding.SAME_LOWER
        )
        pads.append(split)
        extra.append(max(-total, 0))
    return layer.with_padding(tuple(pads), output_padding=tuple(extra), output_size=None)


# --------------------------------------------------------------------------- target side


def _tight(plan: WindowPlan) -> Pads:
    """Pads that end exactly where the last window ends (folds a ceil-mode overhang in)."""
    return tuple(
        (a.pad_low, max((a.output - 1) * a.stride + a.effective_kernel - a.input - a.pad_low, 0))
        for a in plan.axes
    )


def _same_as(layer: Layer, padding: Padding | Pads, *, ceil_mode: bool = False) -> bool:
    try:
        other = plan_with(layer, padding, ceil_mode=ceil_mode)
    except ConvcalcError:
        return False
    return window_signature(other) == window_signature(layer.plan())


def _divisors_match(layer: Layer, padding: Padding | Pads, count_pad: bool, ceil: bool) -> bool:
    ref = layer.plan()
    try:
        other = plan_with(layer, padding, ceil_mode=ceil)
    except ConvcalcError:
        return False
    if window_signature(other) != window_signature(ref):
        return False
    if layer.op != "pool" or layer.pool != "avg":
        return True
    return all(
        divisors(a, count_pad) == divisors(b, layer.count_pad)  # type: ignore[arg-type]
        for a, b in zip(other.axes, ref.axes, strict=True)
    )


def _size_note(layer: Layer) -> tuple[str, ...]:
    """TF SAME with stride > 1: the pads hold for this input size only."""
    if layer.op == "deconv" or not any(s > 1 for s in layer.stride):
        return ()
    if layer.padding is not Padding.SAME:
        return ()
    bigger = tuple(n + 1 for n in layer.input)
    other = plan_with(layer.with_padding(Padding.SAME), Padding.SAME)
    try:
        moved = plan_with(
            Layer(
                layer.op,
                bigger,
                layer.kernel,
                layer.stride,
                layer.dilation,
                Padding.SAME,
                layer.pool,
            ),
            Padding.SAME,
        )
    except ConvcalcError:
        return ()
    if moved.pads == other.pads:
        return ()
    return (
        f"SAME pads depend on the input size when stride > 1: these are for "
        f"{_shape(layer.input)}; at {_shape(bigger)} they are {_pads(moved.pads)}. For "
        "inputs of varying size compute them at run time (timm: pad_same / Conv2dSame).",
    )


def _window_recipe(layer: Layer, fw: str) -> Recipe:
    ref = layer.plan()
    assert isinstance(ref, WindowPlan)
    pads = ref.pads
    notes = list(_size_note(layer))
    is_max = layer.op == "pool" and layer.pool == "max"
    is_avg = layer.op == "pool" and layer.pool == "avg"
    value = "-inf" if is_max else "0"
    dilated_strided = any(s > 1 for s in layer.stride) and any(d > 1 for d in layer.dilation)
    if fw in ("tf", "keras") and dilated_strided:
        return Recipe(
            fw,
            layer.op,
            False,
            pads,
            notes=(
                f"{NAMES[fw]} rejects stride > 1 with dilation > 1: no exact equivalent "
                "(run a stride-1 dilated layer and subsample with [::s])",
            ),
        )
    if (
        fw in ("tf", "keras")
        and is_avg
        and layer.pool == "avg"
        and any(d > 1 for d in layer.dilation)
    ):
        notes.append("TensorFlow's SAME pooling with dilation > 1 is not implemented")
    if fw == "onnx":
        return Recipe(
            fw,
            layer.op,
            True,
            pads,
            ceil_mode=layer.ceil_mode,
            count_pad=layer.count_pad if is_avg else None,
            notes=tuple(notes + _onnx_notes(layer)),
        )
    if fw == "torch":
        sym = all(a == b for a, b in pads)
        limit_ok = layer.op != "pool" or all(
            a <= k // 2 for (a, _), k in zip(pads, layer.kernel, strict=True)
        )
        same_ok = (
            layer.op == "conv"
            and all(s == 1 for s in layer.stride)
            and _same_as(layer, Padding.SAME)
        )
        if same_ok and not sym:
            # PyTorch's 'same' (stride 1) puts the odd zero at the end, as TF does.
            return Recipe(fw, layer.op, True, "same", notes=tuple(notes))
        if sym and limit_ok and _divisors_match(layer, pads, layer.count_pad, layer.ceil_mode):
            if same_ok:
                notes.append("padding='same' is exact too (stride 1)")
            return Recipe(
                fw,
                layer.op,
                True,
                pads,
                ceil_mode=layer.ceil_mode,
                count_pad=layer.count_pad if is_avg else None,
                notes=tuple(notes),
            )
    else:
        for mode in (Padding.VALID, Padding.SAME):
            if _divisors_match(layer, mode, False, False):
                return Recipe(
                    fw,
                    layer.op,
                    True,
                    mode.value,
                    count_pad=False if is_avg else None,
                    notes=tuple(notes + _keras_avg_note(layer, fw, mode)),
                )
        if (
            fw == "keras"
            and layer.op == "conv"
            and layer.ndim == 1
            and _same_as(layer, Padding.CAUSAL)
        ):
            return Recipe(fw, layer.op, True, "causal", notes=tuple(notes))
        native_lists = fw == "tf" and layer.ndim == 2 and layer.op == "conv"
        if native_lists:
            return Recipe(fw, layer.op, True, pads, notes=tuple(notes))
    tight = _tight(ref) if layer.ceil_mode else pads
    zeros: Pads = ((0, 0),) * layer.ndim
    if is_avg:
        # pool(pad(x)) divides by the whole window: right when pad cells count and nothing
        # hangs past the padded end; otherwise divide the sums by a mask's sums.
        plain = (
            layer.count_pad
            and tight == pads
            and all(divisors(a, True) == divisors(a, layer.count_pad) for a in ref.axes)
        )
        if not plain:
            mask = (
                tuple((min(a, c), min(b, d)) for (a, b), (c, d) in zip(pads, tight, strict=True))
                if layer.count_pad
                else zeros
            )
            return Recipe(
                fw,
                layer.op,
                True,
                zeros,
                pre_pad=tight,
                divide_by_count=True,
                count_pad=layer.count_pad,
                mask_pads=mask,
                notes=tuple(notes),
            )
    return Recipe(
        fw,
        layer.op,
        True,
        zeros,
        pre_pad=tight,
        pad_value=value,
        count_pad=None,
        notes=tuple(notes),
    )


def _keras_avg_note(layer: Layer, fw: str, mode: Padding) -> list[str]:
    if fw == "keras" and layer.op == "pool" and layer.pool == "avg" and mode is Padding.SAME:
        pads = layer.plan().pads
        if any(a != b for a, b in pads):
            return [
                "Keras 3 on the torch backend pads an asymmetric SAME average pool by "
                "replication, so its border values differ from TensorFlow's"
            ]
    return []


def _onnx_notes(layer: Layer) -> list[str]:
    notes = []
    if layer.op == "conv" and _same_as(layer, Padding.SAME):
        notes.append("auto_pad='SAME_UPPER' gives the same pads for this input size")
    if layer.op == "pool" and any(
        a > k // 2 or b > k // 2 for (a, b), k in zip(layer.plan().pads, layer.kernel, strict=True)
    ):
        notes.append("pads larger than kernel/2 are valid ONNX but PyTorch importers reject them")
    return notes


def _deconv_recipe(layer: Layer, fw: str) -> Recipe:
    ref = layer.plan()
    assert isinstance(ref, DeconvPlan)
    out = ref.output
    crops = tuple((a.pad_low, a.pad_high - a.output_padding) for a in ref.axes)
    full = tuple(a.full for a in ref.axes)
    nd = layer.ndim
    notes: list[str] = []

    def slice_after(op0: Shape) -> Pads:
        return tuple(
            (lo, f + e - lo - o) for (lo, _), f, e, o in zip(crops, full, op0, out, strict=True)
        )

    extend = tuple(max(-hi, 0) for _, hi in crops)
    if fw == "torch":
        limit = [max(s, d) for s, d in zip(layer.stride, layer.dilation, strict=True)]
        ops = tuple(lo - hi for lo, hi in crops)
        if all(0 <= op < lim for op, lim in zip(ops, limit, strict=True)):
            sym = tuple((lo, lo) for lo, _ in crops)
            return Recipe(fw, "deconv", True, sym, output_padding=ops, notes=tuple(notes))
        notes.append(
            "PyTorch crops padding from both ends and appends output_padding at the end, so "
            f"a crop of {_pads(crops)} needs padding=0 and a slice"
        )
        return Recipe(
            fw,
            "deconv",
            True,
            ((0, 0),) * nd,
            output_padding=extend,
            crop=slice_after(extend),
            notes=tuple(notes),
        )
    if fw == "onnx":
        pads = tuple((lo, max(hi, 0)) for lo, hi in crops)
        notes.append(
            "explicit pads avoid auto_pad: onnxruntime swapped SAME_UPPER/SAME_LOWER for "
            "ConvTranspose for years, and output_shape without auto_pad puts the odd crop "
            "at the start"
        )
        return Recipe(fw, "deconv", True, pads, output_padding=extend, notes=tuple(notes))
    if fw == "tf" and any(d > 1 for d in layer.dilation):
        return Recipe(
            fw,
            "deconv",
            False,
            ((0, 0),) * nd,
            notes=("TensorFlow's CPU conv2d_transpose does not support dilation > 1",),
        )
    if fw == "keras" and any(d > 1 for d in layer.dilation) and any(s > 1 for s in layer.stride):
        return Recipe(
            fw,
            "deconv",
            False,
            ((0, 0),) * nd,
            notes=("Keras Conv*Transpose rejects strides > 1 with dilation_rate > 1",),
        )
    for mode in (Padding.SAME, Padding.VALID):
        try:
            plan = plan_with(layer, mode, output_size=out, use_layer_output=False)
        except ConvcalcError:
            continue
        if window_signature(plan) != window_signature(ref):
            continue
        if fw == "tf":
            return Recipe(fw, "deconv", True, mode.value, output_size=out, notes=tuple(notes))
        assert isinstance(plan, DeconvPlan)
        keras = [a.keras_output_padding for a in plan.axes]
        default = plan_with(layer, mode, use_layer_output=False)
        if default.output == out:
            return Recipe(fw, "deconv", True, mode.value, notes=tuple(notes))
        if all(k is not None for k in keras):
            return Recipe(
                fw,
                "deconv",
                True,
                mode.value,
                output_padding=tuple(int(k) for k in keras if k is not None),
                notes=tuple(notes),
            )
    if fw == "tf" and nd == 2:
        pads = tuple((lo, max(hi, 0)) for lo, hi in crops)
        return Recipe(fw, "deconv", True, pads, output_size=out, notes=tuple(notes))
    # VALID keeps the whole scatter (plus `extend` zero cells); slice the crop off after.
    valid_size = tuple(f + e for f, e in zip(full, extend, strict=True))
    if fw == "tf":
        return Recipe(
            fw,
            "deconv",
            True,
            "valid",
            output_size=valid_size,
            crop=slice_after(extend),
            notes=tuple(notes),
        )
    return Recipe(
        fw,
        "deconv",
        True,
        "valid",
        output_padding=extend,
        crop=slice_after(extend),
        notes=tuple(notes),
    )


def port_layer(layer: Layer, framework: str) -> Recipe:
    """The exact spelling of *layer* in *framework* (``exact=False`` with the reason in
    ``notes`` when there is none)."""
    if framework not in PORTABLE:
        raise SpecError(f"unknown framework {framework!r}; expected one of {', '.join(PORTABLE)}")
    if layer.op == "deconv":
        return _deconv_recipe(layer, framework)
    return _window_recipe(layer, framework)


# --------------------------------------------------------------------------- code


def _shape(shape: Sequence[int]) -> str:
    return "×".join(str(v) for v in shape)


def _pads(pads: Pads) -> str:
    return ", ".join(f"({a}, {b})" for a, b in pads)


def _v(values: Sequence[int]) -> str:
    return str(values[0]) if len(set(values)) == 1 else str(tuple(values))


def _torch_pad_arg(pads: Pads) -> str:
    flat = [v for pair in reversed(pads) for v in pair]
    return "(" + ", ".join(str(v) for v in flat) + ")"


def _tf_pad_arg(pads: Pads) -> str:
    inner = ", ".join(f"[{a}, {b}]" for a, b in pads)
    return f"[[0, 0], {inner}, [0, 0]]"


def render(recipe: Recipe, layer: Layer) -> list[str]:
    """Code lines for *recipe* (channels written ``C_in``/``C_out``; data NCHW for PyTorch and
    ONNX, NHWC for TensorFlow and Keras); no lines when the recipe is not exact."""
    if not recipe.exact:
        return []
    return {
        "torch": _render_torch,
        "tf": _render_tf,
        "keras": _render_keras,
        "onnx": _render_onnx,
    }[recipe.framework](recipe, layer)


def _common(layer: Layer) -> tuple[str, str, str]:
    k = _v(layer.kernel)
    s = _v(layer.stride)
    d = _v(layer.dilation)
    return k, s, d


def _render_torch(r: Recipe, layer: Layer) -> list[str]:
    nd = layer.ndim
    k, s, d = _common(layer)
    lines = []
    pads = r.padding if isinstance(r.padding, tuple) else ()
    sym = _v([a for a, _ in pads]) if pads else "0"
    if isinstance(r.padding, str):
        sym = f"'{r.padding}'"
    dil = f", dilation={d}" if d != "1" else ""
    if r.pre_pad is not None:
        value = ", value=float('-inf')" if r.pad_value == "-inf" else ""
        order = "(left, right, top, bottom)" if nd == 2 else "last axis first"
        lines.append(f"x = F.pad(x, {_torch_pad_arg(r.pre_pad)}{value})  # {order}")
    if r.op == "conv":
        lines.append(f"conv = nn.Conv{nd}d(C_in, C_out, {k}, stride={s}, padding={sym}{dil})")
        lines.append("y = conv(x)")
    elif r.op == "deconv":
        op = (
            f", output_padding={_v(r.output_padding)}"
            if r.output_padding and any(r.output_padding)
            else ""
        )
        lines.append(
            f"deconv = nn.ConvTranspose{nd}d(C_in, C_out, {k}, stride={s}, padding={sym}{op}{dil})"
        )
        lines.append("y = deconv(x)")
    elif r.divide_by_count:
        assert r.pre_pad is not None
        ones = "torch.ones_like(x[:, :1])"
        counted = r.mask_pads if r.mask_pads and any(v for p in r.mask_pads for v in p) else None
        if counted is None:
            lines.insert(0, f"ones = F.pad({ones}, {_torch_pad_arg(r.pre_pad)})  # 1 = counted")
        else:
            rest = tuple((a - m[0], b - m[1]) for (a, b), m in zip(r.pre_pad, counted, strict=True))
            lines.insert(0, f"ones = F.pad({ones}, {_torch_pad_arg(counted)}, value=1.0)")
            lines.insert(1, f"ones = F.pad(ones, {_torch_pad_arg(rest)})  # 1 = counted")
        lines.append(f"y = F.avg_pool{nd}d(x, {k}, {s}) / F.avg_pool{nd}d(ones, {k}, {s})")
    else:
        kind = "Max" if layer.pool == "max" else "Avg"
        extra = ", ceil_mode=True" if r.ceil_mode else ""
        if layer.pool == "avg" and r.count_pad is False:
            extra += ", count_include_pad=False"
        lines.append(f"pool = nn.{kind}Pool{nd}d({k}, stride={s}, padding={sym}{extra}{dil})")
        lines.append("y = pool(x)")
    if r.crop is not None:
        sl = ", ".join(f"{a}:{f'-{b}' if b else ''}" for a, b in r.crop)
        lines.append(f"y = y[..., {sl}]  # crop {_pads(r.crop)}")
    return lines


def _render_tf(r: Recipe, layer: Layer) -> list[str]:
    nd = layer.ndim
    k, s, d = _common(layer)
    lines = []
    if isinstance(r.padding, str):
        pad = f"'{r.padding.upper()}'"
    elif r.pre_pad is None and any(v for p in r.padding for v in p):
        pad = _tf_pad_arg(r.padding)
    else:
        pad = "'VALID'"
    if r.pre_pad is not None:
        value = ", constant_values=float('-inf')" if r.pad_value == "-inf" else ""
        lines.append(f"x = tf.pad(x, {_tf_pad_arg(r.pre_pad)}{value})")
    dil = f", dilations={d}" if d != "1" else ""
    if r.op == "conv":
        fn = f"tf.nn.conv{nd}d" if nd in (1, 2, 3) else "tf.nn.convolution"
        lines.append(
            f"y = {fn}(x, kernel, strides={s}, padding={pad}{dil})  # kernel: "
            f"{'×'.join(['k'] * nd)}×C_in×C_out"
        )
    elif r.op == "deconv":
        assert r.output_size is not None
        shape = ", ".join(str(v) for v in r.output_size)
        lines.append(
            f"y = tf.nn.conv{nd}d_transpose(x, kernel, output_shape=[N, {shape}, C_out], "
            f"strides={s}, padding={pad}{dil})  # kernel: {'×'.join(['k'] * nd)}×C_out×C_in"
        )
    elif r.divide_by_count:
        assert r.pre_pad is not None
        lines.insert(0, "ones = tf.ones_like(x[..., :1])")
        lines.insert(1, _mask_tf(r))
        lines.append(
            f"y = tf.nn.avg_pool{nd}d(x, {k}, {s}, 'VALID') / "
            f"tf.nn.avg_pool{nd}d(ones, {k}, {s}, 'VALID')"
        )
    else:
        kind = "max" if layer.pool == "max" else "avg"
        lines.append(f"y = tf.nn.{kind}_pool{nd}d(x, {k}, {s}, padding={pad})")
    if r.crop is not None:
        sl = ", ".join(f"{a}:{f'-{b}' if b else ''}" for a, b in r.crop)
        lines.append(f"y = y[:, {sl}, :]  # crop {_pads(r.crop)}")
    return lines


def _mask_tf(r: Recipe) -> str:
    assert r.pre_pad is not None
    if r.mask_pads and any(v for p in r.mask_pads for v in p):
        rest = tuple((a - m[0], b - m[1]) for (a, b), m in zip(r.pre_pad, r.mask_pads, strict=True))
        return (
            f"ones = tf.pad(tf.pad(ones, {_tf_pad_arg(r.mask_pads)}, constant_values=1.0), "
            f"{_tf_pad_arg(rest)})"
        )
    return f"ones = tf.pad(ones, {_tf_pad_arg(r.pre_pad)})"


def _keras_pairs(pairs: Pads) -> str:
    """ZeroPadding1D/Cropping1D take one ``(a, b)``; the 2-D/3-D layers one pair per axis."""
    if len(pairs) == 1:
        return f"({pairs[0][0]}, {pairs[0][1]})"
    return "(" + ", ".join(f"({a}, {b})" for a, b in pairs) + ")"


def _render_keras(r: Recipe, layer: Layer) -> list[str]:
    nd = layer.ndim
    k, s, d = _common(layer)
    lines = []
    mode = r.padding if isinstance(r.padding, str) else "valid"
    dil = f", dilation_rate={d}" if d != "1" else ""
    if r.pre_pad is not None and r.pad_value == "-inf":
        lines.append(f"x = ops.pad(x, {_tf_pad_arg(r.pre_pad)}, constant_values=float('-inf'))")
    elif r.pre_pad is not None and not r.divide_by_count:
        lines.append(f"x = layers.ZeroPadding{nd}D({_keras_pairs(r.pre_pad)})(x)")
    if r.op == "conv":
        lines.append(f"y = layers.Conv{nd}D(C_out, {k}, strides={s}, padding='{mode}'{dil})(x)")
    elif r.op == "deconv":
        op = f", output_padding={_v(r.output_padding)}" if r.output_padding is not None else ""
        lines.append(
            f"y = layers.Conv{nd}DTranspose(C_out, {k}, strides={s}, padding='{mode}'{op}{dil})(x)"
        )
    elif r.divide_by_count:
        assert r.pre_pad is not None
        lines.append("ones = ops.ones_like(x[..., :1])")
        lines.append(_mask_tf(r).replace("tf.pad", "ops.pad").replace("tf.ones", "ops.ones"))
        lines.append(f"x = ops.pad(x, {_tf_pad_arg(r.pre_pad)})")
        lines.append(
            f"y = ops.average_pool(x, {k}, {s}, 'valid') / ops.average_pool(ones, {k}, {s}, "
            "'valid')"
        )
    else:
        kind = "Max" if layer.pool == "max" else "Average"
        lines.append(f"y = layers.{kind}Pooling{nd}D({k}, strides={s}, padding='{mode}')(x)")
    if r.crop is not None:
        lines.append(f"y = layers.Cropping{nd}D({_keras_pairs(r.crop)})(y)")
    return lines


def _render_onnx(r: Recipe, layer: Layer) -> list[str]:
    k = list(layer.kernel)
    s = list(layer.stride)
    d = list(layer.dilation)
    pads = r.padding if isinstance(r.padding, tuple) else ()
    flat = [a for a, _ in pads] + [b for _, b in pads]
    attrs = [f"kernel_shape={k}", f"strides={s}"]
    if r.op != "pool" or any(v > 1 for v in d):
        attrs.append(f"dilations={d}")
    attrs.append(f"pads={flat}")
    if r.op == "conv":
        node = "Conv"
    elif r.op == "deconv":
        node = "ConvTranspose"
        attrs.append(f"output_padding={list(r.output_padding or (0,) * layer.ndim)}")
    else:
        node = "MaxPool" if layer.pool == "max" else "AveragePool"
        if r.ceil_mode:
            attrs.append("ceil_mode=1")
        if layer.pool == "avg":
            attrs.append(f"count_include_pad={int(bool(r.count_pad))}")
    return [f"{node}({', '.join(attrs)})  # pads = [begin per axis..., end per axis...]"]
