"""MobileNetV2 and MobileNetV3 (torchvision's implementations) as multi-output backbones.

Shapes: input (N, 3, H, W) -> the outputs of the chosen ``features`` blocks.
MobileNetV2, width 1.0: block i ends at stride / channels 1: 2/16, 3: 4/24, 6: 8/32,
13: 16/96, 17: 32/320, 18: 32/1280 (the final 1x1 conv).
MobileNetV3-Large: 1: 2/16, 3: 4/24, 6: 8/40, 12: 16/112, 15: 32/160, 16: 32/960 (the
final 1x1 conv); ``dilated=True`` keeps blocks 13-16 at stride 16 (dilation 2), as
torchvision's segmentation models do. MobileNetV3-Small: 1: 4/16, 3: 8/24, 8: 16/48,
11: 32/96, 12: 32/576.

Call flow: forward -> features[0] .. features[max(out_indices)] -> tuple of the
outputs of the blocks in ``out_indices``. ``frozen_blocks=k`` keeps features[0 .. k-1]
fixed in training (no gradients, BatchNorm statistics as loaded), as torchvision's
detectors do with a pretrained backbone (``trainable_backbone_layers``). Parameter
names are torchvision's (``features.3.block.0.0.weight``), so its ImageNet weights load with
``init_cfg=dict(type='Pretrained', checkpoint='torchvision://mobilenet_v3_large')``.
"""
import functools
from typing import Sequence, Tuple

import torch
import torchvision.models as tvm
from mmengine.model import BaseModule

from plugins.errors import ConfigError
from plugins.registry import MODELS


class FeatureBlocks(BaseModule):
    """A torchvision ``features`` Sequential cut after the last block in ``out_indices``,
    its first ``frozen_blocks`` blocks frozen."""

    def __init__(self, features: torch.nn.Sequential, out_indices: Sequence[int],
                 frozen_blocks: int, init_cfg):
        super().__init__(init_cfg)
        if max(out_indices) >= len(features):
            raise ConfigError(f'out_indices {list(out_indices)} exceed the {len(features)} blocks')
        if not 0 <= frozen_blocks <= max(out_indices) + 1:
            raise ConfigError(f'frozen_blocks={frozen_blocks} must be 0 .. {max(out_indices) + 1}'
                              ' (the blocks used)')
        self.features = features[:max(out_indices) + 1]
        self.out_indices, self.frozen_blocks = tuple(out_indices), frozen_blocks
        self.out_channels = [[m for m in self.features[i].modules()
                              if isinstance(m, torch.nn.Conv2d)][-1].out_channels
                             for i in self.out_indices]

    def train(self, mode: bool = True):
        super().train(mode)
        for block in self.features[:self.frozen_blocks]:
            block.eval()
            for p in block.parameters():
                p.requires_grad = False
        return self

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = []
        for i, block in enumerate(self.features):
            x = block(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)


@MODELS.register_module()
class MobileNetV2(FeatureBlocks):
    """Args:
        widen_factor: torchvision's ``width_mult`` (channels times this, rounded to 8).
        out_indices: indices of the ``features`` blocks whose outputs are returned.
        frozen_blocks: how many of the first blocks stay fixed in training.
    """

    def __init__(self, widen_factor: float = 1.0, out_indices: Sequence[int] = (6, 13, 17),
                 frozen_blocks: int = 0, init_cfg=None):
        super().__init__(tvm.MobileNetV2(width_mult=widen_factor).features, out_indices,
                         frozen_blocks, init_cfg)


@MODELS.register_module()
class MobileNetV3(FeatureBlocks):
    """Args:
        arch: 'large' or 'small'.
        dilated: the last stage at stride 16 with dilation 2 (segmentation).
        out_indices: indices of the ``features`` blocks whose outputs are returned.
        bn_eps: BatchNorm epsilon: torchvision's 1e-3 for classification and
            segmentation, its detectors' 1e-5.
        frozen_blocks: how many of the first blocks stay fixed in training.
    """

    def __init__(self, arch: str = 'large', dilated: bool = False,
                 out_indices: Sequence[int] = (6, 12, 16), bn_eps: float = 1e-3,
                 frozen_blocks: int = 0, init_cfg=None):
        if arch not in ('large', 'small'):
            raise ConfigError(f"MobileNetV3 arch must be 'large' or 'small', got {arch!r}")
        builder = tvm.mobilenet_v3_large if arch == 'large' else tvm.mobilenet_v3_small
        norm = functools.partial(torch.nn.BatchNorm2d, eps=bn_eps, momentum=0.01)
        super().__init__(builder(dilated=dilated, norm_layer=norm).features, out_indices,
                         frozen_blocks, init_cfg)
