"""The distance-IoU loss (Zheng et al., 2020) on decoded boxes: 1 - IoU plus the
squared distance of the two centres over the squared diagonal of the box enclosing
both, so boxes that do not overlap still pull together.

Shapes: K positive boxes, pred (K, 4) and target (K, 4), x1y1x2y2 in pixels.
Used with detplug's ``BBoxHead(reg_decoded_bbox=True)``: the head decodes its
deltas against the RoIs and hands the boxes to this loss.
"""
import torch.nn as nn
from torchvision.ops import distance_box_iou_loss

from plugins.registry import MODELS


@MODELS.register_module()
class DIoULoss(nn.Module):
    """Args:
        loss_weight: the loss is torchvision's DIoU loss summed, divided by
            ``avg_factor`` (or K), times this.
    """

    def __init__(self, loss_weight: float = 1.0):
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, pred, target, avg_factor=None):
        loss = distance_box_iou_loss(pred, target.to(pred), reduction='sum')
        return self.loss_weight * loss / max(float(avg_factor or len(pred)), 1.0)
