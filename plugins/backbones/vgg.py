"""VGG16 as the FCN paper's encoder: five conv stages, fc6/fc7 as convolutions.

Shapes: input (N, 3, H, W) -> outputs picked by ``out_indices``: 0-4 the pooled
stage outputs (strides 2, 4, 8, 16, 32; channels 1, 2, 4, 8, 8 x base), 5 fc7
(stride 32, ``fc_channels``). FCN-8s reads pool3, pool4, fc7 = indices 2, 3, 5.

Call flow: forward -> stage 1..5 (3x3 convs + ReLU [+ norm], 2x2 max pool) ->
fc6 (7x7 conv, padding 3, so the map keeps its size) -> fc7 (1x1) -> tuple.
torchvision's ImageNet ``vgg16`` weights (``torchvision://vgg16``) load as they are:
its classifier's fc6 / fc7 Linears become the fc6 / fc7 convs (the FCN paper's move).
"""
from functools import partial
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from plugins.errors import ConfigError
from plugins.layers import conv_norm_act
from plugins.registry import MODELS


# torchvision's vgg16: its 13 convs, then the fc6 / fc7 Linears
TORCHVISION_VGG16 = [f'features.{i}' for i in (0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28)] + \
    ['classifier.0', 'classifier.3']


def from_torchvision_vgg16(module, state_dict, prefix, *args) -> None:
    """A load_state_dict pre-hook: rename torchvision's ``vgg16`` weights (``features.N``,
    ``classifier.0/3``) to ``module``'s convs, in order, while the sizes agree (a
    classifier Linear becomes the fc6 / fc7 conv of the same size). Others are untouched."""
    if f'{prefix}features.28.weight' not in state_dict:
        return
    ours = [(n, m) for n, m in module.named_modules() if isinstance(m, nn.Conv2d)]
    for src, (dst, conv) in zip(TORCHVISION_VGG16, ours):
        weight = state_dict.get(f'{prefix}{src}.weight')
        if weight is None or weight.numel() != conv.weight.numel():
            break  # no classifier in the file, or SSD's fc6 / fc7 (other shapes)
        bias = state_dict.pop(f'{prefix}{src}.bias')
        del state_dict[f'{prefix}{src}.weight']
        state_dict[f'{prefix}{dst}.weight'] = weight.reshape(conv.weight.shape)
        state_dict[f'{prefix}{dst}.bias'] = bias


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
        self._register_load_state_dict_pre_hook(from_torchvision_vgg16, with_module=True)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            outs.append(x)
        if 5 in self.out_indices:
            outs.append(self.fc(x))
        return tuple(outs[i] for i in self.out_indices)
