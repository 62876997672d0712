import os.path as osp

import numpy as np
import pytest
from mmcv.transforms import Compose

from plugins.datasets import DataError
from plugins.datasets.transforms import (ColorJitter, Expand, LoadImage, MinIoURandomCrop,
                                         PackDetInputs, PhotoMetricDistortion, RandomRot90)


def test_rot90_moves_boxes_with_the_pixels():
    img = np.zeros((20, 30, 3), np.uint8)
    img[2:6, 10:18] = 255  # a marked rectangle = the box
    results = dict(img=img, gt_bboxes=np.array([[10, 2, 18, 6]], np.float32), img_shape=(20, 30))
    for k in range(1, 4):
        t = RandomRot90(prob=1.0)
        t._choose_k = lambda k=k: k  # fix the draw
        out = t.transform(dict(results, img=img.copy(), gt_bboxes=results['gt_bboxes'].copy()))
        x1, y1, x2, y2 = out['gt_bboxes'][0].astype(int)
        ys, xs = np.nonzero(out['img'][..., 0])
        assert (x1, y1, x2, y2) == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
        assert out['img_shape'] == out['img'].shape[:2]


def test_color_jitter_keeps_shape_and_type():
    img = np.random.randint(0, 255, (8, 8, 3), np.uint8)
    out = ColorJitter().transform(dict(img=img))
    assert out['img'].shape == img.shape and out['img'].dtype == np.uint8


def test_color_jitter_gray_prob_makes_the_channels_equal():
    img = np.random.randint(0, 255, (8, 8, 3), np.uint8)

    def jitter(gray_prob):
        return ColorJitter(contrast=0, brightness=0, gray_prob=gray_prob).transform(
            dict(img=img.copy()))['img'].astype(int)
    gray, colour = jitter(1.0), jitter(0.0)
    assert (np.abs(gray - gray[..., :1]) <= 1).all()
    assert (np.abs(colour - colour[..., :1]) > 1).any()


def test_load_image_errors_name_the_file(tmp_path, neon_root):
    bad = tmp_path / 'corrupt.png'
    bad.write_bytes(open(osp.join(neon_root, 'val', 'OSBS_029.png'), 'rb').read()[:100])
    with pytest.raises(DataError, match='corrupt.png: cannot decode'):
        LoadImage().transform(dict(img_path=str(bad)))
    with pytest.raises(DataError, match='missing.png: image file not found'):
        LoadImage().transform(dict(img_path=str(tmp_path / 'missing.png')))
    good = osp.join(neon_root, 'val', 'OSBS_029.png')
    with pytest.raises(DataError, match='400x400 but the annotation says 300x400'):
        LoadImage().transform(dict(img_path=good, height=300, width=400))


def test_pipeline_packs_real_image(neon_root):
    pipeline = Compose([LoadImage(), dict(type='LoadAnnotations', with_bbox=True, with_label=True),
                        dict(type='Resize', scale_factor=0.5), PackDetInputs()])
    out = pipeline(dict(img_path=osp.join(neon_root, 'val', 'OSBS_029.png'), img_id=1,
                        instances=[dict(bbox=[10, 20, 50, 60], bbox_label=0)]))
    assert out['inputs'].shape == (3, 200, 200)
    sample = out['data_samples']
    assert sample.gt_instances.bboxes.tolist() == [[5, 10, 25, 30]]
    assert sample.scale_factor == (0.5, 0.5) and sample.img_id == 1


def test_rot90_moves_proposals_and_pack_refuses_them_resized():
    img = np.zeros((20, 30, 3), np.uint8)
    t = RandomRot90(prob=1.0)
    t._choose_k = lambda: 1
    boxes = np.array([[10, 2, 18, 6]], np.float32)
    out = t.transform(dict(img=img, gt_bboxes=boxes.copy(), gt_bboxes_labels=np.array([0]),
                           proposals=boxes.copy(),
                           proposal_scores=np.array([0.5], np.float32), img_shape=(20, 30)))
    assert out['proposals'].tolist() == out['gt_bboxes'].tolist() != boxes.tolist()
    packed = PackDetInputs().transform(dict(out))
    assert packed['data_samples'].proposals.bboxes.tolist() == out['proposals'].tolist()
    with pytest.raises(DataError, match='only rotate'):
        PackDetInputs().transform(dict(out, scale_factor=(2.0, 2.0)))


