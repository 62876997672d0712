"""VGG16 for SSD: conv4_3 with L2 normalisation, atrous fc6/fc7, extra layers.

Shapes: input (N, 3, S, S) with S = 300 or 512 -> the maps SSD predicts from:
conv4_3 (N, 512, S/8) [L2-normalised, scaled], fc7 (N, 1024, S/16), then the
extra layers (N, 512 | 256, ...). SSD300: 38, 19, 10, 5, 3, 1 cells a side;
SSD512: 64, 32, 16, 8, 4, 2, 1.

Call flow: forward -> features (conv1_1 .. conv4_3, pool3 with ceil_mode) ->
L2Norm -> stages[0] (pool4, conv5_x, pool5 3x3/s1, fc6 3x3 dilation 6, fc7 1x1)
-> stages[1:] (1x1 then 3x3 conv pairs) -> tuple of the maps.

``norm_cfg=None`` is the paper's VGG (what torchvision's ``ssd300_vgg16`` has);
a norm config adds one after every conv, which helps training from scratch.
torchvision's ImageNet ``vgg16`` weights (``torchvision://vgg16``) load into conv1_1 ..
conv5_3; fc6, fc7 and the extra layers keep their initialisation.
"""
from functools import partial
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from plugins.errors import ConfigError
from plugins.backbones.vgg import from_torchvision_vgg16
from plugins.layers import conv_norm_act
from plugins.registry import MODELS

VGG16 = (64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'C', 512, 512, 512)  # to conv4_3
# Extra layers: (1x1 channels, 3x3 out channels, stride, padding, kernel) per map.
EXTRAS = {
    300: ((256, 512, 2, 1, 3), (128, 256, 2, 1, 3), (128, 256, 1, 0, 3), (128, 256, 1, 0, 3)),
    512: ((256, 512, 2, 1, 3), (128, 256, 2, 1, 3), (128, 256, 2, 1, 3), (128, 256, 2, 1, 3),
          (128, 256, 1, 1, 4)),
}


class L2Norm(nn.Module):
    """x / ||x|| over channels, times a learnable per-channel scale."""

    def __init__(self, channels: int, scale: float = 20.0):
        super().__init__()
        self.weight = nn.Parameter(torch.full((channels,), float(scale)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weight.view(1, -1, 1, 1) * F.normalize(x, dim=1)


@MODELS.register_module()
class SSDVGG(BaseModule):
    """Args:
        input_size: 300 or 512; picks the extra layers.
        l2_norm_scale: initial scale of the normalised conv4_3 map (SSD: 20).
        norm_cfg: None (the paper) or an mmcv norm config after each conv.
    """

    def __init__(self, input_size: int = 300, l2_norm_scale: float = 20.0,
                 norm_cfg: Optional[dict] = None,
                 init_cfg=dict(type='Xavier', layer='Conv2d', distribution='uniform')):
        super().__init__(init_cfg)
        if input_size not in EXTRAS:
            raise ConfigError(f'SSDVGG input_size must be one of {sorted(EXTRAS)}, '
                              f'got {input_size}')
        conv = partial(conv_norm_act, norm_cfg=norm_cfg, bias=True)  # VGG's convs keep a bias
        layers, cin = [], 3
        for v in VGG16:
            if v in ('M', 'C'):
                layers.append(nn.MaxPool2d(2, 2, ceil_mode=v == 'C'))
            else:
                layers += conv(cin, v, 3)
                cin = v
        self.features = nn.Sequential(*layers)
        self.l2_norm = L2Norm(512, l2_norm_scale)
        fc = [nn.MaxPool2d(2, 2)]
        for _ in range(3):  # conv5_1 .. conv5_3
            fc += conv(512, 512, 3)
        fc.append(nn.MaxPool2d(3, 1, 1))
        fc += conv(512, 1024, 3, dilation=6)  # fc6, atrous
        fc += conv(1024, 1024, 1)  # fc7
        stages = [nn.Sequential(*fc)]
        cin = 1024
        for mid, cout, stride, pad, k in EXTRAS[input_size]:
            stages.append(nn.Sequential(*conv(cin, mid, 1), *conv(mid, cout, k, stride, pad)))
            cin = cout
        self.stages = nn.ModuleList(stages)
        self.out_channels = [512, 1024] + [e[1] for e in EXTRAS[input_size]]
        self._register_load_state_dict_pre_hook(from_torchvision_vgg16, with_module=True)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        x = self.features(x)
        outs = [self.l2_norm(x)]
        for stage in self.stages:
            x = stage(x)
            outs.append(x)
        return tuple(outs)
