"""Hard negative mining (SSD): keep the negatives with the highest loss.

Shapes: per-prior classification loss (N, P) and positive mask (N, P) for N
images -> negative mask (N, P) with, in each image, the ``neg_pos_ratio * n_pos``
negatives of highest loss (all negatives if there are fewer).
"""
import torch

from plugins.errors import ConfigError
from plugins.registry import TASK_UTILS


@TASK_UTILS.register_module()
class HardNegativeMiner:
    """Args:
        neg_pos_ratio: negatives kept per positive in each image (SSD: 3).
        min_neg: negatives kept in an image with no positives (SSD: 0).
    """

    def __init__(self, neg_pos_ratio: float = 3.0, min_neg: int = 0):
        if neg_pos_ratio < 0 or min_neg < 0:
            raise ConfigError(f'neg_pos_ratio ({neg_pos_ratio}) and min_neg ({min_neg}) '
                              'must be >= 0')
        self.neg_pos_ratio, self.min_neg = neg_pos_ratio, min_neg

    def mine(self, loss: torch.Tensor, pos_mask: torch.Tensor) -> torch.Tensor:
        num_neg = (self.neg_pos_ratio * pos_mask.sum(1, keepdim=True)).clamp(min=self.min_neg)
        neg_loss = loss.detach().masked_fill(pos_mask, -float('inf'))
        order = neg_loss.argsort(dim=1, descending=True)
        rank = order.argsort(dim=1)  # rank of each prior's loss among its image's negatives
        return (rank < num_neg) & ~pos_mask
