"""Training targets of one image: assign priors to gt boxes, then sample them.

Shapes: P priors (P, 4) (anchors or RoIs), G gt boxes (G, 4) with labels (G,);
S sampled priors, positives first, S+ of them.
Used by the RPN (objectness: the first S+ are 1) and the RoI head (class labels,
background = ``num_classes``). Each head encodes (or decodes) boxes with its own coder.
``mask_targets``: the mask head's M x M targets of the positives, cut from their gt masks;
``keypoint_targets``: the keypoint head's target cell of each (positive, keypoint).
"""
from typing import NamedTuple, Optional

import torch
from torchvision.ops import roi_align


class SampledTargets(NamedTuple):
    inds: torch.Tensor       # (S,) indices into the priors, positives first
    labels: torch.Tensor     # (S,) gt class of each positive, ``num_classes`` for negatives
    gt_bboxes: torch.Tensor  # (S, 4) matched gt box of each positive; zeros for negatives
    num_pos: int             # S+
    pos_gt_inds: torch.Tensor  # (S+,) index of each positive's gt box


def ignored_bboxes(data_sample) -> Optional[torch.Tensor]:
    """The crowd regions (I, 4) of a training sample, or None."""
    ignored = data_sample.get('ignored_instances')
    return ignored.bboxes if ignored is not None and 'bboxes' in ignored else None


def sample_targets(assigner, sampler, priors: torch.Tensor, gt_instances,
                   num_classes: int, ignored: Optional[torch.Tensor] = None) -> SampledTargets:
    """``ignored``: crowd regions (I, 4); priors inside them are neither sampled as
    positives nor as negatives."""
    assign = assigner.assign(priors, gt_instances.bboxes, gt_instances.labels, ignored)
    sampled = sampler.sample(assign)
    inds = torch.cat([sampled.pos_inds, sampled.neg_inds])
    num_pos = sampled.pos_inds.numel()
    labels = priors.new_full((inds.numel(),), num_classes, dtype=torch.long)
    labels[:num_pos] = gt_instances.labels[sampled.pos_assigned_gt_inds]
    gt_bboxes = priors.new_zeros((inds.numel(), 4))
    gt_bboxes[:num_pos] = gt_instances.bboxes[sampled.pos_assigned_gt_inds]
    return SampledTargets(inds, labels, gt_bboxes, num_pos, sampled.pos_assigned_gt_inds)


def mask_targets(gt_masks: torch.Tensor, boxes: torch.Tensor, gt_inds: torch.Tensor,
                 size: int) -> torch.Tensor:
    """gt masks (G, H, W) of one image, positive boxes (P, 4) matched to gt ``gt_inds``
    (P,) -> (P, size, size) in [0, 1]: each box's crop of its gt mask, RoIAligned
    (torchvision's rule: no half-pixel offset, adaptive sampling, targets not rounded)."""
    rois = torch.cat([gt_inds[:, None].to(boxes), boxes], 1)
    return roi_align(gt_masks[:, None].to(boxes), rois, (size, size), 1.0)[:, 0]



def keypoint_targets(keypoints: torch.Tensor, boxes: torch.Tensor, size: int):
    """Keypoints (P, K, 3) as (x, y, visibility) of the gt matched to each positive box
    (P, 4) -> (target cell y * size + x in the box's size x size grid (P, K), valid (P, K)):
    torchvision's rule (floor of the scaled position; a point on the box's right or
    bottom edge goes to the last cell; valid where visible and inside the box)."""
    x1, y1, x2, y2 = (boxes[:, i:i + 1] for i in range(4))
    px, py = keypoints[..., 0], keypoints[..., 1]
    x = ((px - x1) * (size / (x2 - x1))).floor().long()
    y = ((py - y1) * (size / (y2 - y1))).floor().long()
    x[px == x2] = size - 1
    y[py == y2] = size - 1
    valid = (x >= 0) & (y >= 0) & (x < size) & (y < size) & (keypoints[..., 2] > 0)
    return (y * size + x) * valid, valid
