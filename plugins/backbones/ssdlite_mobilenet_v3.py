"""SSDLite's MobileNetV3-Large feature extractor, laid out as torchvision's
``ssdlite320_mobilenet_v3_large`` (Howard et al., "Searching for MobileNetV3", 6.3).

Shapes: input (N, 3, H, W) -> 6 maps: the expansion layer of the first stride-32 block
(stride 16, 672 channels), the end of the network (stride 32, 480 with the reduced tail),
then 4 extra blocks, each halving the size (512, 256, 256, 128 channels). At 320 px:
20, 10, 5, 3, 2, 1 cells a side.

Call flow: forward -> features[0] (blocks 0-12 and block 13's 1x1 expansion) ->
features[1] (the rest of block 13 and blocks 14-16) -> each extra block (1x1 conv to
half the channels, 3x3 depthwise conv at stride 2, 1x1 conv; norm and ReLU6 after each).
"""
import functools
from typing import Tuple

import torch
import torch.nn as nn
import torchvision.models as tvm
from mmengine.model import BaseModule

from plugins.layers import conv_norm_act
from plugins.registry import MODELS


@MODELS.register_module()
class SSDLiteMobileNetV3(BaseModule):
    """Args:
        reduced_tail: halve the channels of the last stage (torchvision's published
            SSDLite weights have it).
        extra_channels: output channels of the extra blocks.
        norm_cfg: norm of the extra blocks; ``bn_eps``, ``bn_momentum``: of the MobileNet
            blocks (torchvision's SSDLite: 0.001 and 0.03 for both).
    """

    def __init__(self, reduced_tail: bool = True, extra_channels=(512, 256, 256, 128),
                 norm_cfg: dict = dict(type='BN', eps=0.001, momentum=0.03),
                 bn_eps: float = 0.001, bn_momentum: float = 0.03, init_cfg=None):
        super().__init__(init_cfg)
        norm = functools.partial(nn.BatchNorm2d, eps=bn_eps, momentum=bn_momentum)
        body = tvm.mobilenet_v3_large(reduced_tail=reduced_tail, norm_layer=norm).features
        c4 = [i for i, b in enumerate(body) if getattr(b, '_is_cn', False)][-1]  # block 13
        self.features = nn.Sequential(nn.Sequential(*body[:c4], body[c4].block[0]),
                                      nn.Sequential(body[c4].block[1:], *body[c4 + 1:]))
        cin = [body[c4].block[0].out_channels, body[-1].out_channels]
        self.extra = nn.ModuleList()
        for cout in extra_channels:
            mid = cout // 2
            self.extra.append(nn.Sequential(
                conv_norm_act(cin[-1], mid, 1, norm_cfg=norm_cfg, act='ReLU6'),
                conv_norm_act(mid, mid, 3, stride=2, groups=mid, norm_cfg=norm_cfg, act='ReLU6'),
                conv_norm_act(mid, cout, 1, norm_cfg=norm_cfg, act='ReLU6')))
            cin.append(cout)
        self.out_channels = cin

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = []
        for block in [*self.features, *self.extra]:
            x = block(x)
            outs.append(x)
        return tuple(outs)
