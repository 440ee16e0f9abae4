"""``convcalc shape resize`` and ``convcalc run resize``: interpolation under each library's
convention (registered by :mod:`convcalc.cli.shape_cmd` and :mod:`convcalc.cli.run_cmd`).

The shape query loads neither NumPy nor Rich; ``run resize`` has ``run conv``'s I/O
(FILE or stdin, ``-o``, formats, ``--layout``, ``--precision``, ``--max-memory``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

from convcalc.cli.params import INPUT, SIZES
from convcalc.cli.run_options import io_options
from convcalc.shape.resize import CONVENTIONS, COORDINATE_MODES, MODES, NEAREST_RULES

__all__ = ["CONVENTIONS", "COORDINATE_MODES", "MODES", "NEAREST_RULES", "ScalesType",
           "compare_resize", "diagram_resize", "port_resize", "run_resize",
           "shape_resize"]  # fmt: skip


F = TypeVar("F", bound=Callable[..., Any])
Sizes = tuple[int, ...]

MAX_SCALE = 2.0**40


class ScalesType(click.ParamType[tuple[float, ...], Any]):
    """One scale factor, or one per axis: ``2``, ``1.5x2``, ``0.5x2x2``; each finite, > 0."""

    name = "scales"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[float, ...]:
        if isinstance(value, tuple):
            return value
        parts = str(value).strip().lower().replace(",", "x").split("x")
        try:
            scales = tuple(float(p) for p in parts if p.isascii())
        except ValueError:
            scales = ()
        if len(scales) != len(parts) or len(scales) > 3:
            self.fail(f"{value!r} is not a scale such as 2, 0.5 or 1.5x2", param, ctx)
        for s in scales:
            if not (math.isfinite(s) and 0 < s <= MAX_SCALE):
                self.fail(f"{value!r}: every scale must be a number > 0 (and ≤ 2**40)", param, ctx)
        return scales


def resize_options(f: F) -> F:
    """Target (``--size``/``--scale``), mode, convention and the knobs."""
    return _options(f, convention=True)


def port_options(f: F) -> F:
    """``resize_options`` without ``--convention`` (``port`` has ``--from``)."""
    return _options(f, convention=False)


def _options(f: F, *, convention: bool) -> F:
    for option in reversed(
        [
            click.option("--size", type=SIZES, help="Output size per spatial axis: 8, 8x6."),
            click.option("--scale", type=ScalesType(), help="Scale factor(s): 2, 1.5x2."),
            click.option(
                "--mode", type=click.Choice(MODES), default="nearest", show_default=True,
                help="linear is bi-/trilinear by rank; nearest-exact is PyTorch's.",
            ),
            *[click.option(
                "--convention", type=click.Choice(CONVENTIONS), default="torch",
                show_default=True,
                help="Whose resize: torch F.interpolate, tf tf.image.resize, tf1 "
                "tf.compat.v1.image.resize_*, keras Resizing/UpSampling, onnx Resize, "
                "opencv cv2.resize and pil Image.resize (plain 2-D), jax jax.image.resize.",
            )][: 1 if convention else 0],
            click.option("--align-corners", is_flag=True, default=None,
                         help="torch, tf1, onnx: corner pixels aligned."),
            click.option("--half-pixel-centers", is_flag=True, default=None,
                         help="tf1: half-pixel centres (TF2's default)."),
            click.option("--recompute-scale-factor", is_flag=True,
                         help="torch with --scale: map coordinates with out/in."),
            click.option("--coordinate-mode", type=click.Choice(COORDINATE_MODES),
                         help="onnx coordinate_transformation_mode [default: half_pixel]"),
            click.option("--nearest-mode", type=click.Choice(NEAREST_RULES),
                         help="onnx nearest_mode [default: round_prefer_floor]"),
            click.option("--cubic-a", type=float, help="onnx cubic_coeff_a [default: -0.75]"),
            click.option("--exclude-outside", is_flag=True, default=None,
                         help="onnx exclude_outside: drop taps outside, renormalise."),
            click.option("--antialias/--no-antialias", default=None,
                         help="Widen the kernel on downscale: torch (linear, cubic 2-D), "
                         "tf, onnx, jax [default: on for jax, off otherwise]."),
        ]
    ):  # fmt: skip
        f = option(f)
    return f


def _knobs(size: Sizes | None, scale: tuple[float, ...] | None, **knobs: Any) -> dict[str, Any]:
    if size is not None and scale is not None:
        raise click.UsageError("give --size or --scale, not both")
    if size is None and scale is None:
        raise click.UsageError("give the output --size or a --scale")
    return {"size": size, "scale": scale, **knobs}


@click.command("resize")
@INPUT
@resize_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--explain", is_flag=True, help="Show the arithmetic step by step.")
def shape_resize(
    input_: Sizes,
    size: Sizes | None,
    scale: tuple[float, ...] | None,
    as_json: bool,
    explain: bool,
    **knobs: Any,
) -> None:
    """Interpolation resize: output size, coordinate rule, per output its taps and weights.

    \b
    convcalc shape resize -i 5 --scale 2 --mode linear
    convcalc shape resize -i 4 --size 8 --mode cubic --convention tf --explain
    convcalc shape resize -i 4x4 --size 8x8 --mode nearest --convention onnx \\
        --coordinate-mode asymmetric --nearest-mode floor --json
    """
    from convcalc.report.resize_report import explain_resize, resize_dict, resize_text
    from convcalc.shape.resize import resize_plan

    plan = resize_plan(input_, **_knobs(size, scale, **knobs))
    steps = explain_resize(plan) if explain else None
    if as_json:
        import json

        data = resize_dict(plan)
        click.echo(json.dumps(data if steps is None else {**data, "explain": steps}))
        return
    click.echo(resize_text(plan))
    if steps:
        click.echo("\nstep by step:\n" + "\n".join(steps))


@click.command("resize")
@io_options
@resize_options
def run_resize(
    input_file: str | None,
    output: str | None,
    input_format: str,
    output_format: str | None,
    layout: str,
    size: Sizes | None,
    scale: tuple[float, ...] | None,
    **knobs: Any,
) -> None:
    """Resize an array's spatial axes as the chosen library does (N and C pass through).

    Layouts: nchw/ncw/ncdhw for torch and onnx, nhwc/nwc/ndhwc for tf, tf1 and keras;
    plain (spatial axes only) for all.

    \b
    convcalc run resize --scale 2 --mode linear image.json
    convcalc run resize --size 8x8 --mode cubic --convention tf --layout nhwc x.npy -o y.npy
    """
    from convcalc.cli.run_io import emit, read_input
    from convcalc.execute.resize import resize

    options = _knobs(size, scale, **knobs)
    x, fmt = read_input(input_file, input_format)
    emit(resize(x, layout=layout, **options), fmt, output, output_format)


@click.command("resize")
@click.option("-i", "--input", "input_", type=SIZES, required=True, metavar="SIZE",
              help="Input size of the axis compared (one value).")  # fmt: skip
@click.option("--size", type=SIZES, help="Output size.")
@click.option("--scale", type=ScalesType(), help="Scale factor.")
@click.option("--mode", type=click.Choice(MODES), default="linear", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def compare_resize(
    input_: Sizes,
    size: Sizes | None,
    scale: tuple[float, ...] | None,
    mode: str,
    as_json: bool,
) -> None:
    """One resize under every library's convention: sizes, coordinates, a ramp's output;
    rows that differ from PyTorch's are marked * with the reason.

    \b
    convcalc compare resize -i 4 --size 8 --mode cubic
    convcalc compare resize -i 8 --size 3 --mode linear --json
    """
    from convcalc.report.resize_compare import compare_dict, compare_rows, compare_text

    if len(input_) != 1 or (size is not None and len(size) != 1):
        raise click.UsageError("compare resize takes one axis: -i N and --size M (or --scale F)")
    if scale is not None and len(scale) != 1:
        raise click.UsageError("compare resize takes one --scale factor")
    _knobs(size, scale)
    n = input_[0]
    rows = compare_rows(
        n, size=None if size is None else size[0], scale=None if scale is None else scale[0],
        mode=mode,
    )  # fmt: skip
    if as_json:
        import json

        click.echo(json.dumps(compare_dict(rows, n, mode)))
        return
    target = f"size {size[0]}" if size is not None else f"scale {scale[0] if scale else ''}"
    title = f"resize · {mode} · input {n} → {target} · ramp 0 … {n - 1} (one axis of a 2-D image)"
    click.echo(compare_text(rows, title))


@click.command("resize")
@INPUT
@port_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def port_resize(
    ctx: click.Context,
    /,
    input_: Sizes,
    size: Sizes | None,
    scale: tuple[float, ...] | None,
    as_json: bool,
    **knobs: Any,
) -> None:
    """Port a resize: every spelling in the target with the same taps and weights.

    The options are read the way the source library reads them (--scale is PyTorch's
    scale_factor, ONNX's scales).

    \b
    convcalc port --from torch --to tf resize -i 4x4 --size 8x8 --mode linear
    convcalc port --from torch --to onnx resize -i 4x4 --scale 2 --mode nearest
    """
    from convcalc.frameworks.resize_port import port_resize as find

    source, target = ctx.obj["from"], ctx.obj["to"]
    options = _knobs(size, scale, **knobs)
    found = find(source, target, input_, **options)
    if as_json:
        import json

        click.echo(json.dumps({"op": "resize", "from": source, "to": target,
                               "exact": [s.code for s in found]}))  # fmt: skip
        return
    click.echo(
        f"resize {knobs['mode']} from {source} → {target} (exact at these sizes: the same "
        "taps and weights at every output):"
    )
    if not found:
        click.echo(
            f"  no exact equivalent: none of {target}'s spellings (modes, coordinate rules, "
            "flags) gives the same taps and weights; 'convcalc compare resize' shows how "
            "they differ"
        )
        return
    click.echo(f"  {found[0].code}")
    for other in found[1:]:
        click.echo(f"  also exact: {other.code}")


@click.command("resize")
@INPUT
@resize_options
def diagram_resize(
    input_: Sizes, size: Sizes | None, scale: tuple[float, ...] | None, **knobs: Any
) -> None:
    """Output pixel centres over the input grid, a strip per axis, and each output's taps
    and weights; --convention shows the half-pixel shift.

    \b
    convcalc diagram resize -i 4 --size 8 --mode linear
    convcalc diagram resize -i 4x4 --size 8x8 --mode linear --convention tf1
    """
    from convcalc.diagram.resize_strip import resize_strips
    from convcalc.errors import SpecError
    from convcalc.shape.resize import resize_plan

    options = _knobs(size, scale, **knobs)
    try:
        plan, axes = resize_plan(input_, **options), len(input_)
    except SpecError:
        if len(input_) != 1:
            raise
        # A 1-D query under a library that resizes 2-D images: one axis of a square one.
        square = {k: (v * 2 if k in ("size", "scale") and v is not None else v)
                  for k, v in options.items()}  # fmt: skip
        plan, axes = resize_plan(input_ * 2, **square), 1
    click.echo("\n".join(resize_strips(plan, axes)).rstrip("\n"))
