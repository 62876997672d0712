import torch
from mmengine.structures import InstanceData

from plugins.evaluation.agreement import matched_boxes


def dets(boxes, labels, scores):
    return InstanceData(bboxes=torch.tensor(boxes, dtype=torch.float32),
                        labels=torch.tensor(labels), scores=torch.tensor(scores))


def test_matched_boxes_needs_iou_and_label():
    ref = dets([[0, 0, 10, 10], [20, 20, 30, 30], [40, 40, 50, 50]], [0, 1, 0], [0.9, 0.8, 0.7])
    pred = dets([[0, 0, 10, 10.5], [20, 20, 30, 30], [40, 40, 50, 60]], [0, 0, 0],
                [0.85, 0.8, 0.7])
    # box 0: IoU 0.95, same label; box 1: other label; box 2: IoU 0.5
    hits, total, diff = matched_boxes(ref, pred)
    assert (hits, total) == (1, 3) and abs(diff - 0.05) < 1e-6
    assert matched_boxes(ref, pred, iou=0.4)[0] == 2


def test_matched_boxes_empty_sides():
    ref = dets([[0, 0, 10, 10]], [0], [0.9])
    empty = dets(torch.zeros(0, 4).tolist(), [], [])
    assert matched_boxes(ref, empty) == (0, 1, 0.0)
    assert matched_boxes(empty, ref) == (0, 0, 0.0)
