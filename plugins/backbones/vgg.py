"""VGG16 as the FCN paper's encoder: five conv stages, fc6/fc7 as convolutions.

Shapes: input (N, 3, H, W) -> outputs picked by ``out_indices``: 0-4 the pooled
stage outputs (strides 2, 4, 8, 16, 32; channels 1, 2, 4, 8, 8 x base), 5 fc7
(stride 32, ``fc_channels``). FCN-8s reads pool3, pool4, fc7 = indices 2, 3, 5.

Call flow: forward -> stage 1..5 (3x3 convs + ReLU [+ norm], 2x2 max pool) ->
fc6 (7x7 conv, padding 3, so the map keeps its size) -> fc7 (1x1) -> tuple.
"""
from functools import partial
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from plugins.errors import ConfigError
from plugins.layers import conv_norm_act
from plugins.registry import MODELS


@MODELS.register_module()
class VGG(BaseModule):
    """Args:
        base_channels: width of the first stage (64 in the paper).
        fc_channels: width of fc6 and fc7 (4096 in the paper).
        out_indices: outputs to return (see the module docstring).
        dropout: after fc6 and fc7 (FCN: 0.5).
        norm_cfg: None (the paper) or an mmcv norm config after each conv.
    """

    def __init__(self, base_channels: int = 64, fc_channels: int = 4096,
                 out_indices: Sequence[int] = (2, 3, 5), dropout: float = 0.5,
                 norm_cfg: Optional[dict] = None,
                 init_cfg=dict(type='Kaiming', layer='Conv2d')):
        super().__init__(init_cfg)
        if not set(out_indices) <= set(range(6)):
            raise ConfigError(f'VGG out_indices must be in 0..5, got {list(out_indices)}')
        widths = [base_channels * m for m in (1, 2, 4, 8, 8)]
        conv = partial(conv_norm_act, norm_cfg=norm_cfg, bias=True)  # VGG's convs keep a bias
        stages, cin = [], 3
        for i, (width, convs) in enumerate(zip(widths, (2, 2, 3, 3, 3))):
            layers = []
            for _ in range(convs):
                layers += conv(cin, width, 3)
                cin = width
            stages.append(nn.Sequential(*layers, nn.MaxPool2d(2, 2)))
        self.stages = nn.ModuleList(stages)
        self.fc = nn.Sequential(
            *conv(cin, fc_channels, 7), nn.Dropout2d(dropout),
            *conv(fc_channels, fc_channels, 1), nn.Dropout2d(dropout))
        self.out_indices = tuple(out_indices)
        self.out_channels = [(widths + [fc_channels])[i] for i in self.out_indices]

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            outs.append(x)
        if 5 in self.out_indices:
            outs.append(self.fc(x))
        return tuple(outs[i] for i in self.out_indices)
