"""An evaluation report a user can act on, from a ground-truth json and a detections
json (``tools/analysis/eval_report.py``, ``tools/test.py --report DIR``).

Call flow: ``report(gt, dets, out_dir, ious=(0.5, 0.4))`` ->
- per class and IoU: precision, recall and F1 against the score threshold (``match``,
  COCO's rules), the F1-best threshold and the precision / recall there
  (``pr_curve.png``, ``f1_curve.png``); AP at that IoU as COCO computes it;
- a detection confusion matrix at the first IoU and the best threshold, with a
  background row (detections of nothing) and column (missed objects)
  (``confusion_matrix.png`` / ``.csv``);
- a TIDE-style split of the errors at that threshold: each false positive as
  duplicate, classification, localisation, both or background, and the missed objects
  (no detection within IoU 0.1); detections on crowd regions are counted apart
  (ignored, as in COCO);
- ``report.json`` with every figure; returns it.
"""
import csv
import json
import os
import os.path as osp
from typing import Sequence

import numpy as np
from pycocotools import mask as mask_utils

from plugins.evaluation.det_matching import (average_precision, by_image_and_class, match,
                                              match_image)

BACKGROUND_IOU = 0.1  # TIDE's: below it a detection overlaps nothing


def curves(scores: np.ndarray, outcomes: np.ndarray, npig: int) -> dict:
    """Precision, recall, F1 at each distinct score threshold (high to low)."""
    keep = outcomes >= 0
    scores, tp = scores[keep], outcomes[keep] == 1
    tps, fps = np.cumsum(tp), np.cumsum(~tp)
    last = np.r_[scores[1:] != scores[:-1], True] if len(scores) else np.zeros(0, bool)
    precision = tps[last] / np.maximum(tps[last] + fps[last], 1)
    recall = tps[last] / max(npig, 1)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return dict(threshold=scores[last], precision=precision, recall=recall, f1=f1)


def best(c: dict) -> dict:
    if not len(c['f1']):
        return dict(threshold=None, precision=0.0, recall=0.0, f1=0.0)
    i = int(np.argmax(c['f1']))
    return {k: float(c[k][i]) for k in ('threshold', 'precision', 'recall', 'f1')}


def confusion(gt: dict, dets: list, names: dict, iou: float, thr: float) -> np.ndarray:
    """(K + 1, K + 1) counts, rows the true class, columns the detected one; index K is
    background. Pairs are made greedily by IoU (any class), each box used once."""
    index = {cat: i for i, cat in enumerate(names)}
    k = len(names)
    matrix = np.zeros((k + 1, k + 1), dtype=np.int64)
    gts, dts = by_image_and_class(gt, [d for d in dets if d['score'] >= thr])
    for img in (i['id'] for i in gt['images']):
        g = [a for cat in names for a in gts.get((img, cat), []) if not a.get('iscrowd', 0)]
        d = [x for cat in names for x in dts.get((img, cat), [])]
        used_g, used_d = set(), set()
        if g and d:
            ious = mask_utils.iou([x['bbox'] for x in d], [a['bbox'] for a in g], [0] * len(g))
            for di, gi in zip(*np.unravel_index(np.argsort(-ious, axis=None), ious.shape)):
                if ious[di, gi] < iou:
                    break
                if di not in used_d and gi not in used_g:
                    used_d.add(di), used_g.add(gi)
                    matrix[index[g[gi]['category_id']], index[d[di]['category_id']]] += 1
        for gi, a in enumerate(g):
            if gi not in used_g:
                matrix[index[a['category_id']], k] += 1
        for di, x in enumerate(d):
            if di not in used_d:
                matrix[k, index[x['category_id']]] += 1
    return matrix


def error_split(gt: dict, dets: list, iou: float, thr: float) -> dict:
    """TIDE's kinds of error among the detections scoring >= ``thr`` that are not true
    positives at ``iou`` (COCO matching), and the objects no detection comes near."""
    kinds = dict(duplicate=0, classification=0, localisation=0, both=0, background=0,
                 missed=0, true_positive=0, crowd=0)
    by_image = {}
    for det in dets:
        by_image.setdefault(det['image_id'], []).append(det)
    gts = {}
    for ann in gt['annotations']:
        if not ann.get('iscrowd', 0):
            gts.setdefault(ann['image_id'], []).append(ann)
    outcome = _outcomes(gt, [d for d in dets if d['score'] >= thr], iou)
    kinds['true_positive'] = sum(1 for o in outcome.values() if o == 1)
    kinds['crowd'] = sum(1 for o in outcome.values() if o == -1)  # ignored, as COCO does
    for img in (i['id'] for i in gt['images']):
        g = gts.get(img, [])
        d = [x for x in by_image.get(img, []) if x['score'] >= thr]
        ious = (mask_utils.iou([x['bbox'] for x in d], [a['bbox'] for a in g], [0] * len(g))
                if g and d else np.zeros((len(d), len(g))))
        same = np.array([[x['category_id'] == a['category_id'] for a in g] for x in d],
                        dtype=bool).reshape(len(d), len(g))
        for i, x in enumerate(d):
            if outcome.get(id(x), 0) != 0:
                continue
            s = ious[i][same[i]].max(initial=0.0)
            o = ious[i][~same[i]].max(initial=0.0)
            kind = ('duplicate' if s >= iou else 'classification' if o >= iou else
                    'localisation' if s >= BACKGROUND_IOU else 'both' if o >= BACKGROUND_IOU
                    else 'background')
            kinds[kind] += 1
        near = ious.max(axis=0, initial=0.0) if len(d) else np.zeros(len(g))
        kinds['missed'] += int((near < BACKGROUND_IOU).sum())
    return kinds


