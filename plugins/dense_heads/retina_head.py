"""RetinaNet head (Lin et al., "Focal Loss for Dense Object Detection", 2017): per-class
sigmoid scores and box deltas for every anchor, from two towers of 3x3 convs that
every pyramid level shares.

Shapes: N images, L levels, level l a (H_l, W_l) map with A anchors per cell,
P = sum_l H_l * W_l * A anchors per image, C classes (no background output).
- forward: feats [(N, F, H_l, W_l)] -> logits [(N, A * C, H_l, W_l)],
  deltas [(N, A * 4, H_l, W_l)].
- loss_by_feat (forward's outputs, fp32): per image, ``match`` anchors to gt
  (positive at IoU >= 0.5, negative below 0.4, ignored between; each gt also takes
  its best anchors), focal loss on every positive and negative (anchor, class)
  entry, box loss on the positives' deltas (or, with ``reg_decoded_bbox``, on the
  boxes decoded from them: v2's GIoU); each divided by the image's positives, then
  averaged over the images (torchvision's normalisation).
- predict_by_feat: sigmoid scores of every (anchor, class) pair -> ``DenseHead.detections``
  (per level the ``nms_pre`` best above ``score_thr``, then NMS per class).
"""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.structures import InstanceData

from plugins.dense_heads.dense_head import DenseHead
from plugins.dense_heads.utils import flatten_levels, image_rows
from plugins.layers import conv_tower
from plugins.registry import MODELS


@MODELS.register_module()
class RetinaHead(DenseHead):
    """Args (``DenseHead``'s, with ``anchor_generator`` as its prior generator, and):
        in_channels: channels of every input level.
        feat_channels, stacked_convs: width and depth of each tower.
        norm_cfg: a norm after every tower conv (torchvision's v2: GroupNorm 32).
        loss_cls: loss on the (anchor, class) logits; loss_bbox: loss on the deltas.
        reg_decoded_bbox: ``loss_bbox`` compares decoded boxes (e.g. ``GIoULoss``).
        test_cfg: ``score_thr`` and ``nms_pre`` apply per level, over (anchor, class)
            pairs (torchvision's ``score_thresh`` and ``topk_candidates``).
        init_cfg: N(0, 0.01) convs; the class conv's bias starts at the prior
            probability 0.01, so the first losses are not swamped by negatives.
    """

    def __init__(self, num_classes: int, in_channels: int, anchor_generator: dict,
                 feat_channels: int = 256, stacked_convs: int = 4,
                 norm_cfg: Optional[dict] = None,
                 bbox_coder: dict = dict(type='DeltaXYWHBBoxCoder'),
                 assigner: dict = dict(type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.4,
                                       min_pos_iou=0.0),
                 loss_cls: dict = dict(type='FocalLoss', alpha=0.25, gamma=2.0),
                 loss_bbox: dict = dict(type='L1Loss'), reg_decoded_bbox: bool = False,
                 test_cfg: dict = dict(score_thr=0.05, nms_pre=1000, iou_threshold=0.5,
                                       max_per_img=300),
                 init_cfg=dict(type='Normal', layer='Conv2d', std=0.01,
                               override=dict(type='Normal', name='retina_cls', std=0.01,
                                             bias_prob=0.01))):
        super().__init__(num_classes, anchor_generator, bbox_coder, assigner, test_cfg, init_cfg)
        self.loss_cls = MODELS.build(loss_cls)
        self.loss_bbox = MODELS.build(loss_bbox)
        self.reg_decoded_bbox = reg_decoded_bbox
        num_anchors = self.prior_generator.num_anchors
        self.cls_convs = conv_tower(in_channels, feat_channels, stacked_convs, norm_cfg)
        self.reg_convs = conv_tower(in_channels, feat_channels, stacked_convs, norm_cfg)
        self.retina_cls = nn.Conv2d(feat_channels, num_anchors * num_classes, 3, padding=1)
        self.retina_reg = nn.Conv2d(feat_channels, num_anchors * 4, 3, padding=1)

    def forward(self, feats: Sequence[torch.Tensor]
                ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        return ([self.retina_cls(self.cls_convs(f)) for f in feats],
                [self.retina_reg(self.reg_convs(f)) for f in feats])

    def loss_by_feat(self, outs, data_samples) -> Dict[str, torch.Tensor]:
        cls_maps, reg_maps = outs
        anchors = torch.cat(self.priors(cls_maps, data_samples))
        logits = flatten_levels(cls_maps, self.num_classes)  # (N, P, C)
        deltas = flatten_levels(reg_maps, 4)  # (N, P, 4)
        loss_cls, loss_bbox = [], []
        for i, sample in enumerate(data_samples):
            assign, pos, targets = self.match(anchors, sample)
            onehot = torch.zeros_like(logits[i])
            onehot[pos, assign.labels[pos]] = 1.0
            valid = assign.gt_inds >= 0  # not ignored
            loss_cls.append(self.loss_cls(logits[i, valid], onehot[valid], pos.numel()))
            pred = deltas[i, pos]
            if self.reg_decoded_bbox:
                pred = self.bbox_coder.decode(anchors[pos], pred)
                targets = sample.gt_instances.bboxes[assign.gt_inds[pos] - 1]
            loss_bbox.append(self.loss_bbox(pred, targets, pos.numel()))
        return dict(loss_cls=torch.stack(loss_cls).mean(),
                    loss_bbox=torch.stack(loss_bbox).mean())

    def predict_by_feat(self, outs, data_samples) -> List[InstanceData]:
        cls_maps, reg_maps = outs
        anchors = self.priors(cls_maps, data_samples)
        return [self.detections([r.reshape(-1).sigmoid()
                                 for r in image_rows(cls_maps, i, self.num_classes)],
                                image_rows(reg_maps, i, 4), anchors, sample.metainfo['img_shape'])
                for i, sample in enumerate(data_samples)]
