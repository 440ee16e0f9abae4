"""Reading ``convcalc run``'s operands and writing its results (NumPy is imported inside).

The input is a FILE, or stdin when FILE is ``-`` or absent (read only when it is not a
terminal); ``-k``/``-b`` are built-in names, inline JSON or files; results go to stdout or
to ``-o FILE`` (atomically, with any ``--indices`` file).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

import click

from convcalc.cli.run_options import IMAGE_FORMATS, KERNEL_NAMES

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["emit", "isatty", "load_bias", "read_input", "warn_pool", "weights"]

BINARY = ("npy", "npz", *IMAGE_FORMATS)

TEXT_BYTES_PER_NUMBER = 700
"""Peak memory of writing one number as text, CSV or JSON (measured: up to about 670 bytes
for a 1-D array as aligned text); results whose text would exceed the memory limit are
refused before formatting."""


def read_input(input_file: str | None, input_format: str) -> tuple[npt.NDArray[Any], str]:
    """The input array and its format; stdin only when asked for or piped."""
    from convcalc.arrays import formats as arrayio

    spec = input_file if input_file is not None else "-"
    if input_file is None and isatty(sys.stdin):
        raise click.UsageError("no input: give a FILE, or pipe an array into stdin")
    from convcalc.execute.memory import check_memory

    fmt = None if input_format == "auto" else input_format
    ctx = click.get_current_context()
    output, output_format = ctx.params.get("output"), ctx.params.get("output_format")
    _output_format(fmt, output, output_format)  # a bad --bit-depth before reading
    channels = ctx.meta.get("convcalc.channels", "grey")
    stdin = _binary(sys.stdin)
    x, found = arrayio.read_array(spec, fmt, stdin=stdin, channels=channels, check=check_memory)
    if found in IMAGE_FORMATS:
        from convcalc.arrays.images import to_layout

        x = to_layout(x, ctx.params.get("layout") or "plain")
    if (
        _output_format(found, output, output_format) not in BINARY
    ):  # the layer is refused up front if its text would not fit
        from convcalc.execute.memory import per_output_cell

        ctx.with_resource(per_output_cell("the text of the output", TEXT_BYTES_PER_NUMBER))
    return x, found


def _output_format(
    input_format: str | None, output: str | None, output_format: str | None
) -> str | None:
    """The format the result will be written in (a binary one bound for a terminal is
    shown as text or JSON instead: see :func:`emit`); ``None`` when it is the input's, not
    known yet. A bit depth the output image format cannot hold is refused here, before
    the input is read."""
    from convcalc.arrays import formats as arrayio

    to_stdout = output in (None, "-")
    fmt = output_format or (None if to_stdout else arrayio.format_for_path(str(output)))
    fmt = fmt or input_format
    if to_stdout and fmt in BINARY and not output_format and isatty(sys.stdout):
        return "text"
    from convcalc.arrays.images import DEEP_FORMATS

    bits = int(click.get_current_context().meta.get("convcalc.bit_depth", "8"))
    if fmt in IMAGE_FORMATS and bits == 16 and fmt not in DEEP_FORMATS:
        raise click.BadParameter(
            f"16-bit images are written as PNG or TIFF, not {fmt}", param_hint="'--bit-depth'"
        )
    return fmt


def _binary(stream: Any) -> IO[bytes]:
    """The byte stream under a text stream (``sys.stdin.buffer``)."""
    return getattr(stream, "buffer", stream)  # type: ignore[no-any-return]


def isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _load_operand(spec: str, what: str, option: str) -> npt.NDArray[Any]:
    """An array option: inline JSON or a file (``FILE.npz:NAME``)."""
    from convcalc.arrays import formats as arrayio

    text = spec.strip()
    if text.startswith("["):
        return arrayio.parse_array(text.encode(), "json", what=what)[0]
    path, _ = arrayio.split_name(text)
    if path == "-" or not os.path.isfile(path):
        raise click.BadParameter(
            f"{spec!r} is not inline JSON (such as '[[1,0],[0,-1]]') or an existing file"
            + (f", nor a built-in kernel ({', '.join(KERNEL_NAMES)})" if what == "kernel" else ""),
            param_hint=option,
        )
    return arrayio.read_array(text, what=what)[0]


def load_bias(spec: str | None) -> npt.NDArray[Any] | None:
    if spec is None:
        return None
    import numpy as np

    try:
        return np.array([float(spec)])
    except ValueError:
        return _load_operand(spec, "bias", "'-b' / '--bias'")


def weights(
    spec: str, x: npt.NDArray[Any], layout: str, groups: int | None, *, transposed: bool
) -> tuple[npt.NDArray[Any], int]:
    """The kernel array in *layout* and the group count.

    A built-in kernel filters every channel separately in batched layouts (depthwise).
    """
    import numpy as np

    from convcalc.arrays.kernels import builtin_kernel
    from convcalc.execute import get_layout

    lay = get_layout(layout)
    if spec.strip().lower().replace("_", "-") not in KERNEL_NAMES:
        return _load_operand(spec, "kernel", "'-k' / '--kernel'"), groups or 1
    rank = lay.spatial_rank(x)
    k = builtin_kernel(spec, rank)
    if lay.channels == "none":
        return k, groups or 1
    channels = x.shape[1] if lay.channels == "first" else x.shape[-1]
    if groups not in (None, channels):
        raise click.BadParameter(
            f"a built-in kernel filters every channel separately (groups = C = {channels}), "
            f"got {groups}; pass a kernel array for other groupings",
            param_hint="'-g' / '--groups'",
        )
    if lay.channels == "first":
        w = np.broadcast_to(k, (channels, 1, *k.shape))
    else:
        w = np.broadcast_to(k[..., None, None], (*k.shape, 1, channels))
    return w, channels


def emit(
    result: npt.NDArray[Any],
    input_format: str,
    output: str | None,
    output_format: str | None,
    extra: list[tuple[str, npt.NDArray[Any]]] | None = None,
) -> None:
    """Write the result (and extra arrays, e.g. argmax indices) in the chosen formats; with
    ``--show``, draw it too: on stdout, or on stderr when stdout carries binary data."""
    from convcalc.cli.run_progress import finish_progress

    finish_progress()
    binary_on_stdout = _write(result, input_format, output, output_format, extra)
    ctx = click.get_current_context()
    if ctx.meta.get("convcalc.show"):
        from convcalc.cli.show_cmd import print_picture

        layout = ctx.params.get("layout") or "plain"
        cmap = "auto"
        if ctx.meta.get("convcalc.channels") == "rgb" and _holds_colours(result, layout):
            cmap = "rgb"
        print_picture(result, layout=layout, cmap=cmap, err=binary_on_stdout)


def _holds_colours(result: npt.NDArray[Any], layout: str) -> bool:
    """Whether *result* has 3 channels (the last axis under ``plain``) all in [0, 1]."""
    import numpy as np

    axis = 1 if layout.startswith("nc") else -1
    if result.ndim < 3 or result.shape[axis] != 3:
        return False
    finite = result[np.isfinite(result)]
    return bool(finite.size and finite.min() >= 0 and finite.max() <= 1)


def _write(
    result: npt.NDArray[Any],
    input_format: str,
    output: str | None,
    output_format: str | None,
    extra: list[tuple[str, npt.NDArray[Any]]] | None,
) -> bool:
    """:func:`emit`'s writing; whether binary data went to stdout."""
    from convcalc.arrays import formats as arrayio

    meta = click.get_current_context().meta
    precision: int | None = meta.get("convcalc.precision")
    normalize = meta.get("convcalc.normalize", "auto")
    bits = int(meta.get("convcalc.bit_depth", "8"))
    to_stdout = output in (None, "-")
    fmt = output_format or (None if to_stdout else arrayio.format_for_path(str(output)))
    fmt = fmt or input_format
    stdout = _binary(sys.stdout)
    if to_stdout and fmt in BINARY and isatty(sys.stdout):
        if output_format:
            raise click.UsageError(
                f"refusing to write binary {fmt} to a terminal; redirect stdout or use -o FILE"
            )
        fmt = "text" if result.ndim <= 2 else "json"

    def writer(array: npt.NDArray[Any], chosen: str) -> Callable[[IO[bytes]], None]:
        options = {"precision": precision, "normalize": normalize, "bit_depth": bits}
        return lambda stream: arrayio.write_array(array, chosen, stream, **options)

    if fmt in IMAGE_FORMATS:
        from convcalc.arrays.images import from_layout

        result = from_layout(result, click.get_current_context().params.get("layout", "plain"))
    chosen = [(path, array, arrayio.format_for_path(path) or fmt) for path, array in extra or []]
    if any(f in IMAGE_FORMATS for _, _, f in chosen):
        raise click.BadParameter(
            "argmax indices are written as arrays (.npy, .json, ...), not images",
            param_hint="'--indices'",
        )
    _check_text_size([(result, fmt), *((array, f) for _, array, f in chosen)])
    files = [(path, writer(array, f)) for path, array, f in chosen]
    if not to_stdout:
        arrayio.write_outputs([(str(output), writer(result, fmt)), *files])
        return False
    if fmt in BINARY:
        if files:
            arrayio.write_outputs(files)
        arrayio.write_array(result, fmt, stdout)
    else:
        text = arrayio.format_array(result, fmt, precision=precision).encode("utf-8")
        if files:
            arrayio.write_outputs(files)
        stdout.write(text)
    stdout.flush()
    return fmt in BINARY


