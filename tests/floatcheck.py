"""Float comparisons whose tolerance follows from the arithmetic, not from one machine.

Two results that sum the same ``terms`` products in different orders (parallel vs serial
chunks, GEMM vs plain loops, one layout vs another, convcalc vs a framework) differ by
rounding only. For recursive summation of ``n`` products, each result is off from the exact
sum by at most ``γ_n · Σ|xᵢ·wᵢ|`` with ``γ_n = n·u / (1 − n·u)`` and ``u = eps / 2`` (Higham,
*Accuracy and Stability of Numerical Algorithms*, §3.1), and ``Σ|xᵢ·wᵢ| ≤ terms · max|x| ·
max|w|``. So the two results differ by at most about ``eps · terms · (terms · max|x| ·
max|w|)``: machine epsilon × reduction length × the largest magnitude a sum can reach. That
bound holds whichever BLAS kernel (Haswell, SkylakeX, …) or blocking ran, and it is still far
below what a real bug moves: a dropped tap or a pad split off by one changes an output by a
whole product ``|xᵢ·wᵢ|`` (``tests/test_floatcheck.py`` proves the helper catches both).

>>> float_tolerance(np.float64, terms=9, scale=1.0)  # 9 taps of |x|, |w| ≤ 1
1.7985612998927536e-14
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def float_tolerance(dtype: npt.DTypeLike, *, terms: int, scale: float) -> float:
    """Largest gap between two summation orders of ``terms`` products bounded by ``scale``.

    ``dtype`` is the precision the sums were accumulated in (the lower of two when they
    differ); ``scale`` bounds one product, ``max|x| · max|w|``.
    """
    eps = float(np.finfo(np.dtype(dtype)).eps)
    return eps * max(terms, 1) ** 2 * scale


def operand_scale(*operands: npt.ArrayLike) -> float:
    """``max|a| · max|b| · …``: the largest one product of the operands can be.

    >>> operand_scale([1.0, -3.0], [[0.5, 2.0]])
    6.0
    """
    scale = 1.0
    for operand in operands:
        scale *= float(np.max(np.abs(np.asarray(operand, dtype=np.float64)), initial=0.0))
    return scale


def assert_float_close(
    actual: npt.ArrayLike,
    expected: npt.ArrayLike,
    *,
    dtype: npt.DTypeLike,
    terms: int,
    operands: tuple[npt.ArrayLike, ...],
    err_msg: str = "",
) -> None:
    """Assert ``actual`` equals ``expected`` up to the rounding of two summation orders.

    ``terms`` is the reduction length (products summed per output: channels per group ×
    kernel taps for a convolution, window cells for an average pool) and ``operands`` the
    arrays multiplied (``(x, w)``; ``(x,)`` for a pool). Shapes must match exactly.

    >>> x, w = np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.25])
    >>> assert_float_close([1.0, 1.75], [1.0, 1.75], dtype=x.dtype, terms=2, operands=(x, w))
    """
    got, want = np.asarray(actual), np.asarray(expected)
    assert got.shape == want.shape, f"shape {got.shape} != {want.shape} {err_msg}"
    tol = float_tolerance(dtype, terms=terms, scale=operand_scale(*operands))
    np.testing.assert_allclose(got, want, rtol=0, atol=tol, err_msg=err_msg)


def conv_terms(weights: npt.ArrayLike, *, transposed: bool = False, groups: int = 1) -> int:
    """Products summed per output cell of a convolution with channels-first ``weights``.

    Forward weights ``(out, in/groups, *kernel)`` sum ``in/groups · prod(kernel)`` products;
    transposed weights ``(in, out/groups, *kernel)`` at most ``in/groups · prod(kernel)``.

    >>> conv_terms(np.zeros((8, 3, 3, 3))), conv_terms(np.zeros((8, 3, 4, 4)), transposed=True)
    (27, 128)
    """
    shape = np.shape(weights)
    channels = shape[0] // groups if transposed else shape[1]
    return int(channels * np.prod(shape[2:], dtype=np.int64))


def assert_inner_products_equal(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    c: npt.ArrayLike,
    d: npt.ArrayLike,
    *,
    terms: int,
    operands: tuple[npt.ArrayLike, ...],
) -> None:
    """Assert ``⟨a, b⟩ == ⟨c, d⟩`` (an adjoint identity) up to rounding.

    ``terms`` is the products behind either sum (output cells × products per cell) and
    ``operands`` the arrays those products multiply.

    >>> assert_inner_products_equal([1.0, 2.0], [3.0, 4.0], [11.0], [1.0], terms=2,
    ...                             operands=([1.0, 2.0], [3.0, 4.0]))
    """
    lhs = float(np.sum(np.multiply(a, b, dtype=np.float64)))
    rhs = float(np.sum(np.multiply(c, d, dtype=np.float64)))
    tol = float_tolerance(np.float64, terms=terms, scale=operand_scale(*operands))
    assert abs(lhs - rhs) <= tol, f"⟨a, b⟩ = {lhs!r} but ⟨c, d⟩ = {rhs!r} (tolerance {tol:.3g})"
