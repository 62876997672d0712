"""Detections matched to ground truth the way pycocotools' COCOeval does it, at one IoU
threshold (area range all, ``max_dets`` per image and class), so that the report's
curves, thresholds and AP agree with the COCO figures (``tests``: AP50 to 1e-6).

Shapes: ``gt`` and ``dets`` are COCO dicts (``annotations`` with ``bbox`` [x, y, w, h],
``iscrowd``) and a COCO results list. ``match`` -> per class: scores (D,) and outcomes
(D,) in COCO's global order (1 true positive, 0 false positive, -1 ignored: matched a
crowd region), and the number of non-crowd gt boxes. The IoU is pycocotools' own
(``mask.iou``; a crowd region counts the detection's share inside it).
"""
from collections import defaultdict
from typing import Dict, Tuple

import numpy as np
from pycocotools import mask as mask_utils

REC_THRS = np.linspace(0.0, 1.00, 101)


def by_image_and_class(gt: dict, dets: list):
    gts, dts = defaultdict(list), defaultdict(list)
    for ann in gt['annotations']:
        gts[ann['image_id'], ann['category_id']].append(ann)
    for det in dets:
        dts[det['image_id'], det['category_id']].append(det)
    return gts, dts


def match_image(g: list, d: list, iou_thr: float) -> np.ndarray:
    """COCOeval.evaluateImg for one image and class: ``d`` sorted by score (stable)."""
    g = sorted(g, key=lambda a: a.get('iscrowd', 0))  # crowd regions last
    crowd = [int(a.get('iscrowd', 0)) for a in g]
    outcome = np.zeros(len(d), dtype=np.int64)
    if not g or not d:
        return outcome
    ious = mask_utils.iou([x['bbox'] for x in d], [a['bbox'] for a in g], crowd)
    taken = [False] * len(g)
    for i in range(len(d)):
        best, m = min(iou_thr, 1 - 1e-10), -1
        for j in range(len(g)):
            if taken[j] and not crowd[j]:
                continue
            if m > -1 and not crowd[m] and crowd[j]:
                break
            if ious[i, j] < best:
                continue
            best, m = ious[i, j], j
        if m > -1:
            taken[m] = True
            outcome[i] = -1 if crowd[m] else 1
    return outcome


def match(gt: dict, dets: list, iou_thr: float, max_dets: int = 100
          ) -> Dict[int, Tuple[np.ndarray, np.ndarray, int]]:
    """{category id: (scores, outcomes, non-crowd gt count)} in COCOeval's order."""
    gts, dts = by_image_and_class(gt, dets)
    result = {}
    for cat in sorted(c['id'] for c in gt['categories']):
        scores, outcomes, npig = [], [], 0
        for img in sorted(i['id'] for i in gt['images']):
            g = gts.get((img, cat), [])
            npig += sum(1 for a in g if not a.get('iscrowd', 0))
            d = [dts[img, cat][k] for k in np.argsort(
                [-x['score'] for x in dts.get((img, cat), [])], kind='mergesort')][:max_dets]
            scores += [x['score'] for x in d]
            outcomes.append(match_image(g, d, iou_thr))
        scores = np.array(scores, dtype=np.float64)
        order = np.argsort(-scores, kind='mergesort')
        outcomes = np.concatenate(outcomes) if outcomes else np.zeros(0, np.int64)
        result[cat] = (scores[order], outcomes[order], npig)
    return result


def average_precision(outcomes: np.ndarray, npig: int) -> float:
    """COCO's 101-point interpolated AP of one class (-1: no gt)."""
    if npig == 0:
        return -1.0
    kept = outcomes[outcomes >= 0]
    tp, fp = np.cumsum(kept == 1), np.cumsum(kept == 0)
    recall = tp / npig
    precision = tp / (tp + fp + np.spacing(1))
    precision = np.maximum.accumulate(precision[::-1])[::-1] if len(precision) else precision
    q = np.zeros(len(REC_THRS))
    idx = np.searchsorted(recall, REC_THRS, side='left')
    valid = idx < len(precision)
    q[valid] = precision[idx[valid]]
    return float(q.mean())
