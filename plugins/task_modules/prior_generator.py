"""SSD's default boxes (priors): a few sizes and aspect ratios per feature-map cell.

Shapes: level k has an (H_k, W_k) map and A_k = 2 + 2 * len(ratios[k]) priors
per cell; ``grid_anchors`` returns, per level, (H_k * W_k * A_k, 4) boxes x1y1x2y2
in input pixels, cell by cell (row-major), then prior by prior, in the order
(s_k, s_k), (s'_k, s'_k) with s'_k = sqrt(s_k * s_{k+1}), then (w, h) and (h, w)
for each ratio r (w = s_k * sqrt(r), h = s_k / sqrt(r)). Sizes s_k are fractions
of the input side, as in the SSD paper; cell centres are (j + 0.5) * step.
"""
import math
from typing import List, Optional, Sequence, Tuple

import torch

from plugins.errors import ConfigError
from plugins.registry import TASK_UTILS


@TASK_UTILS.register_module()
class SSDPriorGenerator:
    """Args:
        input_size: (H, W) the priors are laid out for, when the batch gives none.
        steps: distance between cell centres of each level, in input pixels.
        ratios: extra aspect ratios per level (2 means 2:1 and 1:2 boxes).
        scales: explicit sizes s_0..s_L (one more than the levels) as fractions
            of the input side; without them, s_k runs linearly from ``min_ratio``
            to ``max_ratio`` over the levels and s_L = 1 (torchvision's rule).
        clip: clamp the prior widths and heights to the input (fraction <= 1).
    """

    def __init__(self, input_size: Tuple[int, int], steps: Sequence[float],
                 ratios: Sequence[Sequence[float]], scales: Optional[Sequence[float]] = None,
                 min_ratio: float = 0.15, max_ratio: float = 0.9, clip: bool = True):
        if len(steps) != len(ratios):
            raise ConfigError(f'steps {list(steps)} and ratios {list(ratios)} need one entry '
                              'per level')
        levels = len(steps)
        if scales is None:
            span = (max_ratio - min_ratio) / max(levels - 1, 1)
            scales = [min_ratio + span * k for k in range(levels)] + [1.0]
        if len(scales) != levels + 1:
            raise ConfigError(f'scales needs {levels + 1} entries (one per level and one more '
                              f'for the last sqrt(s_k * s_k+1) box), got {list(scales)}')
        self.input_size, self.steps, self.clip = tuple(input_size), list(steps), clip
        self.sizes = [self._sizes(scales[k], scales[k + 1], ratios[k]) for k in range(levels)]

    @staticmethod
    def _sizes(s: float, s_next: float, ratios: Sequence[float]) -> torch.Tensor:
        s_extra = math.sqrt(s * s_next)
        wh = [[s, s], [s_extra, s_extra]]
        for r in ratios:
            w, h = s * math.sqrt(r), s / math.sqrt(r)
            wh += [[w, h], [h, w]]
        return torch.tensor(wh, dtype=torch.float32)

    @property
    def num_priors(self) -> List[int]:
        return [len(s) for s in self.sizes]

    def grid_anchors(self, featmap_sizes: List[Tuple[int, int]], device='cpu',
                     input_size: Optional[Tuple[int, int]] = None) -> List[torch.Tensor]:
        """input_size: (H, W) of the batch; defaults to the configured one."""
        img_h, img_w = input_size if input_size is not None else self.input_size
        priors = []
        for (h, w), step, wh in zip(featmap_sizes, self.steps, self.sizes):
            cx = (torch.arange(w, dtype=torch.float32) + 0.5) / (img_w / step)
            cy = (torch.arange(h, dtype=torch.float32) + 0.5) / (img_h / step)
            cy, cx = torch.meshgrid(cy, cx, indexing='ij')
            centres = torch.stack([cx, cy], dim=-1).reshape(-1, 1, 2)
            half = (wh.clamp(0, 1) if self.clip else wh)[None] / 2
            size = torch.tensor([img_w, img_h], dtype=torch.float32)
            boxes = torch.cat([(centres - half) * size, (centres + half) * size], dim=-1)
            priors.append(boxes.reshape(-1, 4).to(device))
        return priors
