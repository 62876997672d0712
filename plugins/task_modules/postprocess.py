"""Post-processing: the one place where detections are thresholded and NMS'd.

Shapes: K candidate boxes (K, 4) x1y1x2y2, scores (K,), groups (K,) integer: the
class for a detector's output, the FPN level for an RPN's proposals (NMS never
compares boxes of different groups).

Every head's test config and the TTA merge use one schema (``NMS_DEFAULTS``):
    score_thr      drop scores at or below it (0: keep all)
    nms_pre        keep the best ``nms_pre`` of each group before NMS (None: all)
    iou_threshold  NMS IoU
    max_per_img    keep the best ``max_per_img`` after NMS
    min_size       drop boxes with a side below it, in pixels (0: keep all)
"""
from typing import Optional

import torch
from torchvision.ops import batched_nms as torchvision_batched_nms
from torchvision.ops import box_iou, nms, remove_small_boxes

from plugins.errors import ConfigError
from plugins.utils.threads import in_threads

NMS_DEFAULTS = dict(score_thr=0.0, nms_pre=None, iou_threshold=0.5, max_per_img=100,
                    min_size=0.0)


def nms_config(cfg: Optional[dict], where: str) -> dict:
    """``cfg`` over the defaults; a misspelt key is a ConfigError naming ``where``."""
    cfg = dict(cfg or {})
    for key in cfg:
        if key not in NMS_DEFAULTS:
            raise ConfigError(f'{where}: unknown key "{key}"; the NMS keys are '
                              f'{", ".join(NMS_DEFAULTS)}')
    return {**NMS_DEFAULTS, **cfg}


def _at_most(k: int, x: torch.Tensor):
    """min(k, len(x)); while tracing (ONNX export) a tensor, so the count stays dynamic."""
    if torch.jit.is_tracing():
        return torch.clamp(torch._shape_as_tensor(x)[0], max=k)
    return min(k, x.shape[0])


def _best_per_group(scores: torch.Tensor, groups: torch.Tensor, k: int,
                    num_groups: int) -> torch.Tensor:
    """Indices of the ``k`` best scores of each of ``num_groups`` groups, group by group,
    best first: one sort on a key that orders by group, then by score (a loop of ``topk``
    per group cost SSD300 ~20 ms an image: 90 classes, 4 small ops each); while tracing,
    the loop (a graph step per group)."""
    if torch.jit.is_tracing():
        keep = [groups.new_zeros(0)]
        for g in range(num_groups):
            members = torch.nonzero(groups == g).squeeze(1)
            keep.append(members[scores[members].topk(_at_most(k, members)).indices])
        return torch.cat(keep)
    if not scores.numel():
        return groups.new_zeros(0)
    # group-major, best first: with s = score - min in [0, span], g (span + 1) - s lies in
    # [g (span + 1) - span, g (span + 1)], below every key of group g + 1 (float64: exact
    # enough for any float32 score)
    s = scores.double() - scores.min().double()
    order = (groups.double() * (s.max() + 1) - s).argsort()
    counts = torch.bincount(groups, minlength=num_groups)
    first = (counts.cumsum(0) - counts)[groups[order]]  # where each one's group starts
    rank = torch.arange(order.numel(), device=order.device) - first
    return order[rank < k]


def batched_nms(boxes: torch.Tensor, scores: torch.Tensor, groups: torch.Tensor,
                iou_threshold: float) -> torch.Tensor:
    """torchvision's ``batched_nms`` (the same indices in the same order); on a CPU with
    several torch threads the groups are NMS'd in parallel threads, since torchvision's
    CPU kernel runs on one (for SSD's 90 classes, a quarter of a bf16 pass). Where
    torchvision itself would NMS all groups at once (few boxes), or on another device,
    or while tracing, it is torchvision's."""
    if boxes.device.type != 'cpu' or boxes.numel() <= 4000 or torch.get_num_threads() < 2 \
            or torch.jit.is_tracing():
        return torchvision_batched_nms(boxes, scores, groups, iou_threshold)
    members = groups.argsort(stable=True).split(torch.bincount(groups).tolist())
    members = [m for m in members if len(m)]
    threads = min(torch.get_num_threads(), len(members))

    def kept(share):  # every threads-th group, so that each thread gets a mix of sizes
        return [m[nms(boxes[m], scores[m], iou_threshold)] for m in share]
    keep = torch.cat([k for share in in_threads(kept, [members[i::threads]
                                                       for i in range(threads)])
                      for k in share]).sort().values  # ascending, as torchvision's mask
    return keep[scores[keep].sort(descending=True)[1]]


