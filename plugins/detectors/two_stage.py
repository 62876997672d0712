"""Two-stage detector (Faster R-CNN): backbone [-> neck] -> RPN -> RoI head.

Shapes: inputs (N, 3, H, W) normalised and padded by the data preprocessor;
feats [(N, C, H_l, W_l)]; proposals [(R_i, 4)]; detections per image.
- forward(mode='loss'): RPN losses + proposals -> RoI head losses -> dict.
- forward(mode='predict'): RPN proposals -> RoI head -> boxes rescaled to the
  original image, set as ``pred_instances`` on each data sample.
- forward(mode='tensor'): the RPN's raw outputs (for tracing / FLOPs).
"""
from typing import Optional

import torch
from mmengine.model import BaseModel

from plugins.registry import MODELS


@MODELS.register_module()
class TwoStageDetector(BaseModel):
    """Args:
        backbone, neck (optional), rpn_head, roi_head: component configs.
        data_preprocessor: normalisation and padding config.
    """

    def __init__(self, backbone: dict, rpn_head: dict, roi_head: dict,
                 neck: Optional[dict] = None, data_preprocessor: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        self.rpn_head = MODELS.build(rpn_head)
        self.roi_head = MODELS.build(roi_head)

    def extract_feat(self, inputs: torch.Tensor):
        feats = self.backbone(inputs)
        return self.neck(feats) if self.neck is not None else feats

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        feats = self.extract_feat(inputs)
        if mode == 'tensor':
            return self.rpn_head(feats)
        if mode == 'loss':
            losses, proposals = self.rpn_head.loss_and_predict(feats, data_samples)
            losses.update(self.roi_head.loss(feats, proposals, data_samples))
            return losses
        if mode == 'predict':
            proposals = self.rpn_head.predict(feats, data_samples)
            results = self.roi_head.predict(feats, proposals, data_samples)
            for sample, pred in zip(data_samples, results):
                sx, sy = sample.metainfo.get('scale_factor', (1.0, 1.0))
                pred.bboxes = pred.bboxes / pred.bboxes.new_tensor([sx, sy, sx, sy])
                sample.pred_instances = pred
            return data_samples
        raise ValueError(f'mode must be "loss", "predict" or "tensor", got "{mode}"')
