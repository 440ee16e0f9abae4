"""Built-in network specs for ``convcalc chain`` (pure data, standard library only).

Each entry is the spec text (see :mod:`convcalc.netspec`), the input it was designed for
and a one-line description. Activations and dropout are left out: they change neither
shapes nor parameter counts. BatchNorm is folded into the conv before it (``bn``: 2
parameters per channel, as torchvision counts).

>>> sorted(BUILTINS)
['resnet-stem', 'resnet18', 'unet', 'vgg16']
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BUILTINS", "Builtin"]


@dataclass(frozen=True, slots=True)
class Builtin:
    name: str
    input: str
    description: str
    spec: str


def _basic(width: int, name: str, stride: int) -> str:
    """One torchvision BasicBlock (two 3×3 convs; 1×1 projection when the shape changes)."""
    first = (
        f"conv k3 s{stride} p1 c{width} nobias bn"
        if stride > 1
        else (f"conv k3 p1 c{width} nobias bn")
    )
    body = f"{first}, conv k3 p1 c{width} nobias bn"
    short = f" | conv k1 s{stride} c{width} nobias bn" if stride > 1 or width == -1 else ""
    return f"res[{body}{short}] @{name}"


def _resnet18() -> str:
    lines = ["conv k7 s2 p3 c64 nobias bn @conv1", "pool max k3 s2 p1 @maxpool"]
    for stage, width in enumerate((64, 128, 256, 512), start=1):
        stride = 1 if stage == 1 else 2
        lines.append(_basic(width, f"layer{stage}.0", stride))
        lines.append(_basic(width, f"layer{stage}.1", 1))
    lines += ["gap @avgpool", "flatten", "fc 1000 @fc"]
    return "\n".join(lines)


def _vgg16() -> str:
    lines = []
    for block, (width, convs) in enumerate(
        ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)), start=1
    ):
        lines.append(f"conv k3 p1 c{width} x{convs} @conv{block}")
        lines.append(f"pool max k2 s2 @pool{block}")
    lines += ["adaptive avg o7 @avgpool", "flatten", "fc 4096 @fc6", "fc 4096 @fc7", "fc 1000 @fc8"]
    return "\n".join(lines)


def _unet() -> str:
    """Ronneberger et al. 2015: unpadded 3×3 convs, 2×2 up-convs, cropped skip copies."""
    lines = []
    widths = (64, 128, 256, 512)
    for level, width in enumerate(widths, start=1):
        lines.append(f"conv k3 c{width}, conv k3 c{width} @e{level}")
        lines.append("pool max k2 s2")
    lines.append("conv k3 c1024, conv k3 c1024 @bottleneck")
    for level, width in reversed(list(enumerate(widths, start=1))):
        lines.append(f"deconv k2 s2 c{width} @up{level}")
        lines.append(f"cat e{level} crop")
        lines.append(f"conv k3 c{width}, conv k3 c{width}")
    lines.append("conv k1 c2 @head")
    return "\n".join(lines)


BUILTINS = {
    b.name: b
    for b in (
        Builtin(
            "resnet18",
            "224x224x3",
            "torchvision ResNet-18: 7×7/2 stem, 3×3 max pool, 8 BasicBlocks, 1000-way fc "
            "(11,689,512 parameters)",
            _resnet18(),
        ),
        Builtin(
            "resnet-stem",
            "224x224x3",
            "the ResNet stem alone: conv 7/2 pad 3 and max pool 3/2 pad 1 (receptive field 11, "
            "jump 4)",
            "conv k7 s2 p3 c64 nobias bn @conv1\npool max k3 s2 p1 @maxpool",
        ),
        Builtin(
            "vgg16",
            "224x224x3",
            "torchvision VGG-16: 13 3×3 convs in 5 blocks, 3 fc layers (138,357,544 parameters)",
            _vgg16(),
        ),
        Builtin(
            "unet",
            "572x572x1",
            "the original U-Net (Ronneberger 2015): unpadded convs, 2×2 transposed-conv "
            "up-sampling, centre-cropped skip copies; 572×572 → 388×388×2",
            _unet(),
        ),
    )
}
