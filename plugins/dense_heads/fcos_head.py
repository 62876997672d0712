"""FCOS head (Tian et al., "FCOS: Fully Convolutional One-Stage Object Detection",
2019), as torchvision builds it: anchor-free, one point per feature-map cell, per-class
sigmoid scores, the distances from the point to the box sides, and centre-ness.

Shapes: N images, L levels, level l a (H_l, W_l) map, P = sum_l H_l * W_l points per
image (each a square prior of its level's size, centred on the point), C classes.
- forward: feats [(N, F, H_l, W_l)] -> logits [(N, C, H_l, W_l)], distances
  [(N, 4, H_l, W_l)] (ReLU: never negative, in prior sizes), centre-ness logits
  [(N, 1, H_l, W_l)].
- loss_by_feat (forward's outputs, fp32): per image, ``match`` points to gt
  (``CenterSamplingAssigner``: centre sampling, a size range per level, the smallest
  box on a tie); focal loss on every (point, class) entry, GIoU of the decoded boxes
  of the positives, and binary CE of their centre-ness against sqrt(min(l, r) /
  max(l, r) * min(t, b) / max(t, b)); all three summed over the batch and divided by
  its positives (torchvision's).
- predict_by_feat: score sqrt(sigmoid(class) * sigmoid(centre-ness)) of every (point, class)
  pair -> ``DenseHead.detections`` (per level the ``nms_pre`` best above
  ``score_thr``, then NMS per class).
"""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.structures import InstanceData

from plugins.dense_heads.dense_head import DenseHead
from plugins.dense_heads.utils import flatten_levels, image_rows
from plugins.layers import conv_tower
from plugins.registry import MODELS


@MODELS.register_module()
class FCOSHead(DenseHead):
    """Args (``DenseHead``'s, with ``point_generator`` as its prior generator: one
    square prior per cell, and):
        in_channels: channels of every input level.
        feat_channels, stacked_convs: width and depth of each tower (conv with bias,
            norm, ReLU; torchvision's layout).
        norm_cfg: the towers' norm (GroupNorm 32, as torchvision and the paper).
        loss_cls: on the (point, class) logits; loss_bbox: on the positives' decoded
            boxes; loss_centerness: on their centre-ness logits.
        test_cfg: ``score_thr`` and ``nms_pre`` apply per level, over (point, class)
            pairs (torchvision's ``score_thresh`` and ``topk_candidates``).
        init_cfg: N(0, 0.01) convs; the class conv's bias starts at the prior
            probability 0.01.
    """

    def __init__(self, num_classes: int, in_channels: int, point_generator: dict,
                 feat_channels: int = 256, stacked_convs: int = 4,
                 norm_cfg: Optional[dict] = dict(type='GN', num_groups=32),
                 bbox_coder: dict = dict(type='LTRBBBoxCoder'),
                 assigner: dict = dict(type='CenterSamplingAssigner'),
                 loss_cls: dict = dict(type='FocalLoss', alpha=0.25, gamma=2.0),
                 loss_bbox: dict = dict(type='GIoULoss'),
                 loss_centerness: dict = dict(type='CrossEntropyLoss', use_sigmoid=True),
                 test_cfg: dict = dict(score_thr=0.2, nms_pre=1000, iou_threshold=0.6,
                                       max_per_img=100),
                 init_cfg=dict(type='Normal', layer='Conv2d', std=0.01,
                               override=dict(type='Normal', name='conv_cls', std=0.01,
                                             bias_prob=0.01))):
        super().__init__(num_classes, point_generator, bbox_coder, assigner, test_cfg, init_cfg)
        self.loss_cls = MODELS.build(loss_cls)
        self.loss_bbox = MODELS.build(loss_bbox)
        self.loss_centerness = MODELS.build(loss_centerness)
        self.cls_convs = conv_tower(in_channels, feat_channels, stacked_convs, norm_cfg,
                                    bias=True, nested=False)
        self.reg_convs = conv_tower(in_channels, feat_channels, stacked_convs, norm_cfg,
                                    bias=True, nested=False)
        self.conv_cls = nn.Conv2d(feat_channels, num_classes, 3, padding=1)
        self.conv_reg = nn.Conv2d(feat_channels, 4, 3, padding=1)
        self.conv_centerness = nn.Conv2d(feat_channels, 1, 3, padding=1)

    def forward(self, feats: Sequence[torch.Tensor]
                ) -> Tuple[List[torch.Tensor], List[torch.Tensor], List[torch.Tensor]]:
        logits, distances, centerness = [], [], []
        for f in feats:
            cls_feat, reg_feat = self.cls_convs(f), self.reg_convs(f)
            logits.append(self.conv_cls(cls_feat))
            distances.append(F.relu(self.conv_reg(reg_feat)))
            centerness.append(self.conv_centerness(reg_feat))
        return logits, distances, centerness

    @staticmethod
    def centerness_target(ltrb: torch.Tensor) -> torch.Tensor:
        """(K, 4) distances -> (K,): 1 at the box centre, falling to 0 at its sides."""
        lr, tb = ltrb[:, [0, 2]], ltrb[:, [1, 3]]
        return torch.sqrt(lr.min(dim=-1).values / lr.max(dim=-1).values
                          * (tb.min(dim=-1).values / tb.max(dim=-1).values))

    def loss_by_feat(self, outs, data_samples) -> Dict[str, torch.Tensor]:
        cls_maps, reg_maps, ctr_maps = outs
        points = torch.cat(self.priors(cls_maps, data_samples))
        logits = flatten_levels(cls_maps, self.num_classes)  # (N, P, C)
        distances = flatten_levels(reg_maps, 4)  # (N, P, 4)
        centerness = flatten_levels(ctr_maps, 1)[..., 0]  # (N, P)
        onehot = torch.zeros_like(logits)
        pred_boxes, gt_boxes, pred_ctr, ctr_targets = [], [], [], []
        for i, sample in enumerate(data_samples):
            gt = sample.gt_instances
            assign, pos, targets = self.match(points, sample)
            onehot[i, pos, assign.labels[pos]] = 1.0
            pred_boxes.append(self.bbox_coder.decode(points[pos], distances[i, pos]))
            gt_boxes.append(gt.bboxes[assign.gt_inds[pos] - 1])
            pred_ctr.append(centerness[i, pos])
            ctr_targets.append(self.centerness_target(targets))
        num_pos = sum(len(b) for b in gt_boxes)
        return dict(loss_cls=self.loss_cls(logits, onehot, num_pos),
                    loss_bbox=self.loss_bbox(torch.cat(pred_boxes), torch.cat(gt_boxes), num_pos),
                    loss_centerness=self.loss_centerness(torch.cat(pred_ctr),
                                                         torch.cat(ctr_targets), num_pos))

    def predict_by_feat(self, outs, data_samples) -> List[InstanceData]:
        cls_maps, reg_maps, ctr_maps = outs
        points = self.priors(cls_maps, data_samples)
        results = []
        for i, sample in enumerate(data_samples):
            scores = [torch.sqrt(c.sigmoid() * t.sigmoid()).reshape(-1) for c, t in
                      zip(image_rows(cls_maps, i, self.num_classes), image_rows(ctr_maps, i, 1))]
            results.append(self.detections(scores, image_rows(reg_maps, i, 4), points,
                                           sample.metainfo['img_shape']))
        return results
