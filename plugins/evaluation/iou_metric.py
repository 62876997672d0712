"""Semantic segmentation metric from one confusion matrix: per-class IoU and
accuracy, mIoU, mAcc and aAcc (all pixels), for any dataset.

For C classes the (C, C) matrix counts pixels by (ground truth, prediction),
leaving out ground-truth pixels labelled ``ignore_index``. IoU_c = TP / (TP + FP
+ FN); a class absent from both ground truth and predictions has no IoU and is
left out of the means.
"""
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from plugins.errors import DataError
from plugins.registry import METRICS


def confusion_matrix(pred: torch.Tensor, gt: torch.Tensor, num_classes: int,
                     ignore_index: int = 255) -> torch.Tensor:
    """pred, gt (H, W) class indices -> (C, C) counts indexed [gt, pred]."""
    valid = gt != ignore_index
    return torch.bincount(gt[valid] * num_classes + pred[valid],
                          minlength=num_classes ** 2).reshape(num_classes, num_classes)


def scores(matrix: np.ndarray) -> Dict[str, np.ndarray]:
    tp = np.diag(matrix).astype(np.float64)
    gt, pred = matrix.sum(1), matrix.sum(0)
    with np.errstate(invalid='ignore', divide='ignore'):
        iou = tp / (gt + pred - tp)
        acc = tp / gt
    return dict(IoU=iou, Acc=acc, aAcc=tp.sum() / max(matrix.sum(), 1))


@METRICS.register_module()
class IoUMetric(BaseMetric):
    """Args:
        ignore_index: ground-truth label that is not scored.
        class_names: names for the per-class table; defaults to the dataset's
            ``classes``.
        collect_device, prefix: as MMEngine's ``BaseMetric``.
    """
    default_prefix = 'seg'

    def __init__(self, ignore_index: int = 255, class_names: Optional[Sequence[str]] = None,
                 collect_device: str = 'cpu', prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ignore_index, self.class_names = ignore_index, class_names

    @property
    def names(self) -> Sequence[str]:
        return self.class_names or self.dataset_meta['classes']

    def process(self, data_batch, data_samples: Sequence) -> None:
        num_classes = len(self.names)
        for sample in data_samples:
            pred = sample['pred_sem_seg']['data'].squeeze(0).cpu()
            gt = sample['gt_sem_seg']['data'].squeeze(0).cpu().to(pred)
            where = sample.get('img_path', 'an image')
            if pred.shape != gt.shape:
                raise DataError(f'{where}: prediction is {tuple(pred.shape)} but the label map '
                                f'is {tuple(gt.shape)}; load annotations after any test resize')
            bad = (gt != self.ignore_index) & ((gt < 0) | (gt >= num_classes))
            if bad.any():
                raise DataError(f'{sample.get("seg_map_path", where)}: label '
                                f'{int(gt[bad][0])} outside 0..{num_classes - 1} and not '
                                f'ignore_index {self.ignore_index}')
            self.results.append(confusion_matrix(pred, gt, num_classes, self.ignore_index).numpy())

    def compute_metrics(self, results: List[np.ndarray]) -> Dict[str, float]:
        names = self.names
        s = scores(np.sum(results, axis=0))
        rows = [f'{n:>12} {iou * 100:7.2f} {acc * 100:7.2f}'
                for n, iou, acc in zip(names, s['IoU'], s['Acc'])]
        print_log('\n'.join([f'{"class":>12} {"IoU":>7} {"Acc":>7}'] + rows), logger='current')
        metrics = dict(mIoU=float(np.nanmean(s['IoU'])), mAcc=float(np.nanmean(s['Acc'])),
                       aAcc=float(s['aAcc']))
        metrics.update({f'IoU.{n}': float(v) for n, v in zip(names, s['IoU'])})
        return metrics
