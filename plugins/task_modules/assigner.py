"""Max-IoU assignment of priors (anchors or proposals) to ground-truth boxes.

Shapes: priors (P, 4), gt boxes (G, 4), gt labels (G,), crowd regions to ignore (I, 4)
(``DetDataSample.ignored_instances``). The result holds, per
prior, ``gt_inds`` (P,) with 0 = negative, -1 = ignored, k >= 1 = matched to
gt k - 1, ``max_overlaps`` (P,) and ``labels`` (P,) (-1 where not positive).
"""
from dataclasses import dataclass
from typing import Optional

import torch
from torchvision.ops import box_area, box_iou

from plugins.registry import TASK_UTILS


@dataclass
class AssignResult:
    num_gts: int
    gt_inds: torch.Tensor
    max_overlaps: torch.Tensor
    labels: torch.Tensor


@TASK_UTILS.register_module()
class MaxIoUAssigner:
    """Args:
        pos_iou_thr: IoU at or above which a prior is positive.
        neg_iou_thr: IoU below which a prior is negative (between: ignored).
        min_pos_iou: with ``match_low_quality``, each gt also takes the priors
            that overlap it most, if that overlap is at least this.
        match_low_quality: give every gt its best priors (Faster R-CNN's RPN rule).
        gt_max_assign_all: with ``match_low_quality``, every prior tied for a gt's best
            overlap becomes positive, matched to the gt *it* overlaps most (True:
            torchvision's ``Matcher``, R-CNN and RetinaNet; a gt's best prior may go to
            a neighbour it overlaps more), or only the first of them, matched to that
            gt (False: SSD's rule, later gts winning a prior two gts share).
        ignore_iof_thr: a prior that is not positive and lies in a crowd region by more
            than this fraction of its area (intersection over the prior) is ignored
            (-1), neither positive nor negative; below 0: crowd regions not used.
    """

    def __init__(self, pos_iou_thr: float = 0.5, neg_iou_thr: float = 0.5,
                 min_pos_iou: float = 0.0, match_low_quality: bool = True,
                 gt_max_assign_all: bool = True, ignore_iof_thr: float = 0.5):
        self.pos_iou_thr, self.neg_iou_thr = pos_iou_thr, neg_iou_thr
        self.min_pos_iou, self.match_low_quality = min_pos_iou, match_low_quality
        self.gt_max_assign_all = gt_max_assign_all
        self.ignore_iof_thr = ignore_iof_thr

    def assign(self, priors: torch.Tensor, gt_bboxes: torch.Tensor, gt_labels: torch.Tensor,
               ignored: Optional[torch.Tensor] = None) -> AssignResult:
        result = self._assign(priors, gt_bboxes, gt_labels)
        if ignored is not None and len(ignored) and len(priors) and self.ignore_iof_thr >= 0:
            lt = torch.max(priors[:, None, :2], ignored[None, :, :2])
            rb = torch.min(priors[:, None, 2:], ignored[None, :, 2:])
            inter = (rb - lt).clamp(min=0).prod(-1)  # (P, I)
            iof = (inter / box_area(priors)[:, None].clamp(min=1e-6)).max(dim=1).values
            result.gt_inds[(iof > self.ignore_iof_thr) & (result.gt_inds == 0)] = -1
        return result

    def _assign(self, priors: torch.Tensor, gt_bboxes: torch.Tensor,
                gt_labels: torch.Tensor) -> AssignResult:
        num_priors, num_gts = priors.shape[0], gt_bboxes.shape[0]
        gt_inds = priors.new_full((num_priors,), -1, dtype=torch.long)
        labels = priors.new_full((num_priors,), -1, dtype=torch.long)
        if num_gts == 0 or num_priors == 0:
            gt_inds[:] = 0
            return AssignResult(num_gts, gt_inds, priors.new_zeros(num_priors), labels)
        overlaps = box_iou(gt_bboxes, priors)  # (G, P)
        max_overlaps, argmax = overlaps.max(dim=0)
        gt_inds[max_overlaps < self.neg_iou_thr] = 0
        pos = max_overlaps >= self.pos_iou_thr
        gt_inds[pos] = argmax[pos] + 1
        if self.match_low_quality:
            gt_max, gt_argmax = overlaps.max(dim=1)  # (G,)
            for g in range(num_gts):
                if gt_max[g] >= self.min_pos_iou and gt_max[g] > 0:
                    if self.gt_max_assign_all:
                        best = overlaps[g] == gt_max[g]
                        gt_inds[best] = argmax[best] + 1
                    else:
                        gt_inds[gt_argmax[g]] = g + 1
        pos = gt_inds > 0
        labels[pos] = gt_labels[gt_inds[pos] - 1]
        return AssignResult(num_gts, gt_inds, max_overlaps, labels)