def _outcomes(gt: dict, dets: list, iou: float) -> dict:
    """{id(detection): 1 true positive, 0 false positive, -1 on a crowd region}."""
    gts, dts = by_image_and_class(gt, dets)
    outcome = {}
    for key, d in dts.items():
        d = [d[k] for k in np.argsort([-x['score'] for x in d], kind='mergesort')][:100]
        outcome.update((id(x), int(o)) for x, o in zip(d, match_image(gts.get(key, []), d, iou)))
    return outcome


def report(gt: dict, dets: list, out_dir: str, ious: Sequence[float] = (0.5, 0.4)) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    names = {c['id']: c['name'] for c in gt['categories']}
    result = dict(per_iou={})
    all_curves = {}
    for iou in ious:
        matched = match(gt, dets, iou)
        per_class = {}
        for cat, (scores, outcomes, npig) in matched.items():
            c = curves(scores, outcomes, npig)
            all_curves[iou, cat] = c
            per_class[names[cat]] = dict(AP=average_precision(outcomes, npig), gt=npig,
                                         **{f'best_{k}': v for k, v in best(c).items()})
        aps = [v['AP'] for v in per_class.values() if v['AP'] >= 0]
        # all classes pooled: the threshold a user sets once
        pooled = curves(*_pooled(matched))
        result['per_iou'][str(iou)] = dict(mAP=float(np.mean(aps)) if aps else -1.0,
                                           classes=per_class, all=best(pooled))
    iou, thr = ious[0], result['per_iou'][str(ious[0])]['all']['threshold'] or 0.0
    matrix = confusion(gt, dets, names, iou, thr)
    result['confusion'] = dict(iou=iou, score_threshold=thr, labels=[*names.values(),
                                                                     'background'],
                               matrix=matrix.tolist())
    result['errors'] = dict(iou=iou, score_threshold=thr, **error_split(gt, dets, iou, thr))
    _write(out_dir, result, all_curves, names, ious, matrix)
    return result


def _pooled(matched: dict):
    scores = np.concatenate([s for s, _, _ in matched.values()] or [np.zeros(0)])
    outcomes = np.concatenate([o for _, o, _ in matched.values()] or [np.zeros(0, np.int64)])
    order = np.argsort(-scores, kind='mergesort')
    return scores[order], outcomes[order], sum(n for _, _, n in matched.values())


def _write(out_dir, result, all_curves, names, ious, matrix) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    with open(osp.join(out_dir, 'report.json'), 'w') as f:
        json.dump(result, f, indent=1)
    labels = result['confusion']['labels']
    with open(osp.join(out_dir, 'confusion_matrix.csv'), 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['true \\ detected', *labels])
        for name, row in zip(labels, matrix.tolist()):
            writer.writerow([name, *row])
    for kind, (x, y, xlabel, ylabel) in dict(
            pr_curve=('recall', 'precision', 'recall', 'precision'),
            f1_curve=('threshold', 'f1', 'score threshold', 'F1')).items():
        fig, ax = plt.subplots(figsize=(6, 4.5))
        for (iou, cat), c in all_curves.items():
            b = result['per_iou'][str(iou)]['classes'][names[cat]]
            ax.plot(c[x], c[y], label=f'{names[cat]} IoU {iou} (AP {b["AP"]:.3f}, best F1 '
                    f'{b["best_f1"]:.3f} at {b["best_threshold"] or 0:.2f})')
        ax.set(xlabel=xlabel, ylabel=ylabel, xlim=(0, 1), ylim=(0, 1.02))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(osp.join(out_dir, f'{kind}.png'), dpi=120)
        plt.close(fig)
    fig, ax = plt.subplots(figsize=(1.2 * len(labels) + 3, 1.0 * len(labels) + 2.5))
    ax.imshow(matrix, cmap='Blues')
    for (i, j), v in np.ndenumerate(matrix):
        ax.text(j, i, str(v), ha='center', va='center',
                color='white' if v > matrix.max() / 2 else 'black')
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha='right')
    ax.set_yticks(range(len(labels)), labels)
    ax.set(xlabel='detected', ylabel='true', title=f'IoU {result["confusion"]["iou"]}, score >= '
           f'{result["confusion"]["score_threshold"]:.2f}')
    fig.tight_layout()
    fig.savefig(osp.join(out_dir, 'confusion_matrix.png'), dpi=120)
    plt.close(fig)


def print_report(result: dict, out_dir: str) -> None:
    for iou, r in result['per_iou'].items():
        a = r['all']
        print(f'IoU {iou}: mAP {r["mAP"]:.4f}; F1-best score threshold {a["threshold"]}: '
              f'precision {a["precision"]:.3f}, recall {a["recall"]:.3f}, F1 {a["f1"]:.3f}')
        for name, c in r['classes'].items():
            print(f'  {name}: AP {c["AP"]:.4f} ({c["gt"]} objects), best threshold '
                  f'{c["best_threshold"]}: precision {c["best_precision"]:.3f}, recall '
                  f'{c["best_recall"]:.3f}')
    e = result['errors']
    print(f'errors at IoU {e["iou"]}, score >= {e["score_threshold"]:.3f}: ' + ', '.join(
        f'{k} {v}' for k, v in e.items() if k not in ('iou', 'score_threshold')))
    print(f'confusion matrix (rows true, columns detected; last: background): '
          f'{result["confusion"]["matrix"]}')
    print(f'wrote {out_dir}/pr_curve.png, f1_curve.png, confusion_matrix.png, '
          'confusion_matrix.csv, report.json')
