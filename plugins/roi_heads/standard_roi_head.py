"""The second stage of a two-stage detector: sample RoIs, pool, classify and refine.

Shapes: N images, proposals per image ``InstanceData(bboxes (R_i, 4), ...)`` in
input pixels (from the RPN or a proposal file), feats [(N, C, H_l, W_l)].
- loss: add gt boxes to the proposals, assign (max IoU) and sample per image
  (``sample_targets``), pool (R, C, S, S), bbox head -> loss_cls, loss_bbox on
  (scores, deltas, RoIs, labels, matched gt boxes).
- predict: pool every proposal, bbox head -> per image InstanceData in the
  input image's pixels (the detector rescales to the original image).
With a mask head (Mask R-CNN), also: loss: pool the positive RoIs again (the mask RoI
extractor, 14 x 14), mask head -> loss_mask against their gt masks cut to the RoIs;
predict: pool the detections -> ``mask_probs`` (K, M, M), pasted into the original
image by ``set_predictions``.
"""
from typing import Dict, List, Optional

import torch
from mmengine.model import BaseModule
from mmengine.structures import InstanceData

from plugins.errors import ConfigError
from plugins.registry import MODELS, TASK_UTILS
from plugins.task_modules.targets import mask_targets, sample_targets


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
    """

    def __init__(self, roi_extractor: dict, bbox_head: dict, assigner: dict, sampler: dict,
                 add_gt_as_proposals: bool = True, mask_roi_extractor: Optional[dict] = None,
                 mask_head: Optional[dict] = None, init_cfg=None):
        super().__init__(init_cfg)
        self.roi_extractor = MODELS.build(roi_extractor)
        self.bbox_head = MODELS.build(bbox_head)
        self.assigner = TASK_UTILS.build(assigner)
        self.sampler = TASK_UTILS.build(sampler)
        self.add_gt_as_proposals = add_gt_as_proposals
        if (mask_head is None) != (mask_roi_extractor is None):
            raise ConfigError('roi_head: mask_head and mask_roi_extractor go together; '
                              f'got only {"mask_head" if mask_head else "mask_roi_extractor"}')
        self.mask_head = None
        if mask_head is not None:
            num_classes = self.bbox_head.num_classes
            if mask_head.get('num_classes', num_classes) != num_classes:
                raise ConfigError(f'roi_head.mask_head.num_classes={mask_head["num_classes"]} '
                                  f'but bbox_head.num_classes={num_classes}; leave it out')
            self.mask_roi_extractor = MODELS.build(mask_roi_extractor)
            self.mask_head = MODELS.build(dict(mask_head, num_classes=num_classes))

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
        if self.mask_head is not None:
            losses.update(self._mask_loss(feats, boxes, targets, data_samples))
        return losses

    def _mask_loss(self, feats, boxes, targets, data_samples) -> Dict[str, torch.Tensor]:
        if not all('masks' in s.gt_instances for s in data_samples):
            raise ConfigError('the mask head needs gt masks: LoadAnnotations(with_mask=True) '
                              'in the training pipeline')
        pos = [b[:t.num_pos] for b, t in zip(boxes, targets)]
        logits = self.mask_head(self.mask_roi_extractor(feats, _to_rois(pos)))
        cut = [mask_targets(s.gt_instances.masks, p, t.pos_gt_inds, logits.shape[-1])
               for s, p, t in zip(data_samples, pos, targets)]
        return self.mask_head.loss(logits, torch.cat([t.labels[:t.num_pos] for t in targets]),
                                   torch.cat(cut))

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
        if self.mask_head is not None:
            rois = _to_rois([r.bboxes for r in results])
            logits = self.mask_head(self.mask_roi_extractor(feats, rois))
            for r, lg in zip(results, logits.split([len(r) for r in results])):
                r.mask_probs = self.mask_head.predict(lg, r.labels)
        return results