def multiclass_nms(boxes: torch.Tensor, scores: torch.Tensor, groups: torch.Tensor,
                   cfg: dict, num_groups: Optional[int] = None) -> torch.Tensor:
    """Indices of the kept candidates, best first (``cfg`` from ``nms_config``): score
    threshold, top ``nms_pre`` per group, minimum size, NMS per group, ``max_per_img``.
    ``num_groups`` (default: counted before the threshold, on candidates whose groups
    are fixed, every class or level) is fixed, so an ONNX trace keeps one loop step per
    group."""
    if num_groups is None:
        num_groups = int(groups.max()) + 1 if groups.numel() else 0
    keep = torch.arange(scores.numel(), device=scores.device)
    if cfg['score_thr'] > 0:
        keep = keep[scores > cfg['score_thr']]
    if cfg['nms_pre']:
        keep = keep[_best_per_group(scores[keep], groups[keep], cfg['nms_pre'], num_groups)]
    if cfg['min_size'] > 0:
        keep = keep[remove_small_boxes(boxes[keep], cfg['min_size'])]
    return keep[_best_kept(boxes[keep], scores[keep], groups[keep], cfg['iou_threshold'],
                           cfg['max_per_img'])]


def _best_kept(boxes: torch.Tensor, scores: torch.Tensor, groups: torch.Tensor,
               iou_threshold: float, count: Optional[int]) -> torch.Tensor:
    """The ``count`` best indices that NMS keeps, best first (all kept: ``count`` None).

    Whether NMS keeps a box depends only on the better boxes of its group, so NMS on the
    candidates scoring at least some t keeps exactly the boxes that NMS on all of them
    keeps above t; once that is ``count`` boxes, no box below t can be among the best
    ``count`` kept. So NMS runs on the best 2 ``count`` first, then on 4x as many, ...:
    SSD300 keeps 200 of up to 90 x 400 candidates, which NMS'd whole took 28 ms an image
    (about half of its 400 per class survive: 7 M IoUs); the best 400 take 1 ms. Where
    kept boxes tie at the cut (saturated scores: RetinaNet's random-weight parity pairs
    have 22 distinct scores in 300), which of them come first is the choice of the final
    sort of all that NMS kept, so NMS runs on all, as torchvision's would."""
    n = scores.numel()
    size = 2 * count if count else n
    while size < n and not torch.jit.is_tracing():
        # every tie of the size-th best score too, in index order (NMS's order for ties)
        top = torch.nonzero(scores >= scores.topk(size, sorted=False).values.min()).squeeze(1)
        kept = top[batched_nms(boxes[top], scores[top], groups[top], iou_threshold)]
        if kept.numel() > count and scores[kept[count - 1]] == scores[kept[count]]:
            break  # a tie at the cut
        if kept.numel() >= count:
            return kept[:count]
        size *= 4
    return batched_nms(boxes, scores, groups, iou_threshold)[:count]


def vote_boxes(kept: torch.Tensor, kept_labels: torch.Tensor, boxes: torch.Tensor,
               scores: torch.Tensor, labels: torch.Tensor, iou_threshold: float,
               chunk: int = 1024) -> torch.Tensor:
    """Box voting: each kept box (K, 4) replaced by the score-weighted mean of the
    candidates (N, 4) of its label that overlap it by IoU >= ``iou_threshold`` (itself
    included); ``chunk`` kept boxes at a time (memory: chunk x N)."""
    out = []
    for start in range(0, len(kept), chunk):
        k, kl = kept[start:start + chunk], kept_labels[start:start + chunk]
        weights = ((box_iou(k, boxes) >= iou_threshold) & (kl[:, None] == labels[None])) \
            * scores[None]
        out.append(weights @ boxes / weights.sum(1, keepdim=True))
    return torch.cat(out) if out else kept
