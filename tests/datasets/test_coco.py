"""The dataset on real files, and the documented policy for each kind of bad input."""
import json
import os.path as osp
import shutil

import pytest

from plugins.datasets import CocoDetDataset, DataError


def _write(tmp_path, images, annotations, categories=({'id': 1, 'name': 'Tree'},)):
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(dict(images=images, annotations=annotations,
                                    categories=list(categories))))
    return str(path)


@pytest.fixture
def one_image(tmp_path, neon_root):
    shutil.copy(osp.join(neon_root, 'val', 'OSBS_029.png'), tmp_path / 'a.png')
    return dict(id=1, file_name='a.png', width=400, height=400)


def test_real_neon_sets(neon_root):
    train = CocoDetDataset(ann_file='train.json', data_root=neon_root, filter_empty_gt=True)
    val = CocoDetDataset(ann_file='val.json', data_root=neon_root, test_mode=True)
    assert train.metainfo['classes'] == ('Tree',)
    assert len(val) == 1 and len(val[0]['instances']) == 61
    assert sum(len(d['instances']) for d in train) > 1000


def test_bad_boxes_are_skipped_or_clipped_with_a_warning(tmp_path, one_image, mmlog):
    anns = [dict(id=1, image_id=1, category_id=1, bbox=[10, 10, 20, 20]),
            dict(id=2, image_id=1, category_id=1, bbox=[50, 50, -5, 10]),     # x2 < x1
            dict(id=3, image_id=1, category_id=1, bbox=[500, 500, 10, 10]),   # outside
            dict(id=4, image_id=1, category_id=1, bbox=[390, 390, 20, 20]),   # partly outside
            dict(id=5, image_id=1, category_id=1, bbox=[float('nan'), 1, 2, 3])]
    ann_file = _write(tmp_path, [one_image], anns)
    ds = CocoDetDataset(ann_file=ann_file, data_prefix=dict(img=str(tmp_path)))
    boxes = [i['bbox'] for i in ds[0]['instances']]
    assert boxes == [[10, 10, 30, 30], [390, 390, 400, 400]]
    log = mmlog.getvalue()
    for ann_id in (2, 3, 4, 5):
        assert f'annotation {ann_id} of' in log


def test_image_without_boxes_kept_for_test_dropped_for_training(tmp_path, one_image):
    ann_file = _write(tmp_path, [one_image], [])
    prefix = dict(img=str(tmp_path))
    assert len(CocoDetDataset(ann_file=ann_file, data_prefix=prefix, test_mode=True)) == 1
    with pytest.raises(DataError, match='ann.json: no image with a valid box'):
        CocoDetDataset(ann_file=ann_file, data_prefix=prefix, filter_empty_gt=True)


def test_missing_image_file_is_named(tmp_path):
    ann_file = _write(tmp_path, [dict(id=1, file_name='nope.png', width=4, height=4)], [])
    with pytest.raises(DataError, match='nope.png'):
        CocoDetDataset(ann_file=ann_file, data_prefix=dict(img=str(tmp_path)))


@pytest.mark.parametrize('content,match', [('{"images": [', 'invalid JSON'),
                                           ('{"images": []}', 'categories')])
def test_broken_annotation_files_are_named(tmp_path, content, match):
    path = tmp_path / 'broken.json'
    path.write_text(content)
    with pytest.raises(DataError, match=f'broken.json.*{match}'):
        CocoDetDataset(ann_file=str(path))


def test_duplicate_image_ids_and_unknown_category(tmp_path, one_image):
    with pytest.raises(DataError, match='duplicate image id 1'):
        CocoDetDataset(ann_file=_write(tmp_path, [one_image, one_image], []),
                       data_prefix=dict(img=str(tmp_path)))
    anns = [dict(id=7, image_id=1, category_id=9, bbox=[1, 1, 2, 2])]
    with pytest.raises(DataError, match='annotation 7.*category_id 9'):
        CocoDetDataset(ann_file=_write(tmp_path, [one_image], anns),
                       data_prefix=dict(img=str(tmp_path)))