def _check_text_size(arrays: list[tuple[npt.NDArray[Any], str]]) -> None:
    """Refuse text, CSV or JSON output that would not fit the memory limit."""
    from convcalc.execute.memory import check_memory

    numbers = sum(array.size for array, fmt in arrays if fmt not in BINARY)
    check_memory([(f"the text of {numbers} numbers", numbers * TEXT_BYTES_PER_NUMBER)])


def warn_pool(
    x: npt.NDArray[Any],
    window: tuple[int, ...],
    geometry: dict[str, Any],
    op: str,
    count_include_pad: bool | None,
) -> None:
    """One ``warning:`` line on stderr where PyTorch would not compute this pooling: pads
    over half the window (PyTorch refuses them), windows of padding only (``-inf`` under
    max, NaN under an average of the real cells)."""
    from convcalc.execute import get_layout, padding_only_windows
    from convcalc.shape import default_count_include_pad, pool_plan

    spatial = get_layout(geometry["layout"]).to_first(x).shape[2:]
    plan = pool_plan(
        spatial,
        window,
        stride=geometry["stride"],
        dilation=geometry["dilation"],
        padding=geometry["padding"],
        ceil_mode=geometry["ceil_mode"],
    )
    notes = [
        f"pad {max(a.pads)} is over half the window {a.kernel} on axis {index} "
        f"(PyTorch allows at most {a.kernel // 2} and refuses this layer)"
        for index, a in enumerate(plan.axes)
        if max(a.pads) > a.kernel // 2
    ][:1]
    empty = padding_only_windows(plan)
    include = default_count_include_pad(plan) if count_include_pad is None else count_include_pad
    if empty and (op == "max" or not include):
        value = "-inf" if op == "max" else "NaN (0/0)"
        notes.append(f"{empty} output cell(s) pool padding only and are {value}")
    if notes:
        click.echo("warning: " + "; ".join(notes), err=True)
