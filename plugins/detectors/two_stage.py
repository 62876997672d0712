"""Two-stage detectors: backbone [-> neck] -> proposals -> RoI head.

Shapes: inputs (N, 3, H, W) normalised and padded by the data preprocessor;
feats [(N, C, H_l, W_l)]; proposals per image ``InstanceData(bboxes (R_i, 4),
scores)``; detections per image.
The RPN's network outputs go through ``fp32_call`` to its loss / predict; the RoI
head runs its own network parts and calls its heads' loss / predict the same way.
- forward(mode='loss'): RPN losses + proposals (or the data samples' loaded
  ``proposals``) -> RoI head losses -> dict.
- forward(mode='predict'): proposals -> RoI head (or the proposals themselves
  for an RPN-only model) -> boxes rescaled to the original image, set as
  ``pred_instances`` on each data sample.
- forward(mode='tensor'): the RPN's raw outputs, or the features without one.

Faster R-CNN has both stages. ``roi_head=None`` gives an RPN-only model (its
predictions are the proposals, label 0); ``rpn_head=None`` gives Fast R-CNN
(proposals come with the data: the dataset's ``proposal_file``).
"""
from typing import List, Optional

import torch
from mmengine.structures import InstanceData

from plugins.autocast import fp32_call
from plugins.models_base import BackboneModel
from plugins.registry import MODELS
from plugins.structures import set_predictions


@MODELS.register_module()
class TwoStageDetector(BackboneModel):
    """Args:
        backbone, neck, rpn_head, roi_head: component configs; neck is optional,
            and so is one of rpn_head (proposals from the data) or roi_head
            (an RPN-only model).
        data_preprocessor: normalisation and padding config.
    """

    def __init__(self, backbone: dict, rpn_head: Optional[dict] = None,
                 roi_head: Optional[dict] = None, neck: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        if rpn_head is None and roi_head is None:
            raise ValueError('a two-stage detector needs an rpn_head, a roi_head or both')
        super().__init__(backbone, neck, data_preprocessor, init_cfg)
        self.rpn_head = MODELS.build(rpn_head) if rpn_head is not None else None
        self.roi_head = MODELS.build(roi_head) if roi_head is not None else None

    def _loaded_proposals(self, data_samples) -> List[InstanceData]:
        if not all('proposals' in s for s in data_samples):
            raise ValueError('this model has no rpn_head, so every data sample needs '
                             "'proposals' (set the dataset's proposal_file)")
        return [s.proposals for s in data_samples]

    def network(self, inputs):
        """-> (feats, the RPN's raw outputs; () without an RPN)."""
        feats = self.extract_feat(inputs)
        return feats, (self.rpn_head(feats) if self.rpn_head is not None else ())

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        feats, rpn_outs = self.network(self.prepare(inputs, data_samples, mode))
        if self.rpn_head is None:
            rpn_outs = None
        if mode == 'tensor':
            return rpn_outs if rpn_outs is not None else feats
        if mode == 'loss':
            losses = {}
            if rpn_outs is not None:
                losses, proposals = fp32_call(self.rpn_head.loss_and_predict_by_feat, rpn_outs,
                                              data_samples)
            else:
                proposals = self._loaded_proposals(data_samples)
            if self.roi_head is not None:
                losses.update(self.roi_head.loss(feats, proposals, data_samples))
            return losses
        proposals = (fp32_call(self.rpn_head.predict_by_feat, rpn_outs, data_samples)
                     if rpn_outs is not None else self._loaded_proposals(data_samples))
        if self.roi_head is not None:
            results = self.roi_head.predict(feats, proposals, data_samples)
        else:
            results = [InstanceData(bboxes=p.bboxes, scores=p.scores,
                                    labels=p.bboxes.new_zeros(len(p), dtype=torch.long))
                       for p in proposals]
        return set_predictions(data_samples, results)