def test_proposal_file_travels_with_each_image(tmp_path, one_image):
    ann = _write(tmp_path, [one_image], [])
    props = [dict(image_id=1, bbox=[0, 0, 10, 10], score=0.2),
             dict(image_id=1, bbox=[5, 5, 20, 10], score=0.9)]
    (tmp_path / 'props.json').write_text(json.dumps(props))
    ds = CocoDetDataset(ann_file=ann, data_root=str(tmp_path), proposal_file='props.json',
                        test_mode=True)
    info = ds.get_data_info(0)
    assert info['proposals'].tolist() == [[5, 5, 25, 15], [0, 0, 10, 10]]  # best first, x1y1x2y2
    assert info['proposal_scores'].tolist() == pytest.approx([0.9, 0.2])


@pytest.mark.parametrize('content, match', [(None, 'proposal file not found'),
                                            ('[{"image_id": 1}]', 'not a proposal file'),
                                            ('[]', 'no proposals for image id 1')])
def test_bad_proposal_files_are_named(tmp_path, one_image, content, match):
    ann = _write(tmp_path, [one_image], [])
    if content is not None:
        (tmp_path / 'props.json').write_text(content)
    with pytest.raises(DataError, match=match):
        CocoDetDataset(ann_file=ann, data_root=str(tmp_path), proposal_file='props.json')


def test_keypoints_are_checked_and_loaded(tmp_path, one_image):
    from mmcv.transforms import Compose
    points = [v for i in range(17) for v in (10 + i, 20 + i, 2)]
    anns = [dict(id=1, image_id=1, category_id=1, bbox=[10, 10, 20, 20], keypoints=points),
            dict(id=2, image_id=1, category_id=1, bbox=[50, 50, 20, 20])]
    pipeline = Compose([dict(type='LoadImage'), dict(type='LoadAnnotations', with_keypoints=True),
                        dict(type='PackDetInputs')])
    ds = CocoDetDataset(ann_file=_write(tmp_path, [one_image], anns[:1]),
                        data_prefix=dict(img=str(tmp_path)))
    gt = pipeline(ds[0])['data_samples'].gt_instances
    assert gt.keypoints.shape == (1, 17, 3) and gt.keypoints[0, 3].tolist() == [13, 23, 2]
    ds = CocoDetDataset(ann_file=_write(tmp_path, [one_image], anns),
                        data_prefix=dict(img=str(tmp_path)))
    with pytest.raises(DataError, match=r'a\.png: annotations \[2\] have no keypoints'):
        pipeline(ds[0])
    bad = [dict(anns[0], keypoints=points[:-1])]
    with pytest.raises(DataError, match=r'annotation 1 of .*"keypoints" must be a flat list of x, '
                                        r'y, visibility numbers \(a multiple of 3\)'):
        CocoDetDataset(ann_file=_write(tmp_path, [one_image], bad),
                       data_prefix=dict(img=str(tmp_path)))


def test_images_without_objects_are_kept_or_dropped_and_train(neon_root, tmp_path, mmlog):
    """docs/own_data.md: filter_empty_gt=False keeps an image without objects in training
    (a negative: every anchor is background), True drops it and says so."""
    import torch
    from mmengine.dataset import pseudo_collate
    from mmengine.optim import build_optim_wrapper

    from plugins.apis import init_model
    from tests.conftest import CONFIG, TINY
    gt = json.load(open(f'{neon_root}/val.json'))
    gt['images'].append(dict(gt['images'][0], id=2, file_name='empty.png'))
    shutil.copy(f'{neon_root}/val/OSBS_029.png', tmp_path / 'empty.png')
    (tmp_path / 'val').mkdir()
    shutil.copy(f'{neon_root}/val/OSBS_029.png', tmp_path / 'val' / 'OSBS_029.png')
    (tmp_path / 'a.json').write_text(json.dumps(gt))
    options = {k: int(v) if v.isdigit() else v for k, v in (o.split('=') for o in TINY[:5])}
    model = init_model(CONFIG, cfg_options=options).train()
    kept = CocoDetDataset(ann_file='a.json', data_root=str(tmp_path), filter_empty_gt=False,
                          pipeline=model.cfg.train_pipeline)
    dropped = CocoDetDataset(ann_file='a.json', data_root=str(tmp_path), filter_empty_gt=True)
    assert len(kept) == 2 and len(dropped) == 1
    assert '1 images without boxes are left out of training' in mmlog.getvalue()
    empty = kept[1]
    assert len(empty['data_samples'].gt_instances) == 0
    wrapper = build_optim_wrapper(model, model.cfg.optim_wrapper)
    losses = model.train_step(pseudo_collate([empty, kept[0]]), wrapper)
    assert all(torch.isfinite(v) for v in losses.values())
