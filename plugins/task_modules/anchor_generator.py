"""Anchors on a grid of feature-map cells, one set per level.

Shapes: level l has a (H_l, W_l) map and A = len(scales) * len(ratios) anchors
per cell; ``grid_anchors`` returns, per level, (H_l * W_l * A, 4) boxes x1y1x2y2
ordered cell by cell (row-major), then anchor by anchor (ratio-major), matching
a head output permuted from (N, A * k, H, W) to (N, H, W, A, k).
"""
from typing import List, Optional, Sequence, Tuple

import torch

from plugins.errors import ConfigError
from plugins.registry import TASK_UTILS


@TASK_UTILS.register_module()
class AnchorGenerator:
    """Args:
        strides: feature stride of each level, in input pixels.
        ratios: height / width of the anchors.
        scales: anchor sides in units of ``base_sizes`` (default: the stride).
        base_sizes: base side per level; defaults to ``strides``.
        sizes: anchor sides in pixels, one list per level (all of one length), in
            place of ``base_sizes`` x ``scales``; torchvision's RetinaNet has
            ``[32, 40, 50]`` (32 x 2^(0, 1/3, 2/3), truncated) at its first level.
        center_offset: anchor centre within a cell, in cells (0: top-left corner,
            0.5: cell centre).
        round_base: round the base anchors to whole pixels (torchvision does).
        strides_from_input: take each level's stride as padded input size //
            map size, as torchvision does (an 800 px input's 13-cell P6 gets
            stride 61, not 64); ``strides`` is then used only without an input size.
    """

    def __init__(self, strides: Sequence[int], ratios: Sequence[float] = (0.5, 1.0, 2.0),
                 scales: Sequence[float] = (8.0,), base_sizes: Optional[Sequence[int]] = None,
                 sizes: Optional[Sequence[Sequence[float]]] = None, center_offset: float = 0.0,
                 round_base: bool = False, strides_from_input: bool = False):
        self.strides = list(strides)
        self.base_sizes = list(base_sizes) if base_sizes is not None else list(strides)
        if len(self.base_sizes) != len(self.strides):
            raise ConfigError(f'base_sizes {self.base_sizes} and strides {self.strides} differ '
                              'in length')
        if sizes is None:
            sizes = [[b * s for s in scales] for b in self.base_sizes]
        if len(sizes) != len(self.strides) or len({len(s) for s in sizes}) != 1:
            raise ConfigError(f'sizes {list(sizes)}: one list per level ({len(self.strides)} '
                              'strides), all of one length')
        self.ratios = torch.tensor(ratios, dtype=torch.float32)
        self.center_offset, self.round_base = center_offset, round_base
        self.strides_from_input = strides_from_input
        self.base_anchors = [self._base_anchors(torch.tensor(s, dtype=torch.float32))
                             for s in sizes]

    @property
    def num_anchors(self) -> int:
        return self.base_anchors[0].shape[0]

    def _base_anchors(self, sides: torch.Tensor) -> torch.Tensor:
        h_ratios = self.ratios.sqrt()
        w_ratios = 1 / h_ratios
        ws = (w_ratios[:, None] * sides[None, :]).reshape(-1)
        hs = (h_ratios[:, None] * sides[None, :]).reshape(-1)
        base = torch.stack([-ws, -hs, ws, hs], dim=1) / 2
        return base.round() if self.round_base else base

    def grid_anchors(self, featmap_sizes: List[Tuple[int, int]], device='cpu',
                     input_size: Optional[Tuple[int, int]] = None) -> List[torch.Tensor]:
        """input_size: (H, W) of the padded batch, used with ``strides_from_input``."""
        anchors = []
        for (h, w), stride, base in zip(featmap_sizes, self.strides, self.base_anchors):
            sy = sx = stride
            if self.strides_from_input and input_size is not None:
                sy, sx = input_size[0] // h, input_size[1] // w
            xs = (torch.arange(w, device=device) + self.center_offset) * sx
            ys = (torch.arange(h, device=device) + self.center_offset) * sy
            yy, xx = torch.meshgrid(ys, xs, indexing='ij')
            shifts = torch.stack([xx, yy, xx, yy], dim=-1).reshape(-1, 1, 4)
            anchors.append((shifts + base.to(device)[None]).reshape(-1, 4))
        return anchors
