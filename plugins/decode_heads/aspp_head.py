"""DeepLabV3's ASPP head (atrous spatial pyramid pooling), laid out as torchvision's
``DeepLabHead``.

Shapes: one input map (N, C_in, H, W) -> (N, C, H, W) logits.
Call flow: forward -> branches in parallel: 1x1 conv, one 3x3 conv per dilation
rate, and (optionally) global average pooling -> 1x1 conv -> broadcast back to
H x W -> concatenate -> 1x1 projection + dropout -> 3x3 conv -> 1x1 classifier.
Every conv is followed by a norm and ReLU except the classifier.
"""
from typing import Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F

from plugins.decode_heads.decode_head import BaseDecodeHead
from plugins.layers import DilatedConv2d, conv_norm_act
from plugins.registry import MODELS


@MODELS.register_module()
class ASPPHead(BaseDecodeHead):
    """Args:
        in_channels: channels of the input map; channels: of every branch and after.
        dilations: rates of the 3x3 atrous branches (DeepLabV3 at output stride 8:
            12, 24, 36; at 16: 6, 12, 18).
        image_pool: add the global-average-pooling branch.
        dropout: after the projection.
        norm_cfg: norm after each conv.
        num_classes, in_index, loss_decode, ignore_index, align_corners: see
            ``BaseDecodeHead``.
    """

    def __init__(self, in_channels: int, num_classes: int, channels: int = 256,
                 dilations: Sequence[int] = (12, 24, 36), image_pool: bool = True,
                 dropout: float = 0.5, norm_cfg: dict = dict(type='BN'),
                 in_index: Union[int, Sequence[int]] = -1,
                 loss_decode=dict(type='CrossEntropyLoss', ignore_index=255),
                 ignore_index: int = 255, align_corners: bool = False,
                 init_cfg=dict(type='Normal', layer='Conv2d', std=0.01)):
        super().__init__(num_classes, in_index, loss_decode, ignore_index, align_corners, init_cfg)
        self.aspp = nn.ModuleList(
            [conv_norm_act(in_channels, channels, 1, norm_cfg=norm_cfg)] +
            [conv_norm_act(in_channels, channels, 3, dilation=d, norm_cfg=norm_cfg,
                           conv=DilatedConv2d) for d in dilations])
        self.image_pool = (nn.Sequential(nn.AdaptiveAvgPool2d(1),
                                         conv_norm_act(in_channels, channels, 1, norm_cfg=norm_cfg))
                           if image_pool else None)
        branches = len(self.aspp) + (1 if image_pool else 0)
        self.project = nn.Sequential(
            conv_norm_act(branches * channels, channels, 1, norm_cfg=norm_cfg), nn.Dropout(dropout))
        self.bottleneck = conv_norm_act(channels, channels, 3, norm_cfg=norm_cfg)
        self.conv_seg = nn.Conv2d(channels, num_classes, 1)

    def forward(self, inputs) -> torch.Tensor:
        x = self.select(inputs)
        outs = [branch(x) for branch in self.aspp]
        if self.image_pool is not None:
            outs.append(F.interpolate(self.image_pool(x), size=x.shape[-2:], mode='bilinear',
                                      align_corners=False))
        return self.conv_seg(self.bottleneck(self.project(torch.cat(outs, dim=1))))
