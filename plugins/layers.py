"""Small building blocks shared by backbones, necks and heads.

``conv_norm_act`` is the one conv builder: conv [-> norm] [-> activation] as an
``nn.Sequential`` (children 0, 1, 2), so the parameter names are the ones
torchvision's converted weights use. Unpack it (``*conv_norm_act(...)``) to splice
the layers into a larger Sequential. ``conv_tower`` stacks such blocks (the towers of
the one-stage heads). ``DilatedConv2d``: a conv for large dilations in bf16 on a CPU.
"""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer

ACTIVATIONS = {'ReLU': nn.ReLU, 'ReLU6': nn.ReLU6}


def norm_layer(norm_cfg: dict, channels: int) -> nn.Module:
    """An mmcv norm config (``dict(type='BN' | 'GN' | 'SyncBN', ...)``) for ``channels``."""
    return build_norm_layer(norm_cfg, channels)[1]


def tap_conv(x: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor],
             dilation: int) -> torch.Tensor:
    """A stride-1, same-size dilated conv as one 1x1 conv per kernel tap on the part of
    ``x`` that tap sees, summed in fp32 (taps that see only padding are skipped)."""
    k, (h, w) = weight.shape[-1], x.shape[-2:]
    out = torch.zeros(x.shape[0], weight.shape[0], h, w, device=x.device,
                      dtype=torch.promote_types(x.dtype, torch.float32))
    for i in range(k):
        for j in range(k):
            dy, dx = (i - k // 2) * dilation, (j - k // 2) * dilation
            if abs(dy) >= h or abs(dx) >= w:
                continue
            ys, xs = slice(max(0, -dy), min(h, h - dy)), slice(max(0, -dx), min(w, w - dx))
            seen = x[..., ys.start + dy:ys.stop + dy, xs.start + dx:xs.stop + dx]
            out[..., ys, xs] += F.conv2d(seen, weight[:, :, i:i + 1, j:j + 1])
    if bias is not None:
        out += bias.view(1, -1, 1, 1)
    return out


class DilatedConv2d(nn.Conv2d):
    """``nn.Conv2d`` (same parameters and outputs) that, in bf16 on a CPU, runs as
    ``tap_conv``: oneDNN's bf16 kernels slow down with the dilation (a 3x3 2048 -> 256
    conv on 50 x 50: 0.014 s at dilation 1, 0.149 s at 36, slower than fp32's 0.036 s),
    1x1 convs do not. For DeepLabV3's ASPP rates (12, 24, 36)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        bf16 = x.dtype == torch.bfloat16 or (torch.is_autocast_enabled('cpu') and
                                              torch.get_autocast_dtype('cpu') == torch.bfloat16)
        k, d = self.kernel_size[0], self.dilation[0]
        if not (bf16 and x.device.type == 'cpu' and d > 1 and self.groups == 1 and
                self.stride == (1, 1) and self.padding == (d * (k // 2),) * 2 and
                self.kernel_size == (k, k) and self.dilation == (d, d)):
            return super().forward(x)
        return tap_conv(x.to(torch.bfloat16), self.weight.to(torch.bfloat16), self.bias,
                        d).to(torch.bfloat16)


def conv_norm_act(cin: int, cout: int, kernel_size: int, stride: int = 1,
                  padding: Optional[int] = None, dilation: int = 1, groups: int = 1,
                  norm_cfg: Optional[dict] = None, act: Optional[str] = 'ReLU',
                  bias: Optional[bool] = None, conv: type = nn.Conv2d) -> nn.Sequential:
    """Args:
        padding: None keeps the size at stride 1 (``dilation * (kernel_size // 2)``).
        norm_cfg: a norm after the conv, or None.
        act: 'ReLU', 'ReLU6' or None (in place).
        bias: None gives the conv a bias only when no norm follows it.
        conv: the conv class (``DilatedConv2d`` for large dilations).
    """
    padding = dilation * (kernel_size // 2) if padding is None else padding
    layers = [conv(cin, cout, kernel_size, stride, padding, dilation, groups,
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
