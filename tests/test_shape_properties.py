"""Closed forms of the shape engine against brute force (hypothesis).

The references below never use the engine's formulas: they slide windows cell by cell,
scatter a transposed convolution tap by tap, and search pad totals one at a time.
"""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convcalc import EmptyOutputError, Padding, conv_axis, deconv_axis, invert_axis, pool_axis

sizes = st.integers(1, 40)
kernels = st.integers(1, 7)
strides = st.integers(1, 5)
dilations = st.integers(1, 3)
pads = st.tuples(st.integers(0, 6), st.integers(0, 6))
MODES = list(Padding)


def slide(n: int, k: int, s: int, d: int, low: int, high: int, ceil: bool) -> int:
    """Count windows by walking them along the padded axis.

    Floor mode: windows that fit. Ceil mode (PyTorch / ONNX): add windows while the
    previous one has not reached the end, then drop the last one if it would start in the
    right padding.
    """
    length = low + n + high
    k_eff = d * (k - 1) + 1
    count = 0
    if not ceil:
        while count * s + k_eff <= length:
            count += 1
        return count
    while (count - 1) * s + k_eff < length:
        count += 1
    if count and (count - 1) * s >= low + n:
        count -= 1
    return count


def same_pads(n: int, k: int, s: int, d: int, lower: bool) -> tuple[int, int]:
    """TF SAME by search: as many windows as start inside the input, least padding."""
    want = len(range(0, n, s))
    total = 0
    while slide(n, k, s, d, 0, total, False) < want:
        total += 1
    big, small = total - total // 2, total // 2
    return (big, small) if lower else (small, big)


def reference_pads(n: int, k: int, s: int, d: int, mode: Padding) -> tuple[int, int]:
    k_eff = d * (k - 1) + 1
    return {
        Padding.VALID: (0, 0),
        Padding.FULL: (k_eff - 1, k_eff - 1),
        Padding.CAUSAL: (k_eff - 1, 0),
    }.get(mode) or same_pads(n, k, s, d, mode is Padding.SAME_LOWER)


@given(sizes, kernels, strides, dilations, pads, st.booleans())
def test_explicit_pads_match_sliding(
    n: int, k: int, s: int, d: int, p: tuple[int, int], ceil: bool
) -> None:
    assume(not ceil or p[1] < d * (k - 1) + 1)  # ceil mode: PyTorch needs pad < window
    expected = slide(n, k, s, d, *p, ceil)
    try:
        plan = conv_axis(n, k, stride=s, dilation=d, padding=p, ceil_mode=ceil)
    except EmptyOutputError:
        assert expected == 0
        return
    assert plan.output == expected
    assert plan.pads == p


