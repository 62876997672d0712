"""How closely two sets of detections agree (a low precision against fp32, detplug
against torchvision): the share of the reference's boxes that the other set has at
IoU >= ``iou`` with the same label, and the largest score difference of those pairs."""
from typing import Tuple

from mmengine.structures import InstanceData
from torchvision.ops import box_iou


def matched_boxes(ref: InstanceData, pred: InstanceData, iou: float = 0.9
                  ) -> Tuple[int, int, float]:
    """(matched, len(ref), max |score difference| of the matched pairs)."""
    if not len(ref) or not len(pred):
        return 0, len(ref), 0.0
    overlap = box_iou(ref.bboxes, pred.bboxes) * (ref.labels[:, None] == pred.labels[None])
    best, idx = overlap.max(1)
    hit = best >= iou
    diff = (ref.scores[hit] - pred.scores[idx[hit]]).abs().max().item() if hit.any() else 0.0
    return int(hit.sum()), len(ref), diff
