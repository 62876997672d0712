"""Merging the detections of overlapping windows into one set for the whole image.

Shapes: D candidates from all windows: ``bboxes`` (D, 4) image pixels, ``scores`` (D,),
``labels`` (D,), ``cut`` (D,) bool (the box touches a window edge inside the image), and
for masks ``mask_crops`` (D arrays) with ``mask_origins`` (D, 2).

Call flow: merge_detections -> postprocess.multiclass_nms (the one NMS, per class, over
the whole image) -> drop_cut_pieces (a cut box mostly covered by a better box of its class
is the part of an object another window saw whole (or better): IoU alone misses it, since a half box
overlaps the whole one by IoU <= 0.5) -> optional postprocess.vote_boxes (the TTA's box
voting).
"""
from typing import List, Optional

import torch
from mmengine.structures import InstanceData
from torchvision.ops import box_area

from plugins.task_modules.postprocess import multiclass_nms, nms_config, vote_boxes

MERGE_DEFAULTS = dict(iou_threshold=0.5, max_per_img=None)
CUT_COVERED = 0.5  # share of a cut box's area inside a better box that makes it a piece
CHUNK = 1024       # cut boxes compared at once (memory: CHUNK x D floats)


def drop_cut_pieces(boxes: torch.Tensor, labels: torch.Tensor, cut: torch.Tensor,
                    covered: float = CUT_COVERED) -> torch.Tensor:
    """Mask over ``boxes`` (sorted best first) that keeps all but the cut boxes whose area
    lies at least ``covered`` inside another box of the same label that is whole (not
    cut), or cut but better."""
    keep = torch.ones(len(boxes), dtype=torch.bool)
    areas = box_area(boxes).clamp(min=1e-6)
    for start in range(0, int(cut.sum()), CHUNK):
        rows = torch.nonzero(cut).squeeze(1)[start:start + CHUNK]
        lt = torch.max(boxes[rows, None, :2], boxes[None, :, :2])
        rb = torch.min(boxes[rows, None, 2:], boxes[None, :, 2:])
        inter = (rb - lt).clamp(min=0).prod(-1)
        index = torch.arange(len(boxes))[None]
        other = (index < rows[:, None]) | ((index > rows[:, None]) & ~cut[None])
        same = labels[rows, None] == labels[None]
        keep[rows] = ~((inter / areas[rows, None] >= covered) & other & same).any(1)
    return keep


def duplicate_pairs(boxes: torch.Tensor, labels: torch.Tensor, cut: torch.Tensor,
                    threshold: float = 0.5) -> dict:
    """Pairs of same-label boxes, at least one of them cut by a window edge, that overlap
    by IoU > ``threshold`` ('iou') or whose intersection covers more than ``threshold`` of
    the smaller box ('ios': a piece inside the whole): seam duplicates where the objects
    themselves do not overlap (the digit composites)."""
    counts = dict(iou=0, ios=0)
    rows = torch.nonzero(cut).squeeze(1)
    areas = box_area(boxes)
    for start in range(0, len(rows), CHUNK):
        r = rows[start:start + CHUNK]
        lt = torch.max(boxes[r, None, :2], boxes[None, :, :2])
        rb = torch.min(boxes[r, None, 2:], boxes[None, :, 2:])
        inter = (rb - lt).clamp(min=0).prod(-1)
        index = torch.arange(len(boxes))[None]
        # each pair once: with a later box, or with an earlier one that is not cut
        pair = ((index > r[:, None]) | ~cut[None]) & (labels[r, None] == labels[None])
        iou = inter / (areas[r, None] + areas[None] - inter).clamp(min=1e-6)
        ios = inter / torch.min(areas[r, None], areas[None]).clamp(min=1e-6)
        counts['iou'] += int((pair & (iou > threshold)).sum())
        counts['ios'] += int((pair & (ios > threshold)).sum())
    return counts


def merge_detections(parts: List[InstanceData], nms_cfg: Optional[dict] = None,
                     box_voting: bool = False, drop_pieces: bool = True) -> InstanceData:
    """One InstanceData (best first) from the windows' ``parts``; ``drop_pieces=False``:
    NMS alone (to measure what the cut-piece rule adds)."""
    cfg = nms_config({**MERGE_DEFAULTS, **(nms_cfg or {})}, 'slice merge_cfg')
    boxes = torch.cat([p.bboxes.float() for p in parts])
    scores = torch.cat([p.scores.float() for p in parts])
    labels = torch.cat([p.labels for p in parts])
    cut = torch.cat([p.cut for p in parts])
    keep = multiclass_nms(boxes, scores, labels, cfg)
    if drop_pieces:
        keep = keep[drop_cut_pieces(boxes[keep], labels[keep], cut[keep])]
    kept = boxes[keep]
    if box_voting and len(keep):
        kept = vote_boxes(kept, labels[keep], boxes, scores, labels, cfg['iou_threshold'])
    out = InstanceData(bboxes=kept, scores=scores[keep], labels=labels[keep], cut=cut[keep])
    if all('mask_crops' in p for p in parts):
        crops = [c for p in parts for c in p.mask_crops]
        out.mask_crops = [crops[i] for i in keep.tolist()]
        out.mask_origins = torch.cat([p.mask_origins for p in parts])[keep]
    return out
