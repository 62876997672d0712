"""RepeatFactorSampler: images of rare classes repeated by sqrt(threshold / share)."""
import itertools
import json
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.runner import Runner

from plugins.datasets import CocoDetDataset, RepeatFactorSampler, SegDataset
from plugins.datasets.repeat_factor_sampler import repeat_factors
from plugins.errors import ConfigError
from tests.conftest import ROOT, shrink_schedule, use_data


def _dataset(tmp_path):
    """10 images: 'common' in all but the last (empty), 'rare' in image 0 only."""
    images = [dict(id=i, file_name=f'{i}.png', width=50, height=50) for i in range(10)]
    for image in images:
        cv2.imwrite(str(tmp_path / image['file_name']), np.zeros((50, 50, 3), np.uint8))
    anns = [dict(id=i, image_id=i, category_id=1, bbox=[5, 5, 10, 10], area=100, iscrowd=0)
            for i in range(9)] + [dict(id=20, image_id=0, category_id=2, bbox=[20, 20, 9, 9],
                                       area=81, iscrowd=0)]
    cats = [dict(id=1, name='common'), dict(id=2, name='rare')]
    (tmp_path / 'a.json').write_text(json.dumps(dict(images=images, annotations=anns,
                                                     categories=cats)))
    return CocoDetDataset(ann_file='a.json', data_root=str(tmp_path), filter_empty_gt=False)


def test_factors_follow_the_rarest_class_of_each_image():
    factors = repeat_factors([{0, 1}, {0}, {0}, {0}, set()], threshold=0.8)
    # 'rare' (1) is in 1 of 5 images: sqrt(0.8 / 0.2) = 2; 'common' in 4 of 5: 1
    assert factors.tolist() == [2.0, 1.0, 1.0, 1.0, 1.0]


def test_a_pass_repeats_whole_factors_exactly_and_fractions_on_average(tmp_path):
    dataset = _dataset(tmp_path)
    whole = RepeatFactorSampler(dataset, threshold=0.9, seed=0)  # rare: sqrt(9) = 3
    first_pass = list(itertools.islice(iter(whole), 12))
    assert len(whole) == 12 and sorted(first_pass) == [0, 0, 0, *range(1, 10)]
    half = RepeatFactorSampler(dataset, threshold=0.225, seed=0)  # rare: sqrt(2.25) = 1.5
    seen = list(itertools.islice(iter(half), 10_500))
    assert 0.45 < seen.count(0) / seen.count(5) - 1 < 0.55
    again = RepeatFactorSampler(dataset, threshold=0.225, seed=0)
    assert list(itertools.islice(iter(again), 500)) == seen[:500]  # seeded: resumable
    with pytest.raises(ConfigError, match='threshold.*1.5'):
        RepeatFactorSampler(dataset, threshold=1.5)


def test_trains_from_config_on_the_digit_composites(request, tmp_path):
    cfg = use_data(osp.join(ROOT, 'configs', 'faster_rcnn', 'faster_rcnn_r18_mnist_composites.py'),
                   request, num_images=4)
    cfg.train_dataloader.sampler = dict(type='RepeatFactorSampler', threshold=0.5)
    cfg.work_dir = str(tmp_path)
    shrink_schedule(cfg, 2)
    cfg.train_cfg.val_interval = 10
    runner = Runner.from_cfg(cfg)
    assert type(runner.train_dataloader.sampler).__name__ == 'RepeatFactorSampler'
    runner.train()


def test_a_segmentation_dataset_is_refused(composites_root):
    seg = SegDataset(data_root=composites_root, metainfo=dict(classes=tuple('0123456789_')),
                     data_prefix=dict(img_path='images/train', seg_map_path='labels/train'))
    with pytest.raises(ConfigError, match='SegDataset.*detection dataset'):
        RepeatFactorSampler(seg)
