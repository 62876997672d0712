"""What every detector and segmentor shares: a backbone, an optional neck, the
data preprocessor, and the start of ``forward``.

Shapes: inputs (N, 3, H, W) normalised and padded by the data preprocessor ->
``extract_feat`` -> feats [(N, C_l, H_l, W_l)] (the neck's outputs, or the
backbone's without one). Subclasses build their heads and define
- ``network(inputs)``: the network from the inputs to the first head's raw outputs
  (and the features where a later stage pools from them), in one piece: what
  ``plugins.deploy`` exports as one graph;
- ``forward``, which begins with ``prepare``: check the mode, write the padded batch
  size (H, W) into every data sample's metainfo as ``batch_input_shape`` (the one way
  a head learns it), channels_last in bf16.

``precision`` ('fp32', or 'bf16' set by ``engine.precision.set_precision``):
the val / test steps run the network under bf16 autocast on the data's device, with
channels_last inputs (training: ``BF16OptimWrapper``). Each subclass calls its heads'
loss / predict through ``plugins.autocast.fp32_call``, the one precision boundary.
"""
from typing import Optional

import torch
from mmengine.model import BaseModel

from plugins.autocast import autocast
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
        self.precision = 'fp32'
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck) if neck is not None else None

    def extract_feat(self, inputs: torch.Tensor):
        feats = self.backbone(inputs)
        return self.neck(feats) if self.neck is not None else feats

    def network(self, inputs: torch.Tensor):
        raise NotImplementedError

    def prepare(self, inputs: torch.Tensor, data_samples, mode: str) -> torch.Tensor:
        if mode not in MODES:
            raise ValueError(f'mode must be "loss", "predict" or "tensor", got "{mode}"')
        for sample in data_samples or ():
            sample.set_metainfo(dict(batch_input_shape=tuple(inputs.shape[-2:])))
        if self.precision == 'bf16':
            inputs = inputs.contiguous(memory_format=torch.channels_last)
        return inputs

    def _run_forward(self, data, mode: str):
        inputs = data['inputs'] if isinstance(data, dict) else next(self.parameters())
        with autocast(inputs.device.type, self.precision):
            return super()._run_forward(data, mode)
