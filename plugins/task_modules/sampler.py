"""Random sampling of positive and negative priors for a loss.

Shapes: from an assignment over P priors, draw at most ``num`` indices with up
to ``num * pos_fraction`` positives; the rest negatives.
"""
from dataclasses import dataclass

import torch

from plugins.registry import TASK_UTILS
from plugins.task_modules.assigner import AssignResult


@dataclass
class SamplingResult:
    pos_inds: torch.Tensor         # (P+,) indices into the priors
    neg_inds: torch.Tensor         # (P-,)
    pos_assigned_gt_inds: torch.Tensor  # (P+,) index of the matched gt


@TASK_UTILS.register_module()
class RandomSampler:
    """Args:
        num: total samples per image.
        pos_fraction: largest share of positives.
        neg_pos_ub: at most this many negatives per positive (-1: no bound).
    """

    def __init__(self, num: int = 256, pos_fraction: float = 0.5, neg_pos_ub: float = -1):
        self.num, self.pos_fraction, self.neg_pos_ub = num, pos_fraction, neg_pos_ub

    @staticmethod
    def _choose(inds: torch.Tensor, k: int) -> torch.Tensor:
        if inds.numel() <= k:
            return inds
        return inds[torch.randperm(inds.numel(), device=inds.device)[:k]]

    def sample(self, assign_result: AssignResult) -> SamplingResult:
        gt_inds = assign_result.gt_inds
        pos = self._choose(torch.nonzero(gt_inds > 0).squeeze(1), int(self.num * self.pos_fraction))
        num_neg = self.num - pos.numel()
        if self.neg_pos_ub >= 0:
            num_neg = min(num_neg, int(self.neg_pos_ub * max(1, pos.numel())))
        neg = self._choose(torch.nonzero(gt_inds == 0).squeeze(1), num_neg)
        return SamplingResult(pos, neg, gt_inds[pos] - 1)
