from .coco_metric import CocoMetric
from .iou_metric import IoUMetric

__all__ = ['CocoMetric', 'IoUMetric']
