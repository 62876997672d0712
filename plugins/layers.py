"""Small building blocks shared by backbones, necks and heads.

``conv_norm_act`` is the one conv builder: conv [-> norm] [-> activation] as an
``nn.Sequential`` (children 0, 1, 2), so the parameter names are the ones
torchvision's converted weights use. Unpack it (``*conv_norm_act(...)``) to splice
the layers into a larger Sequential. ``conv_tower`` stacks such blocks (the towers of
the one-stage heads).
"""
from typing import Optional

import torch.nn as nn
from mmcv.cnn import build_norm_layer

ACTIVATIONS = {'ReLU': nn.ReLU, 'ReLU6': nn.ReLU6}


def norm_layer(norm_cfg: dict, channels: int) -> nn.Module:
    """An mmcv norm config (``dict(type='BN' | 'GN' | 'SyncBN', ...)``) for ``channels``."""
    return build_norm_layer(norm_cfg, channels)[1]


def conv_norm_act(cin: int, cout: int, kernel_size: int, stride: int = 1,
                  padding: Optional[int] = None, dilation: int = 1, groups: int = 1,
                  norm_cfg: Optional[dict] = None, act: Optional[str] = 'ReLU',
                  bias: Optional[bool] = None) -> nn.Sequential:
    """Args:
        padding: None keeps the size at stride 1 (``dilation * (kernel_size // 2)``).
        norm_cfg: a norm after the conv, or None.
        act: 'ReLU', 'ReLU6' or None (in place).
        bias: None gives the conv a bias only when no norm follows it.
    """
    padding = dilation * (kernel_size // 2) if padding is None else padding
    layers = [nn.Conv2d(cin, cout, kernel_size, stride, padding, dilation, groups,
                        bias=norm_cfg is None if bias is None else bias)]
    if norm_cfg is not None:
        layers.append(norm_layer(norm_cfg, cout))
    if act is not None:
        layers.append(ACTIVATIONS[act](inplace=True))
    return nn.Sequential(*layers)


def conv_tower(cin: int, channels: int, depth: int, norm_cfg: Optional[dict] = None,
               bias: Optional[bool] = None, nested: bool = True) -> nn.Sequential:
    """``depth`` 3x3 conv [-> norm] -> ReLU blocks, the first from ``cin`` channels: a
    Sequential of the blocks (``nested``; names ``i.0``, ``i.1``: torchvision's
    RetinaNet) or of all their layers in one row (names ``3 * i``: its FCOS)."""
    blocks = [conv_norm_act(cin if i == 0 else channels, channels, 3, norm_cfg=norm_cfg,
                            bias=bias) for i in range(depth)]
    return nn.Sequential(*blocks) if nested else nn.Sequential(*(m for b in blocks for m in b))
