"""Classification and regression losses, each a small ``nn.Module``.

Every loss takes ``(pred, target, avg_factor=None)``: the summed loss is divided
by ``avg_factor`` (e.g. the number of sampled priors) or, when it is None, by
the number of elements; then multiplied by ``loss_weight``.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from plugins.registry import MODELS


def _reduce(loss: torch.Tensor, avg_factor: Optional[float]) -> torch.Tensor:
    if avg_factor is None:
        return loss.mean() if loss.numel() else loss.sum()
    return loss.sum() / max(float(avg_factor), 1.0)


@MODELS.register_module()
class CrossEntropyLoss(nn.Module):
    """Args:
        use_sigmoid: binary CE on logits (N,) with 0/1 targets; otherwise softmax
            CE on logits (N, C) with class-index targets.
        class_weight: per-class weights for the softmax form.
        loss_weight: multiplier of the reduced loss.
    """

    def __init__(self, use_sigmoid: bool = False, class_weight: Optional[Sequence[float]] = None,
                 loss_weight: float = 1.0):
        super().__init__()
        self.use_sigmoid, self.loss_weight = use_sigmoid, loss_weight
        self.class_weight = None if class_weight is None else torch.tensor(class_weight)

    def forward(self, pred, target, avg_factor=None):
        if self.use_sigmoid:
            loss = F.binary_cross_entropy_with_logits(pred, target.float(), reduction='none')
        else:
            weight = None if self.class_weight is None else self.class_weight.to(pred)
            loss = F.cross_entropy(pred, target, weight=weight, reduction='none')
        return self.loss_weight * _reduce(loss, avg_factor)


@MODELS.register_module()
class SmoothL1Loss(nn.Module):
    """Args:
        beta: the L1/L2 switch point (Fast R-CNN: 1.0; RPN often 1/9).
        loss_weight: multiplier of the reduced loss.
    """

    def __init__(self, beta: float = 1.0, loss_weight: float = 1.0):
        super().__init__()
        self.beta, self.loss_weight = beta, loss_weight

    def forward(self, pred, target, avg_factor=None):
        loss = F.smooth_l1_loss(pred, target, beta=self.beta, reduction='none')
        return self.loss_weight * _reduce(loss, avg_factor)


@MODELS.register_module()
class L1Loss(nn.Module):
    """Args:
        loss_weight: multiplier of the reduced loss.
    """

    def __init__(self, loss_weight: float = 1.0):
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, pred, target, avg_factor=None):
        return self.loss_weight * _reduce((pred - target).abs(), avg_factor)
