"""Mask R-CNN through the user's tools on the digit composites: train.py, test.py with
box and mask AP and --show-dir, infer.py writing each detection's mask as RLE."""
import json
import os
import os.path as osp

import cv2
import numpy as np
from pycocotools import mask as mask_utils

from tests.conftest import ROOT, data_args, run_tool

CONFIG = osp.join(ROOT, 'configs', 'mask_rcnn', 'mask_rcnn_r18_fpn_mnist_composites.py')
SMALL = ['train_cfg.max_iters=4', 'train_cfg.val_interval=4', 'train_dataloader.batch_size=2',
         'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False']


def test_train_test_show_and_infer_with_masks(composites_root, tmp_path):
    work = tmp_path / 'work'
    out = run_tool('train.py', CONFIG, '--work-dir', str(work), '--cfg-options', *SMALL,
                   *data_args(composites_root))
    assert out.returncode == 0, out.stderr[-2000:]
    ckpt = str(work / 'iter_4.pth')
    out = run_tool('test.py', CONFIG, ckpt, '--show-dir', str(tmp_path / 'shown'),
                   '--cfg-options', *data_args(composites_root))
    assert out.returncode == 0, out.stderr[-2000:]
    metrics = out.stdout.strip().splitlines()[-1]
    print(metrics[:200])
    assert 'coco/AP50=' in metrics and 'coco/segm_AP=' in metrics and 'coco/segm_AP50=' in metrics
    shown = [f for _, _, files in os.walk(tmp_path / 'shown') for f in files]
    assert len(shown) == 4 and all(f.endswith('.png') for f in shown)

    out = run_tool('infer.py', CONFIG, ckpt, osp.join(composites_root, 'images', 'val'),
                   '--out-dir', str(tmp_path / 'infer'), '--score-thr', '0')
    assert out.returncode == 0, out.stderr[-2000:]
    entries = json.load(open(tmp_path / 'infer' / 'predictions.json'))
    dets = [d for e in entries for d in e['detections']]
    assert dets and all(d['mask']['size'] == [e['height'], e['width']]
                        for e in entries for d in e['detections'])
    for det in dets[:20]:  # each mask lies in its box (grown by the paste rule's margin)
        ys, xs = np.nonzero(mask_utils.decode(det['mask']))
        x1, y1, x2, y2 = det['bbox']
        margin = 2 + 0.1 * max(x2 - x1, y2 - y1)
        assert not len(xs) or (xs.min() >= x1 - margin and xs.max() <= x2 + margin and
                               ys.min() >= y1 - margin and ys.max() <= y2 + margin)
    drawn = cv2.imread(str(tmp_path / 'infer' / 'vis' / osp.basename(entries[0]['file'])))
    assert drawn.shape == (entries[0]['height'], entries[0]['width'], 3)
