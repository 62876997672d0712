"""FCOS's assignment of points to ground-truth boxes (Tian et al., 2019; torchvision's rule).

Shapes: priors (P, 4), one square box per point: its centre is the point and its side
s the level's size (torchvision's FCOS anchors, 8 ... 128 px); gt boxes (G, 4), labels
(G,). The result is an ``AssignResult`` with ``gt_inds`` (P,): 0 = negative, k >= 1 =
matched to gt k - 1 (no point is ignored).

A point is a positive of a gt box when all of these hold:
- centre sampling: it lies within ``radius`` x s of the box centre (Chebyshev distance);
- it lies inside the box;
- the largest of its four distances to the box sides is in (lo x s, hi x s) with
  (lo, hi) = ``range_factors``, the smallest priors' lower bound 0 and the largest
  priors' upper bound infinity: each level regresses one range of object sizes
  (torchvision's and the paper's 0-64-128-256-512-inf for sizes 8 ... 128).
A point that fits several boxes takes the one with the smallest area.
"""
from typing import Optional, Sequence

import torch

from plugins.registry import TASK_UTILS
from plugins.task_modules.assigner import AssignResult


@TASK_UTILS.register_module()
class CenterSamplingAssigner:
    """Args:
        radius: centre-sampling radius, in prior sizes.
        range_factors: (lo, hi) regression range of a level, in prior sizes.
    """

    def __init__(self, radius: float = 1.5, range_factors: Sequence[float] = (4.0, 8.0)):
        self.radius = radius
        self.lo, self.hi = range_factors

    def assign(self, priors: torch.Tensor, gt_bboxes: torch.Tensor,
               gt_labels: torch.Tensor, ignored: Optional[torch.Tensor] = None) -> AssignResult:
        """``ignored`` (crowd regions) is not used: FCOS (as torchvision's) has no ignored
        points; crowd boxes are simply not objects."""
        num_priors, num_gts = priors.shape[0], gt_bboxes.shape[0]
        gt_inds = priors.new_zeros((num_priors,), dtype=torch.long)
        labels = priors.new_full((num_priors,), -1, dtype=torch.long)
        if num_gts == 0 or num_priors == 0:
            return AssignResult(num_gts, gt_inds, priors.new_zeros(num_priors), labels)
        centres = (priors[:, :2] + priors[:, 2:]) / 2  # (P, 2)
        sizes = priors[:, 2] - priors[:, 0]
        gt_centres = (gt_bboxes[:, :2] + gt_bboxes[:, 2:]) / 2  # (G, 2)
        match = ((centres[:, None, :] - gt_centres[None]).abs().max(dim=2).values
                 < self.radius * sizes[:, None])  # (P, G)
        x, y = centres[:, 0:1], centres[:, 1:2]  # (P, 1)
        x0, y0, x1, y1 = gt_bboxes.unsqueeze(0).unbind(dim=2)  # (1, G) each
        sides = torch.stack([x - x0, y - y0, x1 - x, y1 - y], dim=2)  # (P, G, 4)
        match &= sides.min(dim=2).values > 0
        lower, upper = sizes * self.lo, sizes * self.hi
        lower[sizes == sizes.min()] = 0
        upper[sizes == sizes.max()] = float('inf')
        reach = sides.max(dim=2).values
        match &= (reach > lower[:, None]) & (reach < upper[:, None])
        areas = (gt_bboxes[:, 2] - gt_bboxes[:, 0]) * (gt_bboxes[:, 3] - gt_bboxes[:, 1])
        best, idx = (match.float() * (1e8 - areas[None])).max(dim=1)  # smallest box wins
        pos = best >= 1e-5
        gt_inds[pos] = idx[pos] + 1
        labels[pos] = gt_labels[idx[pos]]
        return AssignResult(num_gts, gt_inds, pos.float(), labels)