def _box_image(h=100, w=120, box=(30, 20, 60, 50)):
    img = np.zeros((h, w, 3), np.uint8)
    x1, y1, x2, y2 = box
    img[y1:y2, x1:x2] = 200
    return dict(img=img, img_shape=(h, w), gt_bboxes=np.array([box], np.float32),
                gt_bboxes_labels=np.array([3]), gt_ignore_flags=np.array([False]))


def _marked_box(img):
    ys, xs = np.nonzero(img[..., 0] == 200)
    return [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]


def test_expand_moves_boxes_with_the_pixels():
    t = Expand(mean=(1, 2, 3), ratio_range=(2, 2), prob=1.0)
    out = t.transform(_box_image())
    assert out['img'].shape == (200, 240, 3) and out['img_shape'] == (200, 240)
    assert out['gt_bboxes'][0].tolist() == _marked_box(out['img'])
    assert out['img'][0, 0].tolist() == [1, 2, 3] or out['img'][-1, -1].tolist() == [1, 2, 3]


def test_min_iou_crop_keeps_centred_boxes_and_their_labels():
    np.random.seed(0)
    crops = 0
    for _ in range(30):
        out = MinIoURandomCrop(min_ious=(0.1,), min_crop_size=0.5).transform(_box_image())
        if out['img'].shape[:2] == (100, 120):
            continue
        crops += 1
        box = out['gt_bboxes'][0]
        assert box.tolist() == [float(v) for v in _marked_box(out['img'])]
        assert out['gt_bboxes_labels'].tolist() == [3] and out['img_shape'] == out['img'].shape[:2]
    assert crops > 5


def test_min_iou_crop_drops_boxes_outside():
    np.random.seed(1)
    res = _box_image()
    res['gt_bboxes'] = np.array([[30, 20, 60, 50], [0, 0, 2, 2]], np.float32)
    res['gt_bboxes_labels'], res['gt_ignore_flags'] = np.array([3, 5]), np.array([False, False])
    seen = set()
    for _ in range(40):
        out = MinIoURandomCrop(min_ious=(0.0,), min_crop_size=0.3).transform(
            {k: v.copy() if hasattr(v, 'copy') else v for k, v in res.items()})
        seen.add(len(out['gt_bboxes']))
        assert len(out['gt_bboxes']) == len(out['gt_bboxes_labels']) == len(out['gt_ignore_flags'])
    assert 1 in seen


def test_photometric_distortion_keeps_shape_and_changes_pixels():
    np.random.seed(0)
    img = np.random.randint(0, 255, (16, 16, 3), np.uint8)
    outs = [PhotoMetricDistortion().transform(dict(img=img.copy()))['img'] for _ in range(5)]
    assert all(o.shape == img.shape and o.dtype == np.uint8 for o in outs)
    assert any(not np.array_equal(o, img) for o in outs)


def test_min_iou_crop_any_or_all_boxes():
    res = _box_image()
    res['gt_bboxes'] = np.array([[30, 20, 60, 50], [0, 0, 2, 2]], np.float32)
    res['gt_bboxes_labels'], res['gt_ignore_flags'] = np.array([3, 5]), np.array([False, False])
    crops = dict(any=0, all=0)
    for require in crops:
        np.random.seed(2)
        for _ in range(30):  # the 2 px box can never reach IoU 0.1 with a crop >= 60 x 50
            out = MinIoURandomCrop(min_ious=(0.1,), min_crop_size=0.5, require=require).transform(
                {k: v.copy() for k, v in res.items() if k != 'img_shape'})
            crops[require] += out['img'].shape[:2] != (100, 120)
    assert crops['any'] > 5 and crops['all'] == 0
    with pytest.raises(ValueError, match="'any' or 'all'"):
        MinIoURandomCrop(require='some')


