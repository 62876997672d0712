"""Mask R-CNN's mask head: a small FCN on each RoI's pooled feature.

Shapes: R RoIs, C foreground classes, S the pooled side (14), M = 2S the mask side (28).
- forward: (R, in_channels, S, S) -> ``num_convs`` 3x3 conv [-> norm] -> ReLU -> 2x2
  stride-2 transposed conv -> ReLU -> 1x1 conv -> logits (R, C, M, M), one mask per class.
- loss: per-class binary CE: each positive RoI's logits of its gt class against its
  target (``mask_targets``: the gt mask cut to the RoI), averaged over RoIs and pixels.
- predict: sigmoid of each detection's own class -> ``mask_probs`` (K, M, M), which
  ``set_predictions`` pastes into the original image.
"""
from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from plugins.errors import ConfigError
from plugins.layers import conv_tower
from plugins.registry import MODELS
from plugins.task_modules.targets import mask_targets


@MODELS.register_module()
class MaskHead(BaseModule):
    """Args:
        num_classes: foreground classes C (the RoI head fills in its box head's).
        in_channels: channels of the pooled feature.
        conv_channels, num_convs, norm_cfg: the 3x3 conv [-> norm] -> ReLU blocks
            (torchvision's v2 head: BatchNorm after each).
        loss_weight: weight of the mask loss.
    """

    def __init__(self, num_classes: int, in_channels: int, conv_channels: int = 256,
                 num_convs: int = 4, norm_cfg: Optional[dict] = None, loss_weight: float = 1.0,
                 init_cfg=dict(type='Kaiming', mode='fan_out', nonlinearity='relu',
                               distribution='normal', layer=['Conv2d', 'ConvTranspose2d'])):
        super().__init__(init_cfg)
        self.num_classes, self.loss_weight = num_classes, loss_weight
        self.convs = conv_tower(in_channels, conv_channels, num_convs, norm_cfg)
        self.upsample = nn.ConvTranspose2d(conv_channels, conv_channels, 2, stride=2)
        self.conv_logits = nn.Conv2d(conv_channels, num_classes, 1)

    def forward(self, roi_feats: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.upsample(self.convs(roi_feats)))
        return self.conv_logits(x)

    def loss(self, logits: torch.Tensor, pos_boxes: List[torch.Tensor], labels: torch.Tensor,
             gt_instances: list, gt_inds: List[torch.Tensor]) -> Dict[str, torch.Tensor]:
        """logits (P, C, M, M) of the positive RoIs (per image ``pos_boxes`` (P_i, 4) matched
        to gt ``gt_inds`` (P_i,)), their gt labels (P,); each image's ``gt_instances.masks``."""
        if not all('masks' in gt for gt in gt_instances):
            raise ConfigError('the mask head needs gt masks: LoadAnnotations(with_mask=True) '
                              'in the training pipeline')
        if not len(labels):
            return dict(loss_mask=logits.sum() * 0)
        targets = torch.cat([mask_targets(gt.masks, b, i, logits.shape[-1])
                             for gt, b, i in zip(gt_instances, pos_boxes, gt_inds)])
        own = logits[torch.arange(len(labels), device=labels.device), labels]
        return dict(loss_mask=self.loss_weight * F.binary_cross_entropy_with_logits(own, targets))

    def predict(self, logits: torch.Tensor, results: list) -> None:
        """logits (K, C, M, M) of all images' detections -> each result's ``mask_probs``
        (K_i, M, M): the sigmoid of its own class."""
        for r, lg in zip(results, logits.split([len(r) for r in results])):
            r.mask_probs = lg[torch.arange(len(r), device=lg.device), r.labels].sigmoid()
