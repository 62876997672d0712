"""The evaluation report: its AP equals pycocotools' to 1e-6 (several classes, crowd
regions, two images, duplicates, wrong classes, background boxes), its counts add up,
its files are written; tools/test.py --report."""
import contextlib
import copy
import io
import json
import os.path as osp

import numpy as np
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from plugins.evaluation.det_matching import average_precision, match
from plugins.evaluation.det_report import report
from tests.conftest import run_tool


@pytest.fixture(scope='module')
def files(neon_root):
    """NEON's 61 trees as three classes on two images (one a copy with half the trees),
    two crowd regions; detections: jittered boxes, some duplicated, some of another
    class, some on background."""
    gt = json.load(open(osp.join(neon_root, 'val.json')))
    gt['categories'] = [dict(id=i, name=n) for i, n in ((1, 'a'), (2, 'b'), (5, 'c'))]
    anns = []
    for k, a in enumerate(gt['annotations']):
        anns.append(dict(a, id=len(anns) + 1, category_id=(1, 2, 5)[k % 3],
                         iscrowd=int(k in (4, 17))))
        if k % 2:
            anns.append(dict(anns[-1], id=len(anns) + 1, image_id=2))
    gt['annotations'] = anns
    gt['images'] = gt['images'] + [dict(gt['images'][0], id=2)]
    rng = np.random.default_rng(0)
    dets = []
    for a in anns:
        for _ in range(1 + int(rng.random() < 0.2)):  # duplicates
            x, y, w, h = a['bbox']
            jitter = rng.normal(0, 0.12, 4) * [w, h, w, h]
            cat = a['category_id'] if rng.random() < 0.8 else int(rng.choice([1, 2, 5]))
            dets.append(dict(image_id=a['image_id'], category_id=cat, score=float(rng.random()),
                             bbox=[float(x + jitter[0]), float(y + jitter[1]),
                                   float(max(w + jitter[2], 1)), float(max(h + jitter[3], 1))]))
    for _ in range(30):  # background
        dets.append(dict(image_id=int(rng.integers(1, 3)), category_id=int(rng.choice([1, 2, 5])),
                         score=float(rng.random()), bbox=[*map(float, rng.uniform(0, 350, 2)),
                                                          20.0, 20.0]))
    return gt, dets


def coco_ap(gt, dets):
    """pycocotools: (AP50, AP75, AP50 per class) for ``dets``."""
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = copy.deepcopy(gt)
        coco.createIndex()
        e = COCOeval(coco, coco.loadRes(copy.deepcopy(dets)), 'bbox')
        e.evaluate(), e.accumulate(), e.summarize()
    per_class = [float(e.eval['precision'][0, :, k, 0, 2].mean()) for k in range(3)]
    return e.stats[1], e.stats[2], per_class


def test_ap_equals_pycocotools(files):
    gt, dets = files
    ap50, ap75, per_class = coco_ap(gt, dets)
    for iou, expected in ((0.5, ap50), (0.75, ap75)):
        ours = [average_precision(o, n) for _, o, n in match(gt, dets, iou).values()]
        assert abs(np.mean(ours) - expected) < 1e-6, (iou, ours, expected)
    ours = [average_precision(o, n) for _, o, n in match(gt, dets, 0.5).values()]
    assert np.allclose(ours, per_class, atol=1e-6) and 0.05 < min(ours) and max(ours) < 0.95


def test_the_report_adds_up_and_writes_its_files(files, tmp_path):
    gt, dets = files
    result = report(gt, dets, str(tmp_path))
    assert abs(result['per_iou']['0.5']['mAP'] - coco_ap(gt, dets)[0]) < 1e-6
    assert result['per_iou']['0.4']['mAP'] >= result['per_iou']['0.5']['mAP']
    thr = result['confusion']['score_threshold']
    kept = [d for d in dets if d['score'] >= thr]
    matrix = np.array(result['confusion']['matrix'])
    assert matrix.sum(0)[:3].sum() == len(kept)  # every kept detection in one column
    assert matrix.sum(1)[:3].sum() == sum(1 for a in gt['annotations'] if not a['iscrowd'])
    e = result['errors']
    fp_kinds = ('duplicate', 'classification', 'localisation', 'both', 'background')
    assert e['true_positive'] + e['crowd'] + sum(e[k] for k in fp_kinds) == len(kept)
    assert 0 < e['crowd'] <= 6 and e['duplicate'] > 0 and e['classification'] > 0
    best = result['per_iou']['0.5']['all']
    assert abs(best['precision'] - e['true_positive'] / (len(kept) - e['crowd'])) < 1e-9
    for name in ('pr_curve.png', 'f1_curve.png', 'confusion_matrix.png',
                 'confusion_matrix.csv', 'report.json'):
        assert (tmp_path / name).stat().st_size > 50, name
    assert (tmp_path / 'confusion_matrix.csv').read_text().splitlines()[0] == \
        'true \\ detected,a,b,c,background'


def test_test_tool_writes_the_report(tiny_run, neon_root, tmp_path):
    from tests.conftest import data_args
    out = run_tool('test.py', str(tiny_run / 'faster_rcnn_r18_neon.py'),
                   str(tiny_run / 'iter_4.pth'), '--report', str(tmp_path / 'r'),
                   '--work-dir', str(tmp_path / 'w'),
                   '--cfg-options', *data_args(neon_root))
    assert out.returncode == 0, out.stderr[-2000:]
    ap50 = float(out.stdout.split('coco/AP50=')[1].split()[0])
    line = next(t for t in out.stdout.splitlines() if t.startswith('IoU 0.5:'))
    assert abs(float(line.split('mAP ')[1].split(';')[0]) - ap50) < 1e-4, line
    assert (tmp_path / 'r' / 'confusion_matrix.png').is_file()
