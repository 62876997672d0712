"""Fast R-CNN box head trained with the generalized IoU loss instead of smooth L1.

Shapes as in detplug's ``BBoxHead``: R sampled RoIs, C classes, deltas (R, 4 * C).
- loss: softmax CE (unchanged) + GIoU loss between each positive RoI's predicted
  and target box, both decoded from their deltas against the unit box (0, 0, 1, 1).
  GIoU is unchanged by shifting and by scaling x and y (each on its own), so this
  equals the GIoU of the real boxes, without passing the RoIs to the loss.
- forward, predict: inherited.
"""
import torch
import torch.nn as nn
from torchvision.ops import generalized_box_iou_loss

from plugins.registry import MODELS
from plugins.roi_heads.bbox_head import BBoxHead


@MODELS.register_module()
class GIoULoss(nn.Module):
    """torchvision's GIoU loss on (K, 4) x1y1x2y2 boxes, summed, divided by
    ``avg_factor`` (or K), times ``loss_weight``."""

    def __init__(self, loss_weight: float = 1.0):
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, pred, target, avg_factor=None):
        loss = generalized_box_iou_loss(pred, target, reduction='sum')
        return self.loss_weight * loss / max(float(avg_factor or len(pred)), 1.0)


@MODELS.register_module()
class GIoUBBoxHead(BBoxHead):
    """Takes ``BBoxHead``'s arguments; give it a box-space ``loss_bbox`` such as
    ``dict(type='GIoULoss', loss_weight=10.0)`` (weight 10 keeps its gradient near
    smooth L1's on deltas)."""

    def loss(self, scores, deltas, labels, target_deltas):
        num = labels.numel()
        pos = torch.nonzero(labels < self.num_classes).squeeze(1)
        pos_deltas = deltas.reshape(num, self.num_classes, 4)[pos, labels[pos]]
        unit = pos_deltas.new_tensor([[0., 0., 1., 1.]]).expand(len(pos), 4)
        pred_boxes = self.bbox_coder.decode(unit, pos_deltas)
        target_boxes = self.bbox_coder.decode(unit, target_deltas[pos])
        return dict(loss_cls=self.loss_cls(scores, labels, num),
                    loss_bbox=self.loss_bbox(pred_boxes, target_boxes, num))
