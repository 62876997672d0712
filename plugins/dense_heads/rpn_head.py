"""Region Proposal Network head: objectness and box deltas for every anchor.

Shapes: N images, L levels, level l a (H_l, W_l) map with A anchors per cell,
P = sum_l H_l * W_l * A anchors per image, G gt boxes per image.
- forward: feats [(N, C, H_l, W_l)] -> objectness [(N, A, H_l, W_l)],
  deltas [(N, A * 4, H_l, W_l)].
- loss_and_predict_by_feat (forward's outputs, fp32): per image assign P anchors
  to G boxes, sample, binary CE + box regression -> (losses, proposals detached).
- predict_by_feat: proposals per image: top ``nms_pre`` logits per level,
  decode, clip, then ``multiclass_nms`` with the level as the group (drop tiny
  boxes, NMS per level, keep ``max_per_img``). Proposals are
  ``InstanceData(bboxes (R, 4), scores (R,))`` in input pixels, best first.
"""
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmengine.structures import InstanceData

from plugins.dense_heads.utils import batch_input_size, flatten_levels
from plugins.layers import conv_tower
from plugins.registry import MODELS, TASK_UTILS
from plugins.task_modules.postprocess import multiclass_nms, nms_config
from plugins.task_modules.targets import ignored_bboxes, sample_targets


@MODELS.register_module()
class RPNHead(BaseModule):
    """Args:
        in_channels: channels of every input level.
        feat_channels: channels of the shared 3x3 conv.
        num_convs: shared 3x3 conv + ReLU blocks (2 in torchvision's Faster R-CNN v2).
        anchor_generator, bbox_coder, assigner, sampler: task-util configs.
        loss_cls: objectness loss (sigmoid form); loss_bbox: delta loss.
        train_proposals, test_proposals: NMS configs (``postprocess.NMS_DEFAULTS``:
            ``nms_pre`` per level, ``iou_threshold``, ``max_per_img``, ``min_size``)
            for proposals in each mode.
    """

    def __init__(self, in_channels: int, feat_channels: int, anchor_generator: dict,
                 bbox_coder: dict, assigner: dict, sampler: dict, num_convs: int = 1,
                 loss_cls: dict = dict(type='CrossEntropyLoss', use_sigmoid=True),
                 loss_bbox: dict = dict(type='SmoothL1Loss', beta=1 / 9),
                 train_proposals: dict = dict(nms_pre=2000, iou_threshold=0.7, max_per_img=1000,
                                              min_size=1e-3),
                 test_proposals: dict = dict(nms_pre=1000, iou_threshold=0.7, max_per_img=1000,
                                             min_size=1e-3),
                 init_cfg=dict(type='Normal', layer='Conv2d', std=0.01)):
        super().__init__(init_cfg)
        self.anchor_generator = TASK_UTILS.build(anchor_generator)
        self.bbox_coder = TASK_UTILS.build(bbox_coder)
        self.assigner = TASK_UTILS.build(assigner)
        self.sampler = TASK_UTILS.build(sampler)
        self.loss_cls = MODELS.build(loss_cls)
        self.loss_bbox = MODELS.build(loss_bbox)
        self.train_proposals = nms_config(train_proposals, 'RPNHead train_proposals')
        self.test_proposals = nms_config(test_proposals, 'RPNHead test_proposals')
        num_anchors = self.anchor_generator.num_anchors
        # one conv keeps its plain name (``conv.weight``); a tower has its ReLUs inside,
        # and the ReLU after it changes nothing then
        self.conv = nn.Conv2d(in_channels, feat_channels, 3, padding=1) if num_convs == 1 \
            else conv_tower(in_channels, feat_channels, num_convs)
        self.relu = nn.ReLU(inplace=True)
        self.cls_logits = nn.Conv2d(feat_channels, num_anchors, 1)
        self.bbox_pred = nn.Conv2d(feat_channels, num_anchors * 4, 1)

    def forward(self, feats: Sequence[torch.Tensor]
                ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        hidden = [self.relu(self.conv(f)) for f in feats]
        return ([self.cls_logits(h) for h in hidden], [self.bbox_pred(h) for h in hidden])

    def _anchors(self, maps, data_samples) -> List[torch.Tensor]:
        return self.anchor_generator.grid_anchors([m.shape[-2:] for m in maps], maps[0].device,
                                                  batch_input_size(data_samples))

    def loss_and_predict_by_feat(self, outs, data_samples
                                 ) -> Tuple[Dict[str, torch.Tensor], list]:
        cls_maps, reg_maps = outs
        level_anchors = self._anchors(cls_maps, data_samples)
        anchors = torch.cat(level_anchors)
        scores, deltas = flatten_levels(cls_maps, 1).squeeze(-1), flatten_levels(reg_maps, 4)
        cls_preds, cls_targets, reg_preds, reg_targets = [], [], [], []
        for i, sample in enumerate(data_samples):
            t = sample_targets(self.assigner, self.sampler, anchors, sample.gt_instances, 1,
                               ignored_bboxes(sample))
            pos = t.inds[:t.num_pos]
            cls_preds.append(scores[i, t.inds])
            cls_targets.append((torch.arange(t.inds.numel(), device=pos.device)
                                < t.num_pos).float())
            reg_preds.append(deltas[i, pos])
            reg_targets.append(self.bbox_coder.encode(anchors[pos], t.gt_bboxes[:t.num_pos]))
        num_samples = sum(t.numel() for t in cls_targets)
        losses = dict(
            loss_rpn_cls=self.loss_cls(torch.cat(cls_preds), torch.cat(cls_targets), num_samples),
            loss_rpn_bbox=self.loss_bbox(torch.cat(reg_preds), torch.cat(reg_targets),
                                         num_samples))
        proposals = self._proposals([m.detach() for m in cls_maps], [m.detach() for m in reg_maps],
                                    level_anchors, data_samples, self.train_proposals)
        return losses, proposals

    def predict_by_feat(self, outs, data_samples) -> List[InstanceData]:
        cls_maps, reg_maps = outs
        return self._proposals(cls_maps, reg_maps, self._anchors(cls_maps, data_samples),
                               data_samples, self.test_proposals)

    def _proposals(self, cls_maps, reg_maps, anchors, data_samples, cfg) -> List[InstanceData]:
        # the top nms_pre of each level are ranked by logit, before decoding, as in
        # torchvision (sigmoid ties would pick other anchors)
        nms_cfg = dict(cfg, nms_pre=None)
        results = []
        for i, sample in enumerate(data_samples):
            boxes, scores, levels = [], [], []
            for lvl, (cls_map, reg_map, lvl_anchors) in enumerate(zip(cls_maps, reg_maps, anchors)):
                s = cls_map[i].permute(1, 2, 0).reshape(-1)
                d = reg_map[i].permute(1, 2, 0).reshape(-1, 4)
                s, top = s.topk(min(cfg['nms_pre'] or s.numel(), s.numel()))
                boxes.append(self.bbox_coder.decode(lvl_anchors[top], d[top],
                                                    sample.metainfo['img_shape']))
                scores.append(s.sigmoid())
                levels.append(torch.full_like(top, lvl))
            boxes, scores = torch.cat(boxes), torch.cat(scores)
            keep = multiclass_nms(boxes, scores, torch.cat(levels), nms_cfg)
            results.append(InstanceData(bboxes=boxes[keep], scores=scores[keep]))
        return results
