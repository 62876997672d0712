"""Test-time augmentation for detectors: one image seen at several scales and flips.

Shapes: per image, K augmented predictions, each ``pred_instances`` with D_k boxes
already rescaled to the original image by the detector (but still flipped).
Call flow: test_step (MMEngine's ``BaseTTAModel``: run the wrapped detector once
per augmentation) -> merge_preds: undo each flip, concatenate the K sets, per-class
NMS (or weighted box voting), keep the ``max_per_img`` best. Instance masks (pasted at
the original size) are unflipped and kept with their boxes, not voted.

Used by ``tools/test.py --tta`` with the config's ``tta_model`` and ``tta_pipeline``
(mmcv's ``TestTimeAug`` over Resize x RandomFlip).
"""
from typing import List, Sequence

import torch
from mmengine.model import BaseTTAModel
from mmengine.structures import InstanceData

from plugins.registry import MODELS
from plugins.task_modules.postprocess import multiclass_nms, nms_config, vote_boxes


def unflip(boxes: torch.Tensor, direction: str, ori_shape) -> torch.Tensor:
    """Map boxes predicted on a flipped image back onto the unflipped original."""
    h, w = ori_shape[:2]
    out = boxes.clone()
    if direction in ('horizontal', 'diagonal'):
        out[:, [0, 2]] = w - boxes[:, [2, 0]]
    if direction in ('vertical', 'diagonal'):
        out[:, [1, 3]] = h - boxes[:, [3, 1]]
    return out


FLIP_DIMS = dict(horizontal=[-1], vertical=[-2], diagonal=[-2, -1])


@MODELS.register_module()
class DetTTAModel(BaseTTAModel):
    """Args:
        module: the detector config.
        test_cfg: NMS config of the per-class NMS that merges augmentations
            (``postprocess.NMS_DEFAULTS``).
        box_voting: replace each kept box by the score-weighted mean of the
            same-class boxes it suppressed (itself included).
    """

    def __init__(self, module: dict, test_cfg: dict = dict(iou_threshold=0.5, max_per_img=100),
                 box_voting: bool = False):
        super().__init__(module)
        self.test_cfg = nms_config(test_cfg, 'DetTTAModel test_cfg')
        self.box_voting = box_voting

    def merge_preds(self, data_samples_list: Sequence[Sequence]) -> List:
        return [self._merge(samples) for samples in data_samples_list]

    def _merge(self, samples):
        boxes, scores, labels, masks = [], [], [], []
        for s in samples:
            pred = s.pred_instances
            b, m = pred.bboxes, pred.get('masks')
            if s.metainfo.get('flip', False):
                b = unflip(b, s.metainfo['flip_direction'], s.metainfo['ori_shape'])
                m = m if m is None else m.flip(FLIP_DIMS[s.metainfo['flip_direction']])
            boxes.append(b)
            scores.append(pred.scores)
            labels.append(pred.labels)
            masks.append(m)
        boxes, scores, labels = torch.cat(boxes), torch.cat(scores), torch.cat(labels)
        keep = multiclass_nms(boxes, scores, labels, self.test_cfg)
        kept = boxes[keep]
        if self.box_voting and len(keep):
            kept = vote_boxes(kept, labels[keep], boxes, scores, labels,
                              self.test_cfg['iou_threshold'])
        merged = samples[0]
        merged.pred_instances = InstanceData(bboxes=kept, scores=scores[keep], labels=labels[keep])
        if all(m is not None for m in masks):
            merged.pred_instances.masks = torch.cat(masks)[keep]
        return merged
