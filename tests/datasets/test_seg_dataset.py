import os
import shutil

import pytest

from plugins.datasets import DataError, SegDataset
from plugins.datasets.transforms import RandomRot90

PIPELINE = [dict(type='LoadImage'),
            dict(type='LoadAnnotations', with_bbox=False, with_label=False, with_seg=True),
            dict(type='PackSegInputs')]
META = dict(classes=tuple(str(i) for i in range(11)))


def test_images_pair_with_label_maps(composites_root):
    ds = SegDataset(data_root=composites_root, metainfo=META, pipeline=PIPELINE,
                    data_prefix=dict(img_path='images/train', seg_map_path='labels/train'))
    assert len(ds) == 8
    item = ds[0]
    gt = item['data_samples'].gt_sem_seg.data
    assert gt.shape == (1, 128, 128) and item['inputs'].shape == (3, 128, 128)
    assert 0 < int((gt > 0).sum()) and int(gt.max()) <= 10


def test_missing_label_map_is_named(composites_root, tmp_path):
    shutil.copytree(composites_root, tmp_path / 'c')
    os.remove(tmp_path / 'c' / 'labels' / 'val' / '000002.png')
    with pytest.raises(DataError, match=r'000002.png: label map not found'):
        SegDataset(data_root=str(tmp_path / 'c'), metainfo=META,
                   data_prefix=dict(img_path='images/val', seg_map_path='labels/val'))
    with pytest.raises(DataError, match='image folder not found'):
        SegDataset(data_root=str(tmp_path), metainfo=META,
                   data_prefix=dict(img_path='nope', seg_map_path='labels/val'))


def test_rot90_turns_the_label_map_with_the_image():
    import numpy as np
    img = np.zeros((4, 6, 3), np.uint8)
    img[0, 5] = 9
    seg = (img[..., 0] > 0).astype(np.uint8)
    t = RandomRot90(prob=1.0)
    t._choose_k = lambda: 1
    out = t.transform(dict(img=img, gt_seg_map=seg, img_shape=(4, 6)))
    assert np.array_equal(out['gt_seg_map'] > 0, out['img'][..., 0] > 0)
    assert out['gt_seg_map'].shape == (6, 4)


def test_an_image_list_selects_the_images(composites_root, tmp_path):
    prefix = dict(img_path='images/train', seg_map_path='labels/train')
    (tmp_path / 'val.txt').write_text('000003\n000001\n\n')
    ds = SegDataset(data_root=composites_root, metainfo=META, ann_file=str(tmp_path / 'val.txt'),
                    data_prefix=prefix)
    assert [os.path.basename(d['img_path']) for d in ds] == ['000003.png', '000001.png']
    with pytest.raises(DataError, match=r'missing\.txt: image list not found'):
        SegDataset(data_root=composites_root, metainfo=META, ann_file=str(tmp_path / 'missing.txt'),
                   data_prefix=prefix)
    (tmp_path / 'bad.txt').write_text('000003\nnot_there\n')
    with pytest.raises(DataError, match=r'bad\.txt: image .*not_there\.png not found'):
        SegDataset(data_root=composites_root, metainfo=META, ann_file=str(tmp_path / 'bad.txt'),
                   data_prefix=prefix)


def test_a_flip_moves_the_label_map_with_the_image(tmp_path):
    """docs/own_data.md's flip for semantic segmentation: RandomFlip in the train pipeline."""
    import cv2
    import numpy as np

    from plugins.datasets.seg_dataset import SegDataset
    for sub in ('img', 'ann'):
        (tmp_path / sub).mkdir()
    image = np.zeros((16, 24, 3), np.uint8)
    image[:, :6] = 200  # bright left edge
    label = np.zeros((16, 24), np.uint8)
    label[:, :6] = 1  # labelled as class 1
    cv2.imwrite(str(tmp_path / 'img' / 'a.png'), image)
    cv2.imwrite(str(tmp_path / 'ann' / 'a.png'), label)
    pipeline = [dict(type='LoadImage'),
                dict(type='LoadAnnotations', with_bbox=False, with_label=False, with_seg=True),
                dict(type='RandomFlip', prob=1.0, direction='horizontal'),
                dict(type='PackSegInputs')]
    item = SegDataset(data_root=str(tmp_path), data_prefix=dict(img_path='img', seg_map_path='ann'),
                      metainfo=dict(classes=('background', 'edge')), pipeline=pipeline)[0]
    flipped_label = item['data_samples'].gt_sem_seg.data[0]
    assert (flipped_label[:, -6:] == 1).all() and (flipped_label[:, :-6] == 0).all()
    assert (item['inputs'][:, :, -6:] == 200).all() and (item['inputs'][:, :, :-6] == 0).all()
