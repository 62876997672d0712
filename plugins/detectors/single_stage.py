"""Single-stage detectors (SSD): backbone [-> neck] -> dense head.

Shapes: inputs (N, 3, H, W) normalised and padded by the data preprocessor;
feats [(N, C_l, H_l, W_l)]; detections per image.
- forward(mode='tensor'): the head's network outputs (under the step's autocast).
- forward(mode='loss'): those outputs -> ``fp32_call`` -> the head's
  ``loss_by_feat`` -> dict.
- forward(mode='predict'): those outputs -> ``fp32_call`` -> ``predict_by_feat``:
  detections, rescaled to the original image, set as ``pred_instances`` on each
  data sample.
"""
from typing import Optional

from plugins.autocast import fp32_call
from plugins.models_base import BackboneModel
from plugins.registry import MODELS
from plugins.structures import set_predictions


@MODELS.register_module()
class SingleStageDetector(BackboneModel):
    """Args:
        backbone, neck, bbox_head: component configs; neck is optional.
        data_preprocessor: normalisation and padding config.
    """

    def __init__(self, backbone: dict, bbox_head: dict, neck: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        super().__init__(backbone, neck, data_preprocessor, init_cfg)
        self.bbox_head = MODELS.build(bbox_head)

    def network(self, inputs):
        """-> the head's raw outputs."""
        return self.bbox_head(self.extract_feat(inputs))

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        outs = self.network(self.prepare(inputs, data_samples, mode))
        if mode == 'tensor':
            return outs
        if mode == 'loss':
            return fp32_call(self.bbox_head.loss_by_feat, outs, data_samples)
        return set_predictions(data_samples,
                               fp32_call(self.bbox_head.predict_by_feat, outs, data_samples))
