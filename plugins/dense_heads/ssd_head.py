"""SSD head: class scores and box deltas for every default box, in one pass.

Shapes: N images, L maps, map l (H_l, W_l) with A_l priors per cell, P = sum_l
H_l * W_l * A_l priors per image, C foreground classes (label C is background).
- forward: feats [(N, C_l, H_l, W_l)] -> logits [(N, A_l * (C + 1), H_l, W_l)],
  deltas [(N, A_l * 4, H_l, W_l)].
- loss_by_feat (forward's outputs, fp32): match priors to gt (IoU >= 0.5, plus each
  gt's best prior), softmax CE on the positives and the hardest negatives
  (``miner``), smooth L1 on the positives' deltas; both summed and divided by the
  number of positives.
- predict_by_feat: softmax, decode, clip; per class the ``nms_pre`` best above
  ``score_thr`` (``test_cfg``), then ``multiclass_nms``: per-class NMS, the
  ``max_per_img`` best overall.
"""
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.structures import InstanceData

from plugins.dense_heads.dense_head import DenseHead
from plugins.dense_heads.utils import flatten_levels
from plugins.errors import ConfigError
from plugins.layers import conv_norm_act
from plugins.registry import MODELS, TASK_UTILS
from plugins.task_modules.postprocess import multiclass_nms


def _predictor(cin: int, cout: int, separable: bool, norm_cfg: dict) -> nn.Module:
    if not separable:
        return nn.Conv2d(cin, cout, 3, padding=1)
    return nn.Sequential(*conv_norm_act(cin, cin, 3, groups=cin, norm_cfg=norm_cfg, act='ReLU6'),
                         nn.Conv2d(cin, cout, 1))


@MODELS.register_module()
class SSDHead(DenseHead):
    """Args (``DenseHead``'s, and):
        in_channels: channels of each input map.
        miner: hard negative mining config.
        loss_bbox: regression loss on the positives.
        separable: depthwise 3x3 + norm + ReLU6 + pointwise 1x1 predictors
            (SSDLite) instead of one 3x3 conv; ``norm_cfg`` is their norm.
    """

    def __init__(self, num_classes: int, in_channels: Sequence[int], prior_generator: dict,
                 bbox_coder: dict = dict(type='DeltaXYWHBBoxCoder', stds=(0.1, 0.1, 0.2, 0.2)),
                 assigner: dict = dict(type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.5,
                                       min_pos_iou=0.0, gt_max_assign_all=False),
                 miner: dict = dict(type='HardNegativeMiner', neg_pos_ratio=3),
                 loss_bbox: dict = dict(type='SmoothL1Loss', beta=1.0),
                 separable: bool = False, norm_cfg: dict = dict(type='BN'),
                 test_cfg: dict = dict(score_thr=0.01, nms_pre=400, iou_threshold=0.45,
                                       max_per_img=200),
                 init_cfg=dict(type='Xavier', layer='Conv2d', distribution='uniform')):
        super().__init__(num_classes, prior_generator, bbox_coder, assigner, test_cfg, init_cfg)
        self.miner = TASK_UTILS.build(miner)
        self.loss_bbox = MODELS.build(loss_bbox)
        priors = self.prior_generator.num_priors
        if len(priors) != len(in_channels):
            raise ConfigError(f'{len(in_channels)} input maps (in_channels {list(in_channels)}) '
                              f'but the prior generator has {len(priors)} levels')
        self.cls_convs = nn.ModuleList(_predictor(c, a * (num_classes + 1), separable, norm_cfg)
                                       for c, a in zip(in_channels, priors))
        self.reg_convs = nn.ModuleList(_predictor(c, a * 4, separable, norm_cfg)
                                       for c, a in zip(in_channels, priors))

    def forward(self, feats: Sequence[torch.Tensor]
                ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        return ([conv(f) for conv, f in zip(self.cls_convs, feats)],
                [conv(f) for conv, f in zip(self.reg_convs, feats)])

    def loss_by_feat(self, outs, data_samples) -> Dict[str, torch.Tensor]:
        cls_maps, reg_maps = outs
        priors = torch.cat(self.priors(cls_maps, data_samples))
        logits = flatten_levels(cls_maps, self.num_classes + 1)  # (N, P, C + 1)
        deltas = flatten_levels(reg_maps, 4)  # (N, P, 4)
        labels = torch.full(logits.shape[:2], self.num_classes, dtype=torch.long,
                            device=logits.device)
        reg_preds, reg_targets = [], []
        ignored = torch.zeros(logits.shape[:2], dtype=torch.bool, device=logits.device)
        for i, sample in enumerate(data_samples):
            assign, pos, targets = self.match(priors, sample)
            labels[i, pos] = assign.labels[pos]
            ignored[i] = assign.gt_inds < 0  # in a crowd region: never a mined negative
            reg_preds.append(deltas[i, pos])
            reg_targets.append(targets)
        ce = F.cross_entropy(logits.flatten(0, 1), labels.flatten(),
                             reduction='none').view(labels.shape)
        pos_mask = labels < self.num_classes
        neg_mask = self.miner.mine(ce.masked_fill(ignored, 0), pos_mask) & ~ignored
        num_pos = max(int(pos_mask.sum()), 1)
        return dict(loss_cls=ce[pos_mask | neg_mask].sum() / num_pos,
                    loss_bbox=self.loss_bbox(torch.cat(reg_preds), torch.cat(reg_targets),
                                             num_pos))

    def predict_by_feat(self, outs, data_samples) -> List[InstanceData]:
        cls_maps, reg_maps = outs
        priors = torch.cat(self.priors(cls_maps, data_samples))
        probs = flatten_levels(cls_maps, self.num_classes + 1).softmax(-1)
        deltas = flatten_levels(reg_maps, 4)
        results = []
        for i, sample in enumerate(data_samples):
            boxes = self.bbox_coder.decode(priors, deltas[i], sample.metainfo['img_shape'])
            # each class's nms_pre best priors by one top-k over the (P, C) scores, class by
            # class, then those above the threshold: a few thousand (prior, class) pairs
            # of P * C (SSD300: 786k, of which 150k pass 0.01 on calibrated random weights;
            # sorting them all took 13 ms an image)
            scores, prior = probs[i, :, :-1].topk(
                min(self.test_cfg['nms_pre'] or len(priors), len(priors)), dim=0)
            labels = torch.arange(self.num_classes, device=prior.device).expand_as(prior)
            scores, prior, labels = scores.t(), prior.t(), labels.t()
            above = scores > self.test_cfg['score_thr']
            boxes, scores, labels = boxes[prior[above]], scores[above], labels[above]
            keep = multiclass_nms(boxes, scores, labels, dict(self.test_cfg, nms_pre=None))
            results.append(InstanceData(bboxes=boxes[keep], scores=scores[keep],
                                        labels=labels[keep]))
        return results
