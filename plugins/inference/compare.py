"""Whole-image against sliced inference on a COCO set of large images: what slicing
gains, and what the seam merge removes (``tools/analysis/slicing_report.py``).

For each image: the whole image shrunk to ``whole_size`` (longer side, what a detector
with a fixed input size sees) and predicted once; the image through windows, unmerged
(every window's boxes), merged by NMS alone, and merged by NMS + the cut-piece rule.
Each variant scored with pycocotools (``evaluation.ap_by_size``, up to ``max_dets``
detections per image), seam duplicates
counted (``merge.duplicate_pairs``), seconds per image timed.
"""
import os.path as osp
import time

import torch
from mmengine.structures import InstanceData

from plugins.datasets.coco_json import read_coco
from plugins.evaluation.ap_by_size import ap_by_size
from plugins.inference.merge import duplicate_pairs, merge_detections
from plugins.inference.slicing import sliced_predict
from plugins.inference.sources import open_image

VARIANTS = ('whole image', 'windows, unmerged', 'merged: NMS', 'merged: NMS + cut pieces')


def _dets(pred, img_id: int, cat_ids) -> list:
    return [dict(image_id=img_id, category_id=cat_ids[int(label)], score=float(score),
                 bbox=[x1, y1, x2 - x1, y2 - y1])
            for (x1, y1, x2, y2), score, label in zip(pred.bboxes.tolist(), pred.scores,
                                                      pred.labels)]


def compare_sliced(model, ann_file: str, image_root: str, size: int, overlap: float,
                   whole_size: int, batch_size: int = 4, sides=(32, 64, 128),
                   max_dets: int = 10000) -> dict:
    """{variant: dict(AP, AP50, AP by side, duplicates, seconds)}."""
    from plugins.apis import inference
    coco = read_coco(ann_file)
    cat_ids = [c['id'] for c in sorted(coco['categories'], key=lambda c: c['id'])]
    dets = {v: [] for v in VARIANTS}
    dups = {v: dict(iou=0, ios=0) for v in VARIANTS}
    secs = {v: 0.0 for v in VARIANTS}
    for img in coco['images']:
        source = open_image(osp.join(image_root, img['file_name']))
        start = time.perf_counter()
        small, factor = source.read_resized(whole_size)
        pred = inference(model, [small])[0].pred_instances
        whole = InstanceData(bboxes=pred.bboxes / factor, scores=pred.scores,
                             labels=pred.labels, cut=torch.zeros(len(pred), dtype=torch.bool))
        secs[VARIANTS[0]] += time.perf_counter() - start
        start = time.perf_counter()
        raw = sliced_predict(model, source, size, overlap, batch_size, merge=False).pred_instances
        secs[VARIANTS[1]] += time.perf_counter() - start
        preds = [whole, raw, merge_detections([raw], drop_pieces=False),
                 merge_detections([raw])]
        for variant, p in zip(VARIANTS, preds):
            dets[variant] += _dets(p, img['id'], cat_ids)
            for key, n in duplicate_pairs(p.bboxes, p.labels, p.cut).items():
                dups[variant][key] += n
        secs[VARIANTS[2]] = secs[VARIANTS[3]] = secs[VARIANTS[1]]
    out = {}
    for variant in VARIANTS:
        rows = ap_by_size(dets[variant], ann_file, sides, max_dets)
        out[variant] = dict(AP=rows[0][2], AP50=rows[0][3],
                            by_side={name: ap for name, _, ap, _ in rows[1:]},
                            detections=len(dets[variant]), duplicates=dups[variant],
                            seconds=secs[variant] / len(coco['images']))
    return out
