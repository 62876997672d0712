"""The generalized IoU loss (Rezatofighi et al., 2019) on decoded boxes.

Shapes: K positive boxes, pred (K, 4) and target (K, 4), x1y1x2y2 in pixels.
Used with detplug's ``BBoxHead(reg_decoded_bbox=True)``: the head decodes its
deltas against the RoIs and hands the boxes to this loss.
"""
import torch.nn as nn
from torchvision.ops import generalized_box_iou_loss

from plugins.registry import MODELS


@MODELS.register_module()
class GIoULoss(nn.Module):
    """Args:
        loss_weight: the loss is torchvision's GIoU loss summed, divided by
            ``avg_factor`` (or K), times this.
    """

    def __init__(self, loss_weight: float = 1.0):
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, pred, target, avg_factor=None):
        loss = generalized_box_iou_loss(pred, target, reduction='sum')
        return self.loss_weight * loss / max(float(avg_factor or len(pred)), 1.0)
