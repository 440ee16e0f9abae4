"""The NumPy executor: convolution, transposed convolution, pooling and unpooling that give
TensorFlow's and PyTorch's numbers, with every size and pad taken from :mod:`convcalc.shape`.

NumPy arrays (or nested lists) in, NumPy arrays out. float32 and float64 are kept; float16
computes in float32; integers and bool compute in float64. NaN and inf propagate as in NumPy.

>>> from convcalc.execute import conv
>>> conv([1, 2, 3], [0, 1, 0.5], padding="full", flip=True).tolist()
[0.0, 1.0, 2.5, 4.0, 1.5]
"""

from __future__ import annotations

from convcalc.execute._base import BLOCK_BYTES, CHUNK_BUDGET, clear_workspace
from convcalc.execute.conv import conv
from convcalc.execute.layout import LAYOUTS, Layout, get_layout
from convcalc.execute.memory import memory_limit
from convcalc.execute.pad import PADDING_MODES
from convcalc.execute.pool import (
    avg_pool,
    max_pool,
    max_unpool,
    padding_only_windows,
    pool_divisor,
)
from convcalc.execute.transpose import conv_transpose

__all__ = [
    "BLOCK_BYTES",
    "CHUNK_BUDGET",
    "LAYOUTS",
    "PADDING_MODES",
    "Layout",
    "avg_pool",
    "clear_workspace",
    "conv",
    "conv_transpose",
    "get_layout",
    "max_pool",
    "max_unpool",
    "memory_limit",
    "padding_only_windows",
    "pool_divisor",
]
