"""Dilated FCN head (the "FCN" of mmsegmentation and torchvision's FCNHead).

Shapes: one input map (N, C_in, H, W) -> (N, C, H, W) logits at the map's own
resolution (1/8 of the input on an output-stride-8 backbone).
Call flow: forward -> ``num_convs`` 3x3 conv + norm + ReLU -> [concat with the
input -> 3x3 conv] -> dropout -> 1x1 classifier.
"""
from typing import Union, Sequence

import torch
import torch.nn as nn

from plugins.decode_heads.decode_head import BaseDecodeHead
from plugins.layers import conv_norm_act
from plugins.registry import MODELS


@MODELS.register_module()
class FCNHead(BaseDecodeHead):
    """Args:
        in_channels: channels of the input map; channels: of the hidden convs.
        num_convs: hidden 3x3 convs (torchvision: 1, with channels = in_channels / 4).
        dilation: of the hidden convs.
        concat_input: concatenate the input with the hidden output, then one more conv.
        dropout: before the classifier.
        norm_cfg: norm after each hidden conv.
        num_classes, in_index, loss_decode, ignore_index, align_corners: see
            ``BaseDecodeHead``.
    """

    def __init__(self, in_channels: int, channels: int, num_classes: int, num_convs: int = 1,
                 dilation: int = 1, concat_input: bool = False, dropout: float = 0.1,
                 norm_cfg: dict = dict(type='BN'), in_index: Union[int, Sequence[int]] = -1,
                 loss_decode=dict(type='CrossEntropyLoss', ignore_index=255),
                 ignore_index: int = 255, align_corners: bool = False,
                 init_cfg=dict(type='Normal', layer='Conv2d', std=0.01)):
        super().__init__(num_classes, in_index, loss_decode, ignore_index, align_corners, init_cfg)
        self.convs = nn.Sequential(*[conv_norm_act(in_channels if i == 0 else channels, channels,
                                                   3, dilation=dilation, norm_cfg=norm_cfg)
                                     for i in range(num_convs)])
        self.conv_cat = (conv_norm_act(in_channels + channels, channels, 3, norm_cfg=norm_cfg)
                         if concat_input else None)
        self.dropout = nn.Dropout2d(dropout) if dropout > 0 else nn.Identity()
        self.conv_seg = nn.Conv2d(channels, num_classes, 1)

    def forward(self, inputs) -> torch.Tensor:
        x = self.select(inputs)
        out = self.convs(x)
        if self.conv_cat is not None:
            out = self.conv_cat(torch.cat([x, out], dim=1))
        return self.conv_seg(self.dropout(out))