def test_random_rescale_scales_image_and_boxes_around_the_native_size():
    import numpy as np
    from plugins.registry import TRANSFORMS
    step = TRANSFORMS.build(dict(type='RandomRescale', ratio_range=(0.8, 1.25), scale_factor=2.0))
    for _ in range(5):
        out = step(dict(img=np.zeros((100, 50, 3), np.uint8), img_shape=(100, 50),
                        gt_bboxes=np.array([[10., 10, 20, 30]], np.float32)))
        f = out['scale_factor'][0]
        h, w = out['img'].shape[:2]
        assert 1.6 - 0.02 <= f <= 2.5 + 0.02 and abs(h - 100 * f) <= 1.5 and abs(w - 50 * f) <= 1
        np.testing.assert_allclose(out['gt_bboxes'], [[10 * f, 10 * f, 20 * f, 30 * f]],
                                   rtol=0.02)


def _mask_box(masks):
    """The box of each mask (x1, y1, x2, y2), exclusive ends."""
    out = []
    for m in masks:
        ys, xs = np.nonzero(m)
        out.append([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
    return out


@pytest.mark.parametrize('name, transform', [
    ('Resize', dict(type='Resize', scale=(90, 50), keep_ratio=False)),
    ('RandomFlip horizontal', dict(type='RandomFlip', prob=1.0, direction='horizontal')),
    ('RandomFlip vertical', dict(type='RandomFlip', prob=1.0, direction='vertical')),
    ('RandomRot90', dict(type='RandomRot90', prob=1.0)),
    ('Pad', dict(type='Pad', size_divisor=64)),
    ('Expand', dict(type='Expand', ratio_range=(2, 2), prob=1.0)),
    ('MinIoURandomCrop', dict(type='MinIoURandomCrop', min_ious=(0.1,))),
    ('RandomRescale', dict(type='RandomRescale', ratio_range=(0.5, 0.5)))])
def test_masks_stay_with_boxes_and_pixels(name, transform):
    """Each transform moves gt_masks with the image and the boxes (exact boxes: the
    masked pixels are the marked pixels, and their box is the gt box)."""
    from mmengine.registry import TRANSFORMS
    t = TRANSFORMS.build(transform)
    for seed in range(20):  # MinIoURandomCrop leaves the image whole for some draws
        np.random.seed(seed)
        results = _box_image()
        results['gt_masks'] = (results['img'][None, ..., 0] == 200).astype(np.uint8)
        out = t.transform(results)
        if 'Crop' not in name or out['img'].shape[:2] != (100, 120):
            break
    assert 'Crop' not in name or out['img'].shape[:2] != (100, 120)
    assert out['gt_masks'].shape == (1,) + out['img'].shape[:2]
    assert (out['gt_masks'][0] == (out['img'][..., 0] == 200)).all() or name.startswith(
        ('Resize', 'RandomRescale'))  # resampled pixels: compare boxes only
    assert np.allclose(_mask_box(out['gt_masks']), out['gt_bboxes'], atol=1)
    sample = PackDetInputs().transform(dict(out, img_path='x.png'))['data_samples']
    assert sample.gt_instances.masks.shape == (1,) + out['img'].shape[:2]


def test_pack_refuses_masks_a_transform_left_behind():
    results = _box_image()
    results['gt_masks'] = np.zeros((1, 100, 120), np.uint8)
    results['img'] = results['img'][:50]  # as a transform that does not know masks would
    with pytest.raises(DataError, match=r'x\.png: its masks are \(100, 120\) but the image is '
                                        r'\(50, 120\)'):
        PackDetInputs().transform(dict(results, img_path='x.png'))
