"""Click parameter types, the geometry options every command shares, and
:func:`stack_options`, which turns a family of options into one decorator.

Strings become engine values here, once: ``224x224`` → ``(224, 224)``; ``1:2x0:1`` →
``((1, 2), (0, 1))``; ``same_lower`` → ``Padding.SAME_LOWER``. Malformed values are usage
errors (exit status 2). Numbers are ASCII digits only (``５``, ``1_000`` and ``٣`` are not
sizes, although Python's ``int`` reads them) and at most ``MAX_SIZE`` = 2**40.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from convcalc.errors import SpecError
from convcalc.shape import Padding
from convcalc.shape.axes import MAX_SIZE, check_size, parse_int

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

__all__ = [
    "CEIL_MODE",
    "DILATION",
    "INPUT",
    "OUTPUT_PADDING",
    "OUTPUT_SIZE",
    "PADDING",
    "PaddingType",
    "SizesType",
    "count_pad_option",
    "geometry_options",
    "input_option",
    "padding_option",
    "pool_op_option",
    "stack_options",
]

F = TypeVar("F", bound=Callable[..., Any])
PadEntry = int | tuple[int, int]
PaddingValue = Padding | tuple[PadEntry, ...]


class SizesType(click.ParamType[tuple[int, ...], Any]):
    """One size per axis: ``13``, ``224x224``, ``16x32x32`` (``,`` works too). ASCII digits
    only (``５`` is refused, see :func:`~convcalc.shape.axes.parse_int`), each ≤ 2**40."""

    name = "sizes"

    def __init__(self, minimum: int = 1) -> None:
        self.minimum = minimum

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        parts = str(value).lower().replace(",", "x").split("x")
        try:
            sizes = tuple(parse_int(part) for part in parts)
        except SpecError as exc:
            self.fail(str(exc), param, ctx)
        except ValueError:
            self.fail(
                f"{value!r} is not a size list such as 13, 224x224 or 16x32x32 (ASCII digits)",
                param,
                ctx,
            )
        low = [v for v in sizes if v < self.minimum]
        if low:
            self.fail(f"{value!r}: every value must be ≥ {self.minimum}, got {low[0]}", param, ctx)
        try:
            return tuple(check_size("size", v, self.minimum) for v in sizes)
        except SpecError as exc:
            self.fail(str(exc), param, ctx)


class PaddingType(click.ParamType[PaddingValue, Any]):
    """A mode name, or explicit pads: ``1`` (every side), ``1x2`` (per axis), ``1:2``
    (before:after), ``1:2x0:1`` (before:after per axis)."""

    name = "padding"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> PaddingValue:
        if isinstance(value, (Padding, tuple)):
            return value
        text = str(value).strip()
        if text[:1].isalpha():
            try:
                return Padding.parse(text)
            except SpecError as exc:
                self.fail(str(exc), param, ctx)
        try:
            return tuple(_pad_entry(part) for part in text.lower().split("x"))
        except ValueError:
            self.fail(
                f"{value!r} is neither a mode ({', '.join(Padding.names())}) nor pads "
                "such as 1, 1x2, 1:2 or 1:2x0:1 (ASCII digits, 0 to 2**40)",
                param,
                ctx,
            )

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem  # only when completing

        return [CompletionItem(n) for n in Padding.names() if n.startswith(incomplete)]

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "MODE|PADS"


def _pad_entry(text: str) -> PadEntry:
    values = [parse_int(v) for v in text.split(":")]
    if len(values) > 2 or min(values) < 0 or max(values) > MAX_SIZE:
        raise ValueError(text)
    return values[0] if len(values) == 1 else (values[0], values[1])


SIZES = SizesType()
PADDING = PaddingType()


def stack_options(*options: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying *options* in the order listed (the first is the first shown
    in ``--help``), so that a family of options is declared once and reused.

    >>> @click.command()
    ... @stack_options(click.option("--a", is_flag=True), click.option("--b", is_flag=True))
    ... def cmd(a: bool, b: bool) -> None: ...
    >>> [p.name for p in cmd.params]
    ['a', 'b']
    """

    def decorate(f: F) -> F:
        for option in reversed(options):
            f = option(f)
        return f

    return decorate


DILATION = click.option(
    "-d",
    "--dilation",
    type=SIZES,
    default="1",
    show_default=True,
    help="Dilation (gap between taps): one value or one per axis.",
)


def padding_option(default: str, help: str) -> Callable[[F], F]:
    """``-p/--padding``: a mode or explicit pads, with each command's default and *help*."""
    return click.option(
        "-p", "--padding", type=PADDING, default=default, show_default=True, help=help
    )


def geometry_options(
    *, padding_default: str = "valid", stride_default: str | None = "1"
) -> Callable[[F], F]:
    """``-k/--kernel``, ``-s/--stride``, ``-d/--dilation`` and ``-p/--padding``."""
    return stack_options(
        click.option(
            "-k",
            "--kernel",
            type=SIZES,
            required=True,
            help="Kernel (window) size: one value for every axis, or 3x5.",
        ),
        click.option(
            "-s",
            "--stride",
            type=SIZES,
            default=stride_default,
            show_default=stride_default is not None,
            help="Stride: one value or one per axis."
            + ("" if stride_default else "  [default: the kernel]"),
        ),
        DILATION,
        padding_option(
            padding_default,
            "valid, same, same-lower, full, causal, or pads: 1 (every side), 1x2 (per axis), "
            "1:2 (before:after), 1:2x0:1.",
        ),
    )


def input_option(help: str, *, required: bool = True) -> Callable[[F], F]:
    """``-i/--input SIZES``, stored as ``input_``, with each command's own *help*."""
    return click.option(
        "-i", "--input", "input_", type=SIZES, required=required, metavar="SIZES", help=help
    )


INPUT = input_option("Spatial input size: 13, 224x224, 16x32x32 (ASCII digits, each ≤ 2**40).")
CEIL_MODE = click.option(
    "--ceil-mode",
    is_flag=True,
    help="Round the window count up (PyTorch/ONNX ceil_mode; a window that would start in "
    "the right padding is dropped).",
)
OUTPUT_PADDING = click.option(
    "--output-padding",
    type=SizesType(minimum=0),
    metavar="SIZES",
    help="Cells added at the end (PyTorch; with a mode name: Keras' meaning).",
)
OUTPUT_SIZE = click.option(
    "--output-size",
    type=SIZES,
    metavar="SIZES",
    help="Wanted output size (TensorFlow output_shape / PyTorch output_size); the "
    "output_padding that reaches it is found, or the reachable range named.",
)


def pool_op_option(dest: str) -> Callable[[F], F]:
    """``--op max|avg`` (alias ``--type``), stored as *dest*."""
    return click.option(
        "--op",
        "--type",
        dest,
        type=click.Choice(["max", "avg"]),
        default="max",
        show_default=True,
        help="Max pooling (pad cells are −inf) or average pooling.",
    )


def count_pad_option(dest: str, default_text: str | None = None) -> Callable[[F], F]:
    """``--count-include-pad/--no-count-include-pad`` (alias ``--count-pad``), stored as
    *dest*; unset (``None``) means the default rule that *default_text* describes."""
    return click.option(
        "--count-include-pad/--no-count-include-pad",
        "--count-pad/--no-count-pad",
        dest,
        default=None,
        help="Average pooling: count pad cells in each divisor (PyTorch count_include_pad) "
        "or not (TensorFlow, ONNX) "
        + (default_text or "[default: include for explicit pads, exclude for a mode name]."),
    )
