"""MobileNetV2 (torchvision's implementation) as a multi-output backbone.

Shapes: input (N, 3, H, W) -> the outputs of the chosen ``features`` blocks.
With width 1.0, block i ends at stride / channels: 1: 2/16, 3: 4/24, 6: 8/32,
13: 16/96, 17: 32/320, 18: 32/1280 (the final 1x1 conv).

Call flow: forward -> features[0] .. features[max(out_indices)] -> tuple of the
outputs of the blocks in ``out_indices``. Parameter names are torchvision's
(``features.3.conv.0.0.weight``), so its ImageNet weights load from a local file
with ``init_cfg=dict(type='Pretrained', checkpoint=PATH)``.
"""
from typing import Sequence, Tuple

import torch
from mmengine.model import BaseModule
from torchvision.models import MobileNetV2 as TorchvisionMobileNetV2

from plugins.errors import ConfigError
from plugins.registry import MODELS


@MODELS.register_module()
class MobileNetV2(BaseModule):
    """Args:
        widen_factor: torchvision's ``width_mult`` (channels times this, rounded to 8).
        out_indices: indices of the ``features`` blocks whose outputs are returned.
    """

    def __init__(self, widen_factor: float = 1.0, out_indices: Sequence[int] = (6, 13, 17),
                 init_cfg=None):
        super().__init__(init_cfg)
        features = TorchvisionMobileNetV2(width_mult=widen_factor).features
        if max(out_indices) >= len(features):
            raise ConfigError(f'out_indices {list(out_indices)} exceed the {len(features)} blocks')
        self.features = features[:max(out_indices) + 1]
        self.out_indices = tuple(out_indices)
        self.out_channels = [self._channels(self.features[i]) for i in self.out_indices]

    @staticmethod
    def _channels(block) -> int:
        convs = [m for m in block.modules() if isinstance(m, torch.nn.Conv2d)]
        return convs[-1].out_channels

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = []
        for i, block in enumerate(self.features):
            x = block(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)
