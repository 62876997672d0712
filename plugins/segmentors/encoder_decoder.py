"""Encoder-decoder segmentor: backbone [-> neck] -> decode head [+ auxiliary head].

Shapes: inputs (N, 3, H, W) normalised and padded by the data preprocessor;
feats [(N, C_l, H_l, W_l)]; logits (N, C, H, W) for C classes.
- forward(mode='tensor'): the decode head's logits (its network, under the step's
  autocast); loss and predict take them through ``fp32_call``.
- forward(mode='loss'): decode head losses, plus the auxiliary head's as
  ``aux.loss_*`` (each scaled by its loss configs' own ``loss_weight``).
- forward(mode='predict'): logits at the padded input size -> per image: crop the
  padding, resize to the original image -> ``seg_logits`` and ``pred_sem_seg``
  (argmax) on each data sample.
"""
from typing import Optional

import torch.nn.functional as F
from mmengine.structures import PixelData

from plugins.autocast import fp32_call
from plugins.decode_heads.decode_head import label_map
from plugins.models_base import BackboneModel
from plugins.registry import MODELS


@MODELS.register_module()
class EncoderDecoder(BackboneModel):
    """Args:
        backbone, decode_head, neck, auxiliary_head: component configs; neck and
            auxiliary head are optional.
        data_preprocessor: normalisation and padding config.
    """

    def __init__(self, backbone: dict, decode_head: dict, neck: Optional[dict] = None,
                 auxiliary_head: Optional[dict] = None, data_preprocessor: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(backbone, neck, data_preprocessor, init_cfg)
        self.decode_head = MODELS.build(decode_head)
        self.auxiliary_head = MODELS.build(auxiliary_head) if auxiliary_head is not None else None

    def network(self, inputs):
        """-> the decode head's logits."""
        return self.decode_head(self.extract_feat(inputs))

    def forward(self, inputs, data_samples=None, mode: str = 'tensor'):
        inputs = self.prepare(inputs, data_samples, mode)
        if mode == 'loss':  # the auxiliary head pools the features too
            feats = self.extract_feat(inputs)
            losses = fp32_call(self.decode_head.loss_by_feat, self.decode_head(feats),
                               data_samples)
            if self.auxiliary_head is not None:
                aux = fp32_call(self.auxiliary_head.loss_by_feat, self.auxiliary_head(feats),
                                data_samples)
                losses.update({f'aux.{k}': v for k, v in aux.items()})
            return losses
        logits = self.network(inputs)
        if mode == 'tensor':
            return logits
        logits = fp32_call(self.decode_head.predict_by_feat, logits, data_samples)
        for sample, logit in zip(data_samples, logits):
            h, w = sample.metainfo.get('img_shape', logit.shape[-2:])
            logit = logit[:, :h, :w]
            ori = sample.metainfo.get('ori_shape', (h, w))
            if tuple(ori) != (h, w):
                logit = F.interpolate(logit[None], size=tuple(ori), mode='bilinear',
                                      align_corners=self.decode_head.align_corners)[0]
            sample.seg_logits = PixelData(data=logit)
            sample.pred_sem_seg = PixelData(data=label_map(logit))
        return data_samples
