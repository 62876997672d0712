"""Box AP by object size, sizes taken as the gt box's side (sqrt of its area in px), not
COCO's ``area`` field (for masks that is the mask's pixel count, which for thin shapes
such as digits says little about their extent). pycocotools, 100 detections per image
(``max_dets``: more for large images);
``tools/analysis/ap_by_size.py`` prints it.
"""
import contextlib
import io
import math

from pycocotools.cocoeval import COCOeval

from plugins.evaluation.coco_ground_truth import ground_truth


def ap_by_size(dets: list, ann_file: str, sides, max_dets: int = 100) -> list:
    """[(range name, gt boxes in it, AP, AP50)] for all boxes and each side range, the
    best ``max_dets`` detections of each image counted."""
    coco = ground_truth(ann_file)
    for ann in coco.dataset['annotations']:
        ann['area'] = ann['bbox'][2] * ann['bbox'][3]  # box area: the ranges are box sides
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
        evaluator = COCOeval(coco, coco.loadRes(dets), 'bbox')
        evaluator.params.maxDets = [max_dets]
        edges = [0] + list(sides) + [math.inf]
        evaluator.params.areaRng = [[0, 1e10]] + [[lo ** 2, min(hi ** 2, 1e10)]
                                                  for lo, hi in zip(edges[:-1], edges[1:])]
        evaluator.params.areaRngLbl = ['all'] + [f'{lo:g}-{hi:g} px' for lo, hi in
                                                 zip(edges[:-1], edges[1:])]
        evaluator.evaluate()
        evaluator.accumulate()
    rows = []
    for k, (name, (lo, hi)) in enumerate(zip(evaluator.params.areaRngLbl,
                                             evaluator.params.areaRng)):
        count = sum(lo <= a['area'] < hi for a in coco.dataset['annotations'])
        p = evaluator.eval['precision'][:, :, :, k, -1]  # (IoUs, recall points, classes)

        def mean(x):
            return float(x[x > -1].mean()) if (x > -1).any() else float('nan')
        rows.append((name, count, mean(p), mean(p[0])))
    return rows
