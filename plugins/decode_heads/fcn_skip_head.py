"""FCN-32s / 16s / 8s: the skip-connection decoders of Long, Shelhamer and Darrell.

Shapes: maps at strides 8, 16, 32 (e.g. VGG pool3 / pool4 / fc7, or ResNet
stages 2-4) -> (N, C, H, W) logits at the input size H x W (a multiple of 32).
Call flow: forward -> a 1x1 score conv on each used map -> start from the
coarsest score -> for each finer map: x2 transposed conv, add its score (the
skip) -> one transposed conv up by the finest used stride.
FCN-32s uses only the coarsest map (``in_index`` of length 1), FCN-16s adds the
stride-16 map, FCN-8s the stride-8 map too. Every transposed conv starts as
bilinear interpolation and is learned.
"""
from typing import Sequence

import torch
import torch.nn as nn

from plugins.decode_heads.decode_head import BaseDecodeHead
from plugins.errors import ConfigError
from plugins.registry import MODELS


def bilinear_kernel(channels: int, kernel: int) -> torch.Tensor:
    """(channels, channels, k, k) weights that make ConvTranspose2d bilinear upsampling."""
    factor = (kernel + 1) // 2
    centre = factor - 1 if kernel % 2 == 1 else factor - 0.5
    ramp = 1 - (torch.arange(kernel, dtype=torch.float32) - centre).abs() / factor
    weight = torch.zeros(channels, channels, kernel, kernel)
    weight[range(channels), range(channels)] = ramp[:, None] * ramp[None, :]
    return weight


def upsample(channels: int, factor: int) -> nn.ConvTranspose2d:
    """Learnable x``factor`` upsampling, bilinear at the start, exact output size."""
    up = nn.ConvTranspose2d(channels, channels, 2 * factor, stride=factor, padding=factor // 2,
                            bias=False)
    with torch.no_grad():
        up.weight.copy_(bilinear_kernel(channels, 2 * factor))
    return up


@MODELS.register_module()
class FCNSkipHead(BaseDecodeHead):
    """Args:
        in_channels: channels of each used map, finest first.
        strides: stride of each used map, finest first; consecutive ones differ by 2.
        num_classes, in_index (the used maps, finest first), loss_decode,
            ignore_index, align_corners: see ``BaseDecodeHead``.
    """

    def __init__(self, in_channels: Sequence[int], strides: Sequence[int], num_classes: int,
                 in_index: Sequence[int] = (-1,),
                 loss_decode=dict(type='CrossEntropyLoss', ignore_index=255),
                 ignore_index: int = 255, align_corners: bool = False,
                 init_cfg=dict(type='Normal', layer='Conv2d', std=0.01)):
        # the Normal init matches Conv2d only: the transposed convs keep their bilinear start
        super().__init__(num_classes, list(in_index), loss_decode, ignore_index, align_corners,
                         init_cfg)
        if not len(in_channels) == len(strides) == len(self.in_index):
            raise ConfigError(f'in_channels {list(in_channels)}, strides {list(strides)} and '
                              f'in_index {list(in_index)} need one entry per used map')
        if any(b != 2 * a for a, b in zip(strides[:-1], strides[1:])):
            raise ConfigError(f'strides {list(strides)} must double from map to map')
        self.scores = nn.ModuleList(nn.Conv2d(c, num_classes, 1) for c in in_channels)
        self.ups = nn.ModuleList(upsample(num_classes, 2) for _ in strides[1:])
        self.final_up = upsample(num_classes, strides[0])
        self.stride = strides[0]

    def forward(self, inputs) -> torch.Tensor:
        maps = self.select(inputs)
        x = self.scores[-1](maps[-1])
        for i in range(len(maps) - 2, -1, -1):  # coarse to fine
            x = self.ups[i](x) + self.scores[i](maps[i])
        return self.final_up(x)