@given(sizes, kernels, strides, dilations, st.sampled_from(MODES))
def test_named_modes_match_search(n: int, k: int, s: int, d: int, mode: Padding) -> None:
    p = reference_pads(n, k, s, d, mode)
    expected = slide(n, k, s, d, *p, False)
    try:
        plan = conv_axis(n, k, stride=s, dilation=d, padding=mode)
    except EmptyOutputError:
        assert expected == 0
        return
    assert (plan.pads, plan.output) == (p, expected)
    if mode in (Padding.SAME, Padding.SAME_LOWER, Padding.CAUSAL):
        assert plan.output == -(-n // s)  # ceil(n / s)
    if mode is Padding.SAME:
        assert plan.pad_high - plan.pad_low in (0, 1)
    if mode is Padding.SAME_LOWER:
        assert plan.pad_low - plan.pad_high in (0, 1)
    # every mode equals its explicit pads
    explicit = conv_axis(n, k, stride=s, dilation=d, padding=plan.pads)
    assert explicit.output == plan.output


@given(sizes, kernels, strides, dilations, pads)
def test_dropped_cells_are_unreached(n: int, k: int, s: int, d: int, p: tuple[int, int]) -> None:
    try:
        plan = conv_axis(n, k, stride=s, dilation=d, padding=p)
    except EmptyOutputError:
        return
    last_reached = max(max(plan.taps(j)) for j in range(plan.output))
    assert plan.dropped == len([i for i in range(n) if i > last_reached])


def scatter_length(n: int, k: int, s: int, d: int) -> int:
    """Length of a transposed convolution before cropping, tap by tap."""
    return max(i * s + t * d for i in range(n) for t in range(k)) + 1


@given(st.integers(1, 12), kernels, strides, dilations, pads, st.data())
def test_transposed_explicit(
    n: int, k: int, s: int, d: int, p: tuple[int, int], data: st.DataObject
) -> None:
    op = data.draw(st.integers(0, max(s, d) - 1))
    full = scatter_length(n, k, s, d)
    expected = full - p[0] - p[1] + op
    if expected < 1:
        return
    plan = deconv_axis(n, k, stride=s, dilation=d, padding=p, output_padding=op)
    assert plan.output == expected
    if op < s:
        # the forward convolution of the result comes back to n (PyTorch's adjoint)
        assert conv_axis(expected, k, stride=s, dilation=d, padding=p).output == n


@given(st.integers(1, 12), kernels, strides, dilations, st.sampled_from(MODES))
def test_transposed_named_range_is_the_forward_preimage(
    n: int, k: int, s: int, d: int, mode: Padding
) -> None:
    """TensorFlow accepts output_shape o iff the forward conv of o gives n."""

    def forward(o: int) -> int:
        try:
            return conv_axis(o, k, stride=s, dilation=d, padding=mode).output
        except EmptyOutputError:
            return 0

    accepted = [o for o in range(1, (n + 2) * s + 3 * d * k) if forward(o) == n]
    if not accepted:
        return
    plan = deconv_axis(n, k, stride=s, dilation=d, padding=mode)
    assert plan.output_range == (accepted[0], accepted[-1])
    assert accepted == list(range(accepted[0], accepted[-1] + 1))
    for o in accepted:
        got = deconv_axis(n, k, stride=s, dilation=d, padding=mode, output_size=o)
        assert got.pads == reference_pads(o, k, s, d, mode)
        assert got.output == got.full - sum(got.pads) + got.output_padding


def transposed(m: int, k: int, s: int, d: int, p: tuple[int, int], op: int) -> int:
    try:
        return deconv_axis(m, k, stride=s, dilation=d, padding=p, output_padding=op).output
    except EmptyOutputError:
        return 0


@settings(max_examples=200)
@given(sizes, kernels, strides, dilations, pads)
def test_inversion_round_trip(n: int, k: int, s: int, d: int, p: tuple[int, int]) -> None:
    """For each n and m = conv(n), n is a candidate, exactly one output_padding in [0, s)
    brings the transposed convolution back to n, and every candidate maps to m."""
    try:
        m = conv_axis(n, k, stride=s, dilation=d, padding=p).output
    except EmptyOutputError:
        return
    candidates = invert_axis(m, k, stride=s, dilation=d, padding=p)
    assert n in [c.output for c in candidates]
    ops = [op for op in range(s) if transposed(m, k, s, d, p, op) == n]
    assert len(ops) == 1
    for c in candidates:
        assert conv_axis(c.output, k, stride=s, dilation=d, padding=p).output == m
        again = deconv_axis(m, k, stride=s, dilation=d, padding=p, output_padding=c.output_padding)
        assert again.output == c.output
    preimage = [
        o for o in range(1, (m + 2) * s + d * k + sum(p)) if slide(o, k, s, d, *p, False) == m
    ]
    assert [c.output for c in candidates] == preimage


@given(sizes, kernels, strides, st.integers(0, 3), st.booleans())
def test_pool_is_conv_with_window_stride(n: int, k: int, s: int, p: int, ceil: bool) -> None:
    assume(p <= k // 2)  # PyTorch's pooling limit
    expected = slide(n, k, s, 1, p, p, ceil)
    try:
        assert pool_axis(n, k, stride=s, padding=(p, p), ceil_mode=ceil).output == expected
    except EmptyOutputError:
        assert expected == 0
