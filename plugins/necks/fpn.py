"""Feature Pyramid Network: a top-down path with lateral connections.

Shapes: inputs [(N, C_i, H_i, W_i)] from the backbone, finest first; outputs
K = ``num_outs`` maps [(N, out_channels, H_k, W_k)], each half the size of the
one before.

Call flow: forward -> 1x1 lateral conv per used input -> from the coarsest,
add the nearest-upsampled coarser sum -> 3x3 output conv per level -> extra
levels (stride-2 max pool of the last output, or stride-2 3x3 convs).
With ``norm_cfg`` every conv is followed by that norm (no bias): training from
scratch needs normalised necks and heads (He et al., "Rethinking ImageNet
Pre-training", 2019).
"""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from plugins.errors import ConfigError
from plugins.layers import conv_norm_act
from plugins.registry import MODELS


def conv_norm(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
              norm_cfg: Optional[dict] = None) -> nn.Module:
    """A conv, or a bias-free conv and its norm (a Sequential) when ``norm_cfg`` is given."""
    layers = conv_norm_act(in_channels, out_channels, kernel_size, stride, norm_cfg=norm_cfg,
                           act=None)
    return layers if norm_cfg is not None else layers[0]


@MODELS.register_module()
class FPN(BaseModule):
    """Args:
        in_channels: channels of each backbone output.
        out_channels: channels of every pyramid level.
        num_outs: number of levels returned; those beyond the inputs are extra.
        start_level: first backbone output used (e.g. 1 to skip C2).
        add_extra_convs: extra levels by ``None`` (max pool of the last output,
            as torchvision and the FPN paper), ``'on_input'`` (3x3/s2 conv on
            the last used input, RetinaNet) or ``'on_output'`` (on the last output).
        norm_cfg: e.g. ``dict(type='GN', num_groups=32)`` after every conv; None
            (plain convs with bias, as torchvision) by default.
    """

    def __init__(self, in_channels: Sequence[int], out_channels: int, num_outs: int,
                 start_level: int = 0, add_extra_convs: Optional[str] = None,
                 norm_cfg: Optional[dict] = None,
                 init_cfg=dict(type='Xavier', layer='Conv2d', distribution='uniform')):
        super().__init__(init_cfg)
        if add_extra_convs not in (None, 'on_input', 'on_output'):
            raise ConfigError(f"add_extra_convs must be None, 'on_input' or 'on_output', "
                              f'got {add_extra_convs!r}')
        used = list(in_channels)[start_level:]
        if num_outs < len(used):
            raise ConfigError(f'num_outs={num_outs} is fewer than the {len(used)} inputs used')
        self.start_level, self.num_outs = start_level, num_outs
        self.add_extra_convs = add_extra_convs
        self.lateral_convs = nn.ModuleList(
            conv_norm(c, out_channels, 1, norm_cfg=norm_cfg) for c in used)
        self.fpn_convs = nn.ModuleList(
            conv_norm(out_channels, out_channels, 3, norm_cfg=norm_cfg) for _ in used)
        num_extra = num_outs - len(used)
        extra_in = [used[-1] if add_extra_convs == 'on_input' else out_channels] + \
            [out_channels] * (num_extra - 1)
        self.extra_convs = nn.ModuleList(
            conv_norm(c, out_channels, 3, stride=2, norm_cfg=norm_cfg)
            for c in (extra_in[:num_extra] if add_extra_convs else []))

    def forward(self, inputs: Sequence[torch.Tensor]) -> List[torch.Tensor]:
        inputs = list(inputs)[self.start_level:]
        laterals = [conv(x) for conv, x in zip(self.lateral_convs, inputs)]
        for i in range(len(laterals) - 1, 0, -1):
            laterals[i - 1] = laterals[i - 1] + F.interpolate(
                laterals[i], size=laterals[i - 1].shape[-2:], mode='nearest')
        outs = [conv(x) for conv, x in zip(self.fpn_convs, laterals)]
        if not self.add_extra_convs:
            while len(outs) < self.num_outs:
                outs.append(F.max_pool2d(outs[-1], 1, stride=2))
            return outs
        x = inputs[-1] if self.add_extra_convs == 'on_input' else outs[-1]
        for i, conv in enumerate(self.extra_convs):
            x = conv(x if i == 0 else F.relu(x))
            outs.append(x)
        return outs
