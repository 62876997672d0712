"""What dense heads (RPN, SSD, and the one-stage heads to come) share.

Shapes: N images, level l a (H_l, W_l) map with A anchors (priors) per cell and
k values each (scores or box deltas).
"""
from typing import List

import torch


def flatten_levels(maps: List[torch.Tensor], k: int) -> torch.Tensor:
    """[(N, A * k, H_l, W_l)] -> (N, sum_l H_l * W_l * A, k), in the anchor order of the
    anchor and prior generators (level, then row, column, anchor)."""
    return torch.cat([m.permute(0, 2, 3, 1).reshape(m.shape[0], -1, k) for m in maps], dim=1)


def image_rows(maps: List[torch.Tensor], i: int, k: int) -> List[torch.Tensor]:
    """Image ``i`` of [(N, A * k, H_l, W_l)] -> [(H_l * W_l * A, k)], per level."""
    return [m[i].permute(1, 2, 0).reshape(-1, k) for m in maps]


def batch_input_size(data_samples):
    """The padded batch's (H, W) as plain ints (so an ONNX trace keeps priors constant),
    or None."""
    size = data_samples[0].metainfo.get('batch_input_shape')
    return None if size is None else tuple(int(v) for v in size)
