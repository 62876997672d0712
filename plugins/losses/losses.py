"""Classification and regression losses, each a small ``nn.Module``.

Every loss takes ``(pred, target, avg_factor=None)``: the summed loss is divided
by ``avg_factor`` (e.g. the number of sampled priors) or, when it is None, by
the number of elements; then multiplied by ``loss_weight``.
"""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.ops import generalized_box_iou_loss, sigmoid_focal_loss

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
        ignore_index: softmax targets with this label add no loss (segmentation:
            255); give ``avg_factor`` = the number of other targets.
        loss_weight: multiplier of the reduced loss.
    """

    def __init__(self, use_sigmoid: bool = False, class_weight: Optional[Sequence[float]] = None,
                 ignore_index: int = -100, loss_weight: float = 1.0):
        super().__init__()
        self.use_sigmoid, self.loss_weight = use_sigmoid, loss_weight
        self.class_weight = None if class_weight is None else torch.tensor(class_weight)
        self.ignore_index = ignore_index

    def forward(self, pred, target, avg_factor=None):
        if self.use_sigmoid:
            loss = F.binary_cross_entropy_with_logits(pred, target.float(), reduction='none')
        else:
            weight = None if self.class_weight is None else self.class_weight.to(pred)
            loss = F.cross_entropy(pred, target, weight=weight, reduction='none',
                                   ignore_index=self.ignore_index)
        return self.loss_weight * _reduce(loss, avg_factor)


@MODELS.register_module()
class FocalLoss(nn.Module):
    """Sigmoid focal loss (RetinaNet; ``torchvision.ops.sigmoid_focal_loss``) on
    per-class logits (K, C) with 0/1 targets (K, C): well-classified entries weigh
    (1 - p_t) ** gamma, so the many easy negatives do not swamp the loss.

    Args:
        alpha: weight of the positive entries (negatives: 1 - alpha); < 0: none.
        gamma: focusing exponent (0: plain binary CE).
        loss_weight: multiplier of the reduced loss.
    """

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, loss_weight: float = 1.0):
        super().__init__()
        self.alpha, self.gamma, self.loss_weight = alpha, gamma, loss_weight

    def forward(self, pred, target, avg_factor=None):
        loss = sigmoid_focal_loss(pred, target.to(pred), self.alpha, self.gamma, reduction='none')
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


@MODELS.register_module()
class GIoULoss(nn.Module):
    """1 - generalised IoU of predicted and target x1y1x2y2 boxes (K, 4)
    (``torchvision.ops.generalized_box_iou_loss``): for losses on decoded boxes.

    Args:
        loss_weight: multiplier of the reduced loss.
    """

    def __init__(self, loss_weight: float = 1.0):
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, pred, target, avg_factor=None):
        loss = generalized_box_iou_loss(pred, target.to(pred), reduction='none')
        return self.loss_weight * _reduce(loss, avg_factor)


@MODELS.register_module()
class DiceLoss(nn.Module):
    """1 - Dice coefficient of softmax probabilities and one-hot labels, averaged
    over classes (V-Net's form, squared denominators off). For segmentation logits
    (N, C, H, W) and labels (N, H, W); ``avg_factor`` is not used.

    Args:
        ignore_index: pixels with this label count for no class.
        smooth: added to numerator and denominator (empty classes give 0 loss).
        loss_weight: multiplier of the loss.
    """

    def __init__(self, ignore_index: int = 255, smooth: float = 1.0, loss_weight: float = 1.0):
        super().__init__()
        self.ignore_index, self.smooth, self.loss_weight = ignore_index, smooth, loss_weight

    def forward(self, pred, target, avg_factor=None):
        valid = (target != self.ignore_index).unsqueeze(1).to(pred)
        probs = pred.softmax(dim=1) * valid
        onehot = F.one_hot(target.clamp(0, pred.shape[1] - 1), pred.shape[1])
        onehot = onehot.permute(0, 3, 1, 2).to(pred) * valid
        inter = (probs * onehot).sum(dim=(0, 2, 3))
        total = probs.sum(dim=(0, 2, 3)) + onehot.sum(dim=(0, 2, 3))
        dice = (2 * inter + self.smooth) / (total + self.smooth)
        return self.loss_weight * (1 - dice).mean()
