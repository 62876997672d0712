"""What every detector and segmentor shares: a backbone, an optional neck, the
data preprocessor, and the start of ``forward``.

Shapes: inputs (N, 3, H, W) normalised and padded by the data preprocessor ->
``extract_feat`` -> feats [(N, C_l, H_l, W_l)] (the neck's outputs, or the
backbone's without one). Subclasses build their heads and define ``forward``,
which begins with ``features``: check the mode, write the padded batch size
(H, W) into every data sample's metainfo as ``batch_input_shape`` (the one way a
head learns it), extract the features.
"""
from typing import Optional

import torch
from mmengine.model import BaseModel

from plugins.registry import MODELS

MODES = ('loss', 'predict', 'tensor')


class BackboneModel(BaseModel):
    """Args:
        backbone, neck: component configs; neck is optional.
        data_preprocessor: normalisation and padding config.
    """

    def __init__(self, backbone: dict, neck: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None

    def extract_feat(self, inputs: torch.Tensor):
        feats = self.backbone(inputs)
        return self.neck(feats) if self.neck is not None else feats

    def features(self, inputs: torch.Tensor, data_samples, mode: str):
        if mode not in MODES:
            raise ValueError(f'mode must be "loss", "predict" or "tensor", got "{mode}"')
        for sample in data_samples or ():
            sample.set_metainfo(dict(batch_input_shape=tuple(inputs.shape[-2:])))
        return self.extract_feat(inputs)
