"""The second stage of a two-stage detector: sample RoIs, pool, classify and refine.

Shapes: N images, proposals per image ``InstanceData(bboxes (R_i, 4), ...)`` in
input pixels (from the RPN or a proposal file), feats [(N, C, H_l, W_l)].
- loss: add gt boxes to the proposals, assign (max IoU) and sample per image
  (``sample_targets``), pool (R, C, S, S), bbox head -> loss_cls, loss_bbox on
  (scores, deltas, RoIs, labels, matched gt boxes).
- predict: pool every proposal, bbox head -> per image InstanceData in the
  input image's pixels (the detector rescales to the original image).
"""
from typing import Dict, List

import torch
from mmengine.model import BaseModule
from mmengine.structures import InstanceData

from plugins.registry import MODELS, TASK_UTILS
from plugins.task_modules.targets import sample_targets


def _to_rois(boxes: List[torch.Tensor]) -> torch.Tensor:
    """[(R_i, 4)] -> (sum R_i, 5) with the image index in column 0."""
    return torch.cat([torch.cat([b.new_full((b.shape[0], 1), i), b], dim=1)
                      for i, b in enumerate(boxes)])


@MODELS.register_module()
class StandardRoIHead(BaseModule):
    """Args:
        roi_extractor: ``RoIExtractor`` config (RoIPool or RoIAlign inside).
        bbox_head: ``BBoxHead`` config.
        assigner, sampler: task-util configs for training RoIs.
        add_gt_as_proposals: also train on the gt boxes themselves.
    """

    def __init__(self, roi_extractor: dict, bbox_head: dict, assigner: dict, sampler: dict,
                 add_gt_as_proposals: bool = True, init_cfg=None):
        super().__init__(init_cfg)
        self.roi_extractor = MODELS.build(roi_extractor)
        self.bbox_head = MODELS.build(bbox_head)
        self.assigner = TASK_UTILS.build(assigner)
        self.sampler = TASK_UTILS.build(sampler)
        self.add_gt_as_proposals = add_gt_as_proposals

    def loss(self, feats, proposals: List[InstanceData], data_samples) -> Dict[str, torch.Tensor]:
        boxes, labels, gt_bboxes = [], [], []
        for props, sample in zip(proposals, data_samples):
            gt, props = sample.gt_instances, props.bboxes
            if self.add_gt_as_proposals:
                props = torch.cat([gt.bboxes, props])
            t = sample_targets(self.assigner, self.sampler, props, gt, self.bbox_head.num_classes)
            boxes.append(props[t.inds])
            labels.append(t.labels)
            gt_bboxes.append(t.gt_bboxes)
        scores, deltas = self.bbox_head(self.roi_extractor(feats, _to_rois(boxes)))
        return self.bbox_head.loss(scores, deltas, torch.cat(boxes), torch.cat(labels),
                                   torch.cat(gt_bboxes))

    def predict(self, feats, proposals: List[InstanceData], data_samples) -> List[InstanceData]:
        boxes = [p.bboxes for p in proposals]
        scores, deltas = self.bbox_head(self.roi_extractor(feats, _to_rois(boxes)))
        sizes = [b.shape[0] for b in boxes]
        if len(sizes) > 1:  # one image (ONNX export) keeps the count symbolic
            scores, deltas = scores.split(sizes), deltas.split(sizes)
        else:
            scores, deltas = [scores], [deltas]
        return [self.bbox_head.predict(s, d, b, sample.metainfo['img_shape'])
                for s, d, b, sample in zip(scores, deltas, boxes, data_samples)]
