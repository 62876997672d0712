"""Pool a fixed-size feature for each RoI, from the pyramid level that fits its size.

Shapes: feats [(N, C, H_l, W_l)] for L levels, rois (R, 5) as
(batch index, x1, y1, x2, y2) in input pixels -> (R, C, S, S).

The RoI layer is torchvision's ``RoIPool`` or detplug's ``RoIAlign`` (roi_align.py:
torchvision's values, a faster CPU backward, and for inference every level pooled by
one ``embedding_bag`` in RoI order), registered under those names with defaults
(RoIAlign: sampling_ratio=2, aligned=True) so that swapping them is one config field;
built once per level with ``spatial_scale = 1 / stride``. A box of side
s = sqrt(w * h) goes to level floor(canonical_level + log2(s / canonical_scale))
(FPN's rule), counted from the finest level's log2(stride) and clamped.
"""
import math
from typing import Sequence

import torch
import torch.nn as nn
from torchvision import ops

from plugins.registry import MODELS
from plugins.roi_heads.roi_align import RoIAlign  # noqa: F401 (registers 'RoIAlign')


@MODELS.register_module()
class RoIPool(ops.RoIPool):
    """torchvision's ``RoIPool`` (same arguments), pooling in fp32 under autocast:
    torchvision registers no autocast rule for it, so bf16 features would meet fp32
    RoIs."""

    def forward(self, feat: torch.Tensor, rois: torch.Tensor) -> torch.Tensor:
        dtype = torch.promote_types(feat.dtype, torch.float32)
        with torch.autocast(feat.device.type, enabled=False):
            return super().forward(feat.to(dtype), rois.to(dtype))


@MODELS.register_module()
class RoIExtractor(nn.Module):
    """Args:
        roi_layer: ``dict(type='RoIAlign', output_size=7)`` or ``dict(type='RoIPool',
            output_size=7)``; spatial_scale is filled in per level.
        featmap_strides: stride of each input level.
        canonical_scale, canonical_level: FPN's level-mapping constants (224, 4).
    """

    def __init__(self, roi_layer: dict, featmap_strides: Sequence[int],
                 canonical_scale: float = 224, canonical_level: int = 4):
        super().__init__()
        self.layers = nn.ModuleList(
            MODELS.build(dict(roi_layer, spatial_scale=1.0 / s)) for s in featmap_strides)
        self.min_level = math.log2(featmap_strides[0])
        self.canonical_scale, self.canonical_level = canonical_scale, canonical_level

    def map_levels(self, rois: torch.Tensor) -> torch.Tensor:
        scale = ((rois[:, 3] - rois[:, 1]) * (rois[:, 4] - rois[:, 2])).clamp(min=0).sqrt()
        lvl = torch.floor(self.canonical_level + torch.log2(scale / self.canonical_scale) + 1e-6)
        return (lvl - self.min_level).clamp(0, len(self.layers) - 1).long()

    def forward(self, feats: Sequence[torch.Tensor], rois: torch.Tensor) -> torch.Tensor:
        if len(self.layers) == 1:
            return self.layers[0](feats[0], rois)
        levels = self.map_levels(rois)
        first = self.layers[0]
        if isinstance(first, RoIAlign) and first.bags(feats[0]) and all(
                (layer.output_size, layer.sampling_ratio) == (first.output_size,
                                                              first.sampling_ratio)
                for layer in self.layers):
            return RoIAlign.pool_levels(feats[:len(self.layers)], rois, levels, self.layers)
        out = None
        for lvl, (layer, feat) in enumerate(zip(self.layers, feats)):
            idx = torch.nonzero(levels == lvl).squeeze(1)
            pooled = layer(feat, rois[idx])
            if out is None:  # every RoI has a level: no zeros needed
                out = pooled.new_empty((rois.shape[0],) + pooled.shape[1:])
            out[idx] = pooled
        return out
