"""Mosaic and MixUp (plugins/datasets/transforms/mix.py) and MixImageDataset: boxes,
labels and masks stay on the pixels of their objects."""
import os.path as osp
import random

import cv2
import numpy as np
import pytest

from plugins.datasets.transforms import MixUp, Mosaic
from plugins.errors import ConfigError
from plugins.registry import DATASETS
from tests.conftest import ROOT, use_data


def _image(seed: int, h=90, w=120, masks=True):
    """A grey image with two solid rectangles of distinct colours, one in each half:
    boxes exact, masks exact."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), 40, np.uint8)
    boxes, gt_masks = [], []
    for k in range(2):
        x0 = int(rng.integers(0, w // 2 - 30)) + k * (w // 2)
        y0 = int(rng.integers(0, h - 30))
        x1, y1 = x0 + int(rng.integers(8, 28)), y0 + int(rng.integers(8, 28))
        img[y0:y1, x0:x1] = _colour_of(seed + 10 * k)
        boxes.append([x0, y0, x1, y1])
        mask = np.zeros((h, w), np.uint8)
        mask[y0:y1, x0:x1] = 1
        gt_masks.append(mask)
    out = dict(img=img, img_shape=(h, w), gt_bboxes=np.float32(boxes),
               gt_bboxes_labels=np.int64([seed, seed + 10]), gt_ignore_flags=np.zeros(2, bool))
    if masks:
        out['gt_masks'] = np.stack(gt_masks)
    return out


def _colour_of(label: int):
    seed, k = label % 10, label // 10
    return (50 + 40 * seed + 20 * k, 200 - 10 * seed, 100 + k)


def _mosaic(masks: bool, seed: int = 3):
    images = [_image(s, masks=masks) for s in range(4)]
    results = dict(images[0], mix_results=images[1:])
    random.seed(seed)
    return Mosaic(img_scale=(100, 120), center_ratio_range=(0.3, 0.7))(results)  # no scaling


@pytest.mark.parametrize('seed', range(6))
def test_mosaic_masks_sit_on_their_objects_and_boxes_are_their_extents(seed):
    out = _mosaic(True, seed)
    assert out["img"].shape == (100, 120, 3) and out["img_shape"] == (100, 120)
    assert 0 < len(out['gt_bboxes']) <= 8 and 'mix_results' not in out
    for box, label, mask in zip(out['gt_bboxes'], out['gt_bboxes_labels'], out['gt_masks']):
        ys, xs = np.nonzero(mask)
        assert box.tolist() == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
        assert (out['img'][mask.astype(bool)] == _colour_of(int(label))).all()
    for label in (*range(4), *range(10, 14)):  # kept exactly when 2 x 2 px or more show
        ys, xs = np.nonzero((out['img'] == _colour_of(label)).all(2))
        visible = len(xs) > 0 and np.ptp(xs) + 1 >= 2 and np.ptp(ys) + 1 >= 2
        assert visible == (label in out['gt_bboxes_labels'].tolist()), label


@pytest.mark.parametrize('seed', range(6))
def test_mosaic_without_masks_clips_the_boxes_to_the_same_places(seed):
    with_masks, boxes_only = _mosaic(True, seed), _mosaic(False, seed)
    assert 'gt_masks' not in boxes_only
    np.testing.assert_array_equal(boxes_only['gt_bboxes'], with_masks['gt_bboxes'])
    np.testing.assert_array_equal(boxes_only['gt_bboxes_labels'], with_masks['gt_bboxes_labels'])


def test_mixup_blends_half_and_half_and_keeps_both_sets_of_objects():
    a, b = _image(0), _image(1, h=150, w=100)  # b is larger: scaled by 0.6 to fit 90 x 120
    random.seed(0)
    out = MixUp(ratio=0.5, prob=1.0)(dict(a, mix_results=[b]))
    assert out['img'].shape == a['img'].shape and len(out['gt_bboxes']) == 4
    np.testing.assert_array_equal(out['gt_bboxes'][:2], a['gt_bboxes'])
    np.testing.assert_allclose(out['gt_bboxes'][2:], b['gt_bboxes'] * 0.6, atol=1)
    for box, mask in zip(out['gt_bboxes'], out['gt_masks']):
        ys, xs = np.nonzero(mask)
        assert box.tolist() == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
    other = a['img'].astype(np.float32)  # b as placed: scaled to 90 x 60, at the top left
    other[:, :60] = cv2.resize(b['img'], (60, 90), interpolation=cv2.INTER_LINEAR)
    mixed = (a['img'] + other) / 2
    assert np.abs(out['img'] - mixed).max() <= 0.5 + 1e-6
    for mask, label in zip(out['gt_masks'][2:], b['gt_bboxes_labels']):  # b's objects
        inner = mask.astype(bool)  # inside (the resize blurs the edges)
        inner[1:] &= inner[:-1]
        inner[:-1] &= inner[1:]
        inner[:, 1:] &= inner[:, :-1]
        inner[:, :-1] &= inner[:, 1:]
        blend = (a['img'][inner] + np.float32(_colour_of(int(label)))) / 2
        assert inner.any() and np.abs(out['img'][inner] - blend).max() <= 0.5 + 1e-6


def test_a_probability_outside_0_1_is_one_line():
    with pytest.raises(ConfigError, match='Mosaic: prob.*1.5'):
        Mosaic(img_scale=(10, 10), prob=1.5)
    assert MixUp(prob=0.0).get_indices(list(range(5))) == []


def test_the_mosaic_config_builds_training_images_from_four_tiles(request):
    cfg = use_data(osp.join(ROOT, 'configs', 'faster_rcnn', 'faster_rcnn_r18_neon_bf16_mosaic.py'),
                   request, num_images=4)
    cfg.train_dataloader.dataset.pipeline[0].prob = 1.0
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    assert dataset.metainfo['classes'] == ('Tree',) and len(dataset) == 4
    alone = len(dataset.dataset[0]['gt_bboxes'])
    counts = []
    for seed in range(5):
        random.seed(seed)
        item = dataset[0]
        boxes = item['data_samples'].gt_instances.bboxes
        h, w = item['inputs'].shape[1:]
        assert (boxes[:, 2:] <= boxes.new_tensor([w, h])).all() and (boxes[:, :2] >= 0).all()
        counts.append(len(boxes))
    assert max(counts) > alone  # trees of the other tiles came in
