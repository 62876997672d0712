"""The second stage of a two-stage detector: sample RoIs, pool, classify and refine.

Shapes: N images, proposals per image ``InstanceData(bboxes (R_i, 4), ...)`` in
input pixels (from the RPN or a proposal file), feats [(N, C, H_l, W_l)].
- loss: add gt boxes to the proposals, assign (max IoU) and sample per image
  (``sample_targets``), pool (R, C, S, S), bbox head -> loss_cls, loss_bbox on
  (scores, deltas, RoIs, labels, matched gt boxes).
- predict: pool every proposal, bbox head -> per image InstanceData in the
  input image's pixels (the detector rescales to the original image).
Optional RoI branches, each an extractor and a head: ``mask`` (Mask R-CNN) and
``keypoint`` (Keypoint R-CNN). loss: the positive RoIs are pooled again by the
branch's extractor (14 x 14), its head computes its own targets from the gt and its
loss; predict: the detections are pooled, the head sets its fields on each result
(``mask_probs``, ``keypoints``), which ``set_predictions`` maps to the original image.
"""
from typing import Dict, List, Optional

import torch
from mmengine.model import BaseModule
from mmengine.structures import InstanceData

from plugins.errors import ConfigError
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
        mask_roi_extractor, mask_head: the optional mask branch (``MaskHead``, its
            num_classes taken from the box head), both or neither.
        keypoint_roi_extractor, keypoint_head: the optional keypoint branch
            (``KeypointHead``), both or neither.
    """

    def __init__(self, roi_extractor: dict, bbox_head: dict, assigner: dict, sampler: dict,
                 add_gt_as_proposals: bool = True, mask_roi_extractor: Optional[dict] = None,
                 mask_head: Optional[dict] = None, keypoint_roi_extractor: Optional[dict] = None,
                 keypoint_head: Optional[dict] = None, init_cfg=None):
        super().__init__(init_cfg)
        self.roi_extractor = MODELS.build(roi_extractor)
        self.bbox_head = MODELS.build(bbox_head)
        self.assigner = TASK_UTILS.build(assigner)
        self.sampler = TASK_UTILS.build(sampler)
        self.add_gt_as_proposals = add_gt_as_proposals
        num_classes = self.bbox_head.num_classes
        if mask_head is not None:
            if mask_head.get('num_classes', num_classes) != num_classes:
                raise ConfigError(f'roi_head.mask_head.num_classes={mask_head["num_classes"]} '
                                  f'but bbox_head.num_classes={num_classes}; leave it out')
            mask_head = dict(mask_head, num_classes=num_classes)
        self.branches = []  # names of the RoI branches built
        for name, extractor, head in (('mask', mask_roi_extractor, mask_head),
                                      ('keypoint', keypoint_roi_extractor, keypoint_head)):
            if (head is None) != (extractor is None):
                raise ConfigError(f'roi_head: {name}_head and {name}_roi_extractor go together; '
                                  f'got only {name}_{"head" if head else "roi_extractor"}')
            setattr(self, f'{name}_head', None if head is None else MODELS.build(head))
            if head is not None:
                setattr(self, f'{name}_roi_extractor', MODELS.build(extractor))
                self.branches.append(name)

    def _branch(self, name: str, feats, boxes: List[torch.Tensor]) -> torch.Tensor:
        """The ``name`` branch's head on its extractor's pooling of ``boxes`` (per image)."""
        rois = getattr(self, f'{name}_roi_extractor')(feats, _to_rois(boxes))
        return getattr(self, f'{name}_head')(rois)

    def loss(self, feats, proposals: List[InstanceData], data_samples) -> Dict[str, torch.Tensor]:
        boxes, targets = [], []
        for props, sample in zip(proposals, data_samples):
            gt, props = sample.gt_instances, props.bboxes
            if self.add_gt_as_proposals:
                props = torch.cat([gt.bboxes, props])
            t = sample_targets(self.assigner, self.sampler, props, gt, self.bbox_head.num_classes)
            boxes.append(props[t.inds])
            targets.append(t)
        scores, deltas = self.bbox_head(self.roi_extractor(feats, _to_rois(boxes)))
        losses = self.bbox_head.loss(scores, deltas, torch.cat(boxes),
                                     torch.cat([t.labels for t in targets]),
                                     torch.cat([t.gt_bboxes for t in targets]))
        pos = [b[:t.num_pos] for b, t in zip(boxes, targets)]
        pos_labels = torch.cat([t.labels[:t.num_pos] for t in targets])
        for name in self.branches:
            losses.update(getattr(self, f'{name}_head').loss(
                self._branch(name, feats, pos), pos, pos_labels,
                [s.gt_instances for s in data_samples], [t.pos_gt_inds for t in targets]))
        return losses

    def predict(self, feats, proposals: List[InstanceData], data_samples) -> List[InstanceData]:
        boxes = [p.bboxes for p in proposals]
        scores, deltas = self.bbox_head(self.roi_extractor(feats, _to_rois(boxes)))
        sizes = [b.shape[0] for b in boxes]
        if len(sizes) > 1:  # one image (ONNX export) keeps the count symbolic
            scores, deltas = scores.split(sizes), deltas.split(sizes)
        else:
            scores, deltas = [scores], [deltas]
        results = [self.bbox_head.predict(s, d, b, sample.metainfo['img_shape'])
                   for s, d, b, sample in zip(scores, deltas, boxes, data_samples)]
        for name in self.branches:
            getattr(self, f'{name}_head').predict(
                self._branch(name, feats, [r.bboxes for r in results]), results)
        return results
