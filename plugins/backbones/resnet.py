"""ResNet-18/34/50/101 with per-stage strides and dilations (atrous / DC5 by config).

Shapes: input (N, 3, H, W); stage i output (N, C_i, H / s_i, W / s_i) where s_i
is the product of the stem's 4 and the strides up to stage i, and
C_i = base_channels * 2**i * expansion (expansion 1 for 18/34, 4 for 50).

Call flow: forward -> stem (conv1, bn1, relu, maxpool) -> layer1..layerK ->
tuple of the outputs listed in ``out_indices``.

Parameter names follow torchvision's ``resnet*`` (conv1, bn1, layer1.0.conv1,
..., downsample.0/1) so its state dicts load without renaming.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from torch.nn.modules.batchnorm import _BatchNorm

from plugins.errors import ConfigError
from plugins.layers import norm_layer
from plugins.registry import MODELS


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride, dilation, downsample, norm_cfg):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, dilation, dilation, bias=False)
        self.bn1 = norm_layer(norm_cfg, planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, dilation, dilation, bias=False)
        self.bn2 = norm_layer(norm_cfg, planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        out += identity  # in place: no extra activation-sized tensor per block
        return self.relu(out)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride, dilation, downsample, norm_cfg):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = norm_layer(norm_cfg, planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, dilation, dilation, bias=False)
        self.bn2 = norm_layer(norm_cfg, planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = norm_layer(norm_cfg, planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn3(self.conv3(self.relu(self.bn2(self.conv2(out)))))
        out += identity  # in place: no extra activation-sized tensor per block
        return self.relu(out)


@MODELS.register_module()
class ResNet(BaseModule):
    """Args:
        depth: 18, 34, 50 or 101.
        base_channels: width of the stem and first stage (64 in the paper).
        num_stages: how many of the four stages to build (1-4).
        strides: stride of the first block of each stage.
        dilations: dilation of the 3x3 convs of each stage.
        out_indices: stages whose outputs are returned (0-based).
        frozen_stages: -1 freezes nothing, 0 the stem, k the stem and stages 1..k.
        norm_cfg: mmcv norm layer config (BN, GN, SyncBN, ...).
        norm_eval: keep BatchNorm layers in eval mode while training.
        contract_dilation: the first block of a dilated stage uses half the
            dilation (torchvision's ``replace_stride_with_dilation`` does this).
        multi_grid: dilation multipliers for the blocks of the last stage
            (DeepLabV3's multi-grid, e.g. (1, 2, 4)).
    """
    settings = {18: (BasicBlock, (2, 2, 2, 2)), 34: (BasicBlock, (3, 4, 6, 3)),
                50: (Bottleneck, (3, 4, 6, 3)), 101: (Bottleneck, (3, 4, 23, 3))}

    def __init__(self, depth: int = 50, in_channels: int = 3, base_channels: int = 64,
                 num_stages: int = 4, strides: Sequence[int] = (1, 2, 2, 2),
                 dilations: Sequence[int] = (1, 1, 1, 1), out_indices: Sequence[int] = (3,),
                 frozen_stages: int = -1, norm_cfg: dict = dict(type='BN'),
                 norm_eval: bool = False, contract_dilation: bool = False,
                 multi_grid: Optional[Sequence[int]] = None, init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        if depth not in self.settings:
            raise ConfigError(f'ResNet depth must be one of {sorted(self.settings)}, got {depth}')
        if not (len(strides) >= num_stages and len(dilations) >= num_stages):
            raise ConfigError(f'strides {strides} and dilations {dilations} need '
                              f'{num_stages} entries')
        if max(out_indices) >= num_stages:
            raise ConfigError(f'out_indices {out_indices} exceed num_stages={num_stages}')
        block, blocks = self.settings[depth]
        self.out_indices, self.frozen_stages, self.norm_eval = out_indices, frozen_stages, norm_eval
        self.conv1 = nn.Conv2d(in_channels, base_channels, 7, 2, 3, bias=False)
        self.bn1 = norm_layer(norm_cfg, base_channels)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        inplanes = base_channels
        self.out_channels = []
        if multi_grid is not None and len(multi_grid) != blocks[num_stages - 1]:
            raise ConfigError(f'multi_grid {list(multi_grid)} needs one entry per block of the '
                              f'last stage ({blocks[num_stages - 1]})')
        for i in range(num_stages):
            planes = base_channels * 2**i
            block_dilations = [dilations[i]] * blocks[i]
            if contract_dilation and dilations[i] > 1:
                block_dilations[0] = dilations[i] // 2
            if multi_grid is not None and i == num_stages - 1:
                block_dilations = [dilations[i] * g for g in multi_grid]
            layer = self._make_layer(block, inplanes, planes, strides[i], block_dilations,
                                     norm_cfg)
            inplanes = planes * block.expansion
            self.add_module(f'layer{i + 1}', layer)
            self.out_channels.append(inplanes)
        self.num_stages = num_stages
        self._freeze()

    @staticmethod
    def _make_layer(block, inplanes, planes, stride, dilations, norm_cfg):
        downsample = None
        if stride != 1 or inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes * block.expansion, 1, stride, bias=False),
                norm_layer(norm_cfg, planes * block.expansion))
        layers = [block(inplanes, planes, stride, dilations[0], downsample, norm_cfg)]
        layers += [block(planes * block.expansion, planes, 1, d, None, norm_cfg)
                   for d in dilations[1:]]
        return nn.Sequential(*layers)

    def init_weights(self):
        super().init_weights()
        if self.init_cfg is None:  # from scratch: He init, zero the last norm of each block
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            for m in self.modules():
                if isinstance(m, (BasicBlock, Bottleneck)):
                    last = m.bn3 if isinstance(m, Bottleneck) else m.bn2
                    if getattr(last, 'weight', None) is not None:
                        nn.init.zeros_(last.weight)

    def _freeze(self):
        frozen = ([self.conv1, self.bn1] if self.frozen_stages >= 0 else []) + \
            [getattr(self, f'layer{i}') for i in range(1, self.frozen_stages + 1)]
        for m in frozen:
            m.eval()
            for p in m.parameters():
                p.requires_grad = False

    def train(self, mode: bool = True):
        super().train(mode)
        self._freeze()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        outs = []
        for i in range(self.num_stages):
            x = getattr(self, f'layer{i + 1}')(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)
