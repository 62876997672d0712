"""Single-stage detectors (SSD): backbone [-> neck] -> dense head.

Shapes: inputs (N, 3, H, W) normalised and padded by the data preprocessor;
feats [(N, C_l, H_l, W_l)]; detections per image.
- forward(mode='loss'): the head's losses -> dict.
- forward(mode='predict'): the head's detections, rescaled to the original
  image, set as ``pred_instances`` on each data sample.
- forward(mode='tensor'): the head's raw outputs.
"""
from typing import Optional

import torch
from mmengine.model import BaseModel

from plugins.registry import MODELS
from plugins.structures import set_predictions


@MODELS.register_module()
class SingleStageDetector(BaseModel):
    """Args:
        backbone, neck, bbox_head: component configs; neck is optional.
        data_preprocessor: normalisation and padding config.
    """

    def __init__(self, backbone: dict, bbox_head: dict, neck: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None
        self.bbox_head = MODELS.build(bbox_head)

    def extract_feat(self, inputs: torch.Tensor):
        feats = self.backbone(inputs)
        return self.neck(feats) if self.neck is not None else feats

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        if mode not in ('loss', 'predict', 'tensor'):
            raise ValueError(f'mode must be "loss", "predict" or "tensor", got "{mode}"')
        feats = self.extract_feat(inputs)
        if mode == 'tensor':
            return self.bbox_head(feats)
        for sample in data_samples:
            sample.set_metainfo(dict(batch_input_shape=tuple(inputs.shape[-2:])))
        if mode == 'loss':
            return self.bbox_head.loss(feats, data_samples)
        return set_predictions(data_samples, self.bbox_head.predict(feats, data_samples))
