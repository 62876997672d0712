import math

import pytest
import torch
from mmengine.structures import PixelData

from plugins.datasets import DataError
from plugins.evaluation import IoUMetric
from plugins.evaluation.iou_metric import confusion_matrix


def _sample(pred, gt, path='x.png'):
    return dict(pred_sem_seg=PixelData(data=torch.tensor(pred)[None]).to_dict(),
                gt_sem_seg=PixelData(data=torch.tensor(gt)[None]).to_dict(), img_path=path,
                seg_map_path=path)


def test_hand_made_ious():
    metric = IoUMetric(class_names=('bg', 'a', 'b', 'c'))
    # (gt, pred) per pixel: (0,0) (0,1) (1,1) (1,1) / (2,2) (255,0) (2,2) (0,2)
    metric.process(None, [_sample([[0, 1, 1, 1], [2, 0, 2, 2]], [[0, 0, 1, 1], [2, 255, 2, 0]])])
    out = metric.compute_metrics(metric.results)
    # bg: tp 1, gt 3, pred 1 (the ignored pixel's prediction is not counted) -> 1/3;
    # a: tp 2, gt 2, pred 3 -> 2/3; b: the same; c: no pixels at all -> left out
    assert out['IoU.bg'] == pytest.approx(1 / 3) and out['IoU.a'] == pytest.approx(2 / 3)
    assert out['IoU.b'] == pytest.approx(2 / 3) and math.isnan(out['IoU.c'])
    assert out['mIoU'] == pytest.approx((1 / 3 + 2 / 3 + 2 / 3) / 3)
    assert out['mAcc'] == pytest.approx((1 / 3 + 1 + 1) / 3)
    assert out['aAcc'] == pytest.approx(5 / 7)


def test_confusion_matrix_rows_are_ground_truth():
    m = confusion_matrix(torch.tensor([1, 1, 0]), torch.tensor([0, 1, 255]), 2)
    assert m.tolist() == [[0, 1], [0, 1]]


def test_bad_shapes_and_labels_are_named():
    metric = IoUMetric(class_names=('bg', 'a'))
    with pytest.raises(DataError, match='img.png: prediction is'):
        metric.process(None, [_sample([[0, 1]], [[0], [1]], 'img.png')])
    with pytest.raises(DataError, match=r'lab.png: label 7 outside 0..1'):
        metric.process(None, [_sample([[0, 1]], [[0, 7]], 'lab.png')])
