"""The second stage of a two-stage detector: sample RoIs, pool, classify and refine.

Shapes: N images, proposals per image ``InstanceData(bboxes (R_i, 4), ...)`` in
input pixels (from the RPN or a proposal file), feats [(N, C, H_l, W_l)].
- loss: add gt boxes to the proposals, assign (max IoU) and sample per image
  (``sample_targets``), pool (R, C, S, S), bbox head -> loss_cls, loss_bbox on
  (scores, deltas, RoIs, labels, matched gt boxes).
- predict: pool every proposal, bbox head -> per image InstanceData in the
  input image's pixels (the detector rescales to the original image).
Optional RoI branches, each a ``mask_roi_extractor`` + ``mask_head`` (Mask R-CNN) or
``keypoint_roi_extractor`` + ``keypoint_head`` (Keypoint R-CNN) attribute, None when
absent. A branch head's interface (``MaskHead``, ``KeypointHead``):
- forward(roi_feats (P, C, S, S)) -> logits, the network;
- loss(logits, pos_boxes [(P_i, 4)], pos_labels (P,), gt_instances, pos_gt_inds
  [(P_i,)]) -> dict: its own targets from the gt, its loss;
- predict(logits, results) -> None: sets its fields on each image's result
  (``mask_probs``, ``keypoints``), which ``set_predictions`` maps to the original image.
loss pools the positive RoIs again with the branch's extractor (14 x 14); predict
pools the detections. Every loss and predict goes through ``fp32_call``.
"""
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.model import BaseModule
from mmengine.structures import InstanceData

from plugins.autocast import fp32_call
from plugins.errors import ConfigError
from plugins.registry import MODELS, TASK_UTILS
from plugins.task_modules.targets import ignored_bboxes, sample_targets


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
        mask_roi_extractor, mask_head: the optional mask branch (``MaskHead``; its
            num_classes must equal the box head's), both or neither.
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
        self.mask_roi_extractor, self.mask_head = _branch('mask', mask_roi_extractor, mask_head)
        self.keypoint_roi_extractor, self.keypoint_head = _branch(
            'keypoint', keypoint_roi_extractor, keypoint_head)
        if self.mask_head is not None and self.mask_head.num_classes != self.bbox_head.num_classes:
            raise ConfigError(f'roi_head.mask_head.num_classes={self.mask_head.num_classes} but '
                              f'bbox_head.num_classes={self.bbox_head.num_classes}: set both')

    def branches(self) -> List[Tuple[BaseModule, BaseModule]]:
        """(extractor, head) of each optional branch built: mask, then keypoint."""
        return [(e, h) for e, h in ((self.mask_roi_extractor, self.mask_head),
                                    (self.keypoint_roi_extractor, self.keypoint_head))
                if h is not None]

    def loss(self, feats, proposals: List[InstanceData], data_samples) -> Dict[str, torch.Tensor]:
        boxes, targets = [], []
        for props, sample in zip(proposals, data_samples):
            gt, props = sample.gt_instances, props.bboxes
            if self.add_gt_as_proposals:
                props = torch.cat([gt.bboxes, props])
            t = sample_targets(self.assigner, self.sampler, props, gt, self.bbox_head.num_classes,
                               ignored_bboxes(sample))
            boxes.append(props[t.inds])
            targets.append(t)
        scores, deltas = self.bbox_head(self.roi_extractor(feats, _to_rois(boxes)))
        losses = fp32_call(self.bbox_head.loss, scores, deltas, torch.cat(boxes),
                           torch.cat([t.labels for t in targets]),
                           torch.cat([t.gt_bboxes for t in targets]))
        pos = [b[:t.num_pos] for b, t in zip(boxes, targets)]
        pos_labels = torch.cat([t.labels[:t.num_pos] for t in targets])
        gts = [s.gt_instances for s in data_samples]
        for extractor, head in self.branches():
            losses.update(fp32_call(head.loss, head(extractor(feats, _to_rois(pos))), pos,
                                    pos_labels, gts, [t.pos_gt_inds for t in targets]))
        return losses

    def predict(self, feats, proposals: List[InstanceData], data_samples) -> List[InstanceData]:
        boxes = [p.bboxes for p in proposals]
        scores, deltas = self.bbox_head(self.roi_extractor(feats, _to_rois(boxes)))
        sizes = [b.shape[0] for b in boxes]
        if len(sizes) > 1:  # one image (ONNX export) keeps the count symbolic
            scores, deltas = scores.split(sizes), deltas.split(sizes)
        else:
            scores, deltas = [scores], [deltas]
        results = [fp32_call(self.bbox_head.predict, s, d, b, sample.metainfo['img_shape'])
                   for s, d, b, sample in zip(scores, deltas, boxes, data_samples)]
        detections = _to_rois([r.bboxes for r in results])
        for extractor, head in self.branches():
            fp32_call(head.predict, head(extractor(feats, detections)), results)
        return results


def _branch(name: str, extractor: Optional[dict], head: Optional[dict]):
    """The built (extractor, head) of one optional branch, or (None, None)."""
    if (head is None) != (extractor is None):
        raise ConfigError(f'roi_head: {name}_head and {name}_roi_extractor go together; '
                          f'got only {name}_{"head" if head else "roi_extractor"}')
    if head is None:
        return None, None
    return MODELS.build(extractor), MODELS.build(head)
