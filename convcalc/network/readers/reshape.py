"""Layout steps shared by the readers: reshape, flatten, permute, concatenate (pure).

A tensor stays an image (its spatial axes tracked, its receptive field unit to unit) when
its spatial sizes survive in order — ``(1, 64, 56, 56) → (1, 2, 32, 56, 56)`` (a channel
shuffle) keeps them; a flatten does not (every unit then sees the whole input).

>>> from convcalc.network.graph import GraphRun
>>> run = GraphRun(2)
>>> x = run.input("x", (None, 64, 7, 7), (2, 3))
>>> y = reshape(run, x, [0, -1])
>>> y.shape, y.axes
((None, 3136), None)
>>> z = reshape(run, x, [0, 2, 32, 7, 7])
>>> z.shape, z.axes
((None, 2, 32, 7, 7), (3, 4))
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from convcalc.errors import SpecError
from convcalc.network.field import IDENTITY
from convcalc.network.graph import Dim, GraphRun, Value

__all__ = ["concat", "flatten", "image_axes", "permute", "reshape", "resolve_shape"]


def _prod(dims: Sequence[Dim]) -> Dim:
    return None if any(d is None for d in dims) else math.prod(d or 0 for d in dims)


def image_axes(x: Value, shape: Sequence[Dim]) -> tuple[int, ...] | None:
    """Where *x*'s spatial axes sit in *shape*: the same positions, or the same distance
    from the end (``None``: the image did not survive)."""
    if x.axes is None:
        return None
    spatial = list(x.spatial)
    for axes in (x.axes, tuple(a - len(x.shape) + len(shape) for a in x.axes)):
        if all(0 < a < len(shape) for a in axes) and [shape[a] for a in axes] == spatial:
            return axes
    return None


def resolve_shape(x: Value, target: Sequence[int | None], copy_zero: bool = True) -> list[Dim]:
    """A reshape target with ``0`` (copy, ONNX) and one ``-1`` (the rest) resolved;
    ``None`` stands for the unbound batch.

    >>> resolve_shape(Value((None, 4, 6)), [None, -1, 3])
    [None, 8, 3]
    >>> resolve_shape(Value((None, 4, 6)), [-1, 3])
    [None, 3]
    """
    out: list[Dim] = [
        x.shape[i] if t == 0 and copy_zero and i < len(x.shape) else t for i, t in enumerate(target)
    ]
    if sum(1 for t in out if t == -1) > 1:
        raise SpecError(f"reshape target {list(target)} has more than one -1")
    if any(t is not None and t < -1 for t in out):
        raise SpecError(f"reshape target {list(target)} has a negative size")
    known_in = math.prod(d for d in x.shape if d is not None)
    unknown_in = sum(1 for d in x.shape if d is None)
    unknown_out = sum(1 for t in out if t is None)
    rest = math.prod(t for t in out if t is not None and t != -1)
    if -1 in out:
        if rest == 0 or known_in % rest or unknown_in < unknown_out:
            raise SpecError(f"cannot reshape {list(x.shape)} to {list(target)}")
        # -1 takes the rest; with the unbound batch folded into it, it is unbound too
        out[out.index(-1)] = known_in // rest if unknown_in == unknown_out else None
    elif unknown_in == unknown_out and rest != known_in:
        raise SpecError(f"cannot reshape {list(x.shape)} ({known_in} values) to {list(target)}")
    return out


def reshape(run: GraphRun, x: Value, target: Sequence[int | None], keras: bool = False) -> Value:
    """Reshape *x* (``keras``: no ``0`` copy; the first entry is the batch)."""
    shape = resolve_shape(x, target, copy_zero=not keras)
    const = x.const if x.const is not None and len(shape) <= 1 else None
    return run.derive(shape, image_axes(x, shape), [(x, IDENTITY)], const)


def flatten(run: GraphRun, x: Value, axis: int) -> Value:
    """ONNX ``Flatten`` (Keras ``Flatten`` is ``axis=1``): two dims, split at *axis*."""
    rank = len(x.shape)
    if axis < 0:
        axis += rank
    if not 0 <= axis <= rank:
        raise SpecError(f"axis {axis} is out of range for {rank} dims")
    shape = (_prod(x.shape[:axis]) if axis else 1, _prod(x.shape[axis:]))
    return run.derive(shape, None, [(x, IDENTITY)])


def permute(run: GraphRun, x: Value, perm: Sequence[int]) -> Value:
    """Transpose by *perm*; the image survives when its axes keep their order."""
    rank = len(x.shape)
    if sorted(perm) != list(range(rank)):
        raise SpecError(f"permutation {list(perm)} does not fit {rank} dims")
    shape = [x.shape[p] for p in perm]
    axes = None if x.axes is None else tuple(list(perm).index(a) for a in x.axes)
    if axes is not None and list(axes) != sorted(axes):
        axes = None
    const = x.const if rank == 1 else None
    return run.derive(shape, axes, [(x, IDENTITY)], const)


def concat(run: GraphRun, ins: Sequence[Value], axis: int) -> Value:
    """Concatenate along *axis*; the other dims must agree."""
    rank = len(ins[0].shape)
    if axis < 0:
        axis += rank
    if not 0 <= axis < rank:
        raise SpecError(f"axis {axis} is out of range for {rank} dims")
    shape = list(ins[0].shape)
    total: Dim = 0
    for v in ins:
        if len(v.shape) != rank or any(
            i != axis and d != e and None not in (d, e)
            for i, (d, e) in enumerate(zip(v.shape, shape, strict=True))
        ):
            raise SpecError(
                "inputs do not fit along axis "
                + f"{axis}: "
                + ", ".join(str(list(w.shape)) for w in ins)
            )
        total = None if total is None or v.shape[axis] is None else total + (v.shape[axis] or 0)
    shape[axis] = total
    image = next((v for v in ins if v.axes is not None and axis not in v.axes), None)
    axes = image_axes(image, shape) if image is not None else None
    const = None
    if rank == 1 and all(v.const is not None for v in ins):
        const = tuple(c for v in ins for c in (v.const or ()))
    return run.derive(shape, axes, [(v, IDENTITY) for v in ins], const)
