"""The data tool on the real NEON files."""
import json
import os.path as osp

import pytest

from plugins.datasets import neon_trees as prepare_neon


def test_converted_sets(neon_root):
    train = json.load(open(osp.join(neon_root, 'train.json')))
    val = json.load(open(osp.join(neon_root, 'val.json')))
    assert len(train['images']) == 80 and len(train['annotations']) == 1587
    assert len(val['images']) == 1 and len(val['annotations']) == 61
    assert all(i['width'] == 400 and i['height'] == 400 for i in train['images'])
    assert val['images'][0]['file_name'] == 'val/OSBS_029.png'
    for ann in train['annotations']:
        x, y, w, h = ann['bbox']
        assert w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= 400 and y + h <= 400


@pytest.mark.skipif(not osp.isdir(prepare_neon.SHARED), reason='no ../shared copy to compare')
def test_wheel_download_matches_the_shared_copy(tmp_path):
    src = prepare_neon.fetch_source(str(tmp_path))
    for stem in prepare_neon.TRAIN_STEMS + prepare_neon.VAL_STEMS:
        for ext in ('.png', '.xml'):
            ours = open(osp.join(src, stem + ext), 'rb').read()
            shared = open(osp.join(prepare_neon.SHARED, stem + ext), 'rb').read()
            assert ours == shared, stem + ext
