"""LR-ASPP, the lite segmentation head of MobileNetV3 (Howard et al., "Searching for
MobileNetV3", 2019), laid out as torchvision's ``LRASPPHead``.

Shapes: two input maps, low (N, C_low, H, W) at stride 8 and high (N, C_high, h, w) at
stride 16 -> (N, C, H, W) logits.
Call flow: forward -> high: 1x1 conv + norm + ReLU, times a gate (global average pool ->
1x1 conv -> sigmoid) -> bilinear up to H x W -> 1x1 classifier; plus a 1x1 classifier
on low; the two summed.
"""
from typing import Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F

from plugins.decode_heads.decode_head import BaseDecodeHead
from plugins.errors import ConfigError
from plugins.layers import conv_norm_act
from plugins.registry import MODELS


@MODELS.register_module()
class LRASPPHead(BaseDecodeHead):
    """Args:
        in_channels: channels of the (low, high) inputs that ``in_index`` selects.
        channels: of the high branch (torchvision's ``inter_channels``).
        norm_cfg: norm after the high branch's conv.
        num_classes, in_index, loss_decode, ignore_index, align_corners: see
            ``BaseDecodeHead``.
    """

    def __init__(self, in_channels: Sequence[int], num_classes: int, channels: int = 128,
                 norm_cfg: dict = dict(type='BN'), in_index: Union[int, Sequence[int]] = (0, 1),
                 loss_decode=dict(type='CrossEntropyLoss', ignore_index=255),
                 ignore_index: int = 255, align_corners: bool = False,
                 init_cfg=dict(type='Normal', layer='Conv2d', std=0.01)):
        super().__init__(num_classes, in_index, loss_decode, ignore_index, align_corners, init_cfg)
        if isinstance(in_index, int) or len(in_index) != 2 or len(in_channels) != 2:
            raise ConfigError(f'LRASPPHead reads two maps (low, high): in_index={in_index}, '
                              f'in_channels={in_channels}')
        low, high = in_channels
        self.cbr = conv_norm_act(high, channels, 1, norm_cfg=norm_cfg)
        self.scale = nn.Sequential(nn.AdaptiveAvgPool2d(1),
                                   nn.Conv2d(high, channels, 1, bias=False), nn.Sigmoid())
        self.low_classifier = nn.Conv2d(low, num_classes, 1)
        self.high_classifier = nn.Conv2d(channels, num_classes, 1)

    def forward(self, inputs) -> torch.Tensor:
        low, high = self.select(inputs)
        x = self.cbr(high) * self.scale(high)
        x = F.interpolate(x, size=low.shape[-2:], mode='bilinear', align_corners=self.align_corners)
        return self.low_classifier(low) + self.high_classifier(x)
