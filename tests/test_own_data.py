"""A user's own COCO data set (the digit composites the tests build, not NEON) with a
leaf config of at most 5 lines, and each of the newcomer's mistakes: a one-line error,
or it works as meant."""
import json
import os.path as osp

import pytest
from pycocotools.coco import COCO

from plugins.engine.data_consistency_hook import check_evaluator_images
from plugins.errors import ConfigError
from plugins.registry import DATASETS
from tests.conftest import ROOT, run_tool

SMOKE = ['train_cfg.max_iters=4', 'train_cfg.val_interval=4', 'train_dataloader.batch_size=2',
         'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
         'model.backbone.base_channels=8', 'model.rpn_head.in_channels=32',
         'model.rpn_head.feat_channels=32', 'model.roi_head.bbox_head.in_channels=32',
         'model.roi_head.bbox_head.fc_channels=32']


def leaf(tmp_path, root, *lines):
    path = tmp_path / 'my_digits.py'
    path.write_text('\n'.join([f"_base_ = '{ROOT}/configs/faster_rcnn/faster_rcnn_r18_neon.py'",
                               f"data_root = '{root}/'", *lines]) + '\n')
    return str(path)


def train(config, tmp_path, *options):
    return run_tool('train.py', config, '--work-dir', str(tmp_path / 'w'), '--cfg-options',
                    *SMOKE, *options, timeout=600)


def last_line(out):
    return out.stderr.strip().splitlines()[-1]


def test_own_data_in_four_lines_trains_and_scores_its_own_images(composites_root, tmp_path):
    config = leaf(tmp_path, composites_root, "metainfo = dict(classes=('3', '7'))",
                  'model = dict(roi_head=dict(bbox_head=dict(num_classes=2)))')
    assert len(open(config).read().splitlines()) <= 5
    out = train(config, tmp_path)  # max_iters=4: the base's warm-up follows it (2 iterations)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-2000:]
    assert 'coco/AP50' in log
    n_val = len(json.load(open(osp.join(composites_root, 'val.json')))['images'])
    assert f'[{n_val}/{n_val}]' in log  # the composites' own validation images were scored


def test_num_classes_left_at_one_with_two_classes(composites_root, tmp_path):
    out = train(leaf(tmp_path, composites_root, "metainfo = dict(classes=('3', '7'))"), tmp_path)
    assert out.returncode == 1
    assert last_line(out) == ('error: in the config: model.roi_head.bbox_head.num_classes is 1 '
                              "but train_dataloader has 2 classes ('3', '7'): set num_classes=2")


@pytest.mark.parametrize('classes,message', [
    ("('nuclei',)", "metainfo classes ['nuclei'] are not categories of this file"),
    ("('3', '3')", "metainfo classes ['3'] are given twice")])
def test_class_names_that_do_not_fit_the_json(composites_root, tmp_path, classes, message):
    out = train(leaf(tmp_path, composites_root, f'metainfo = dict(classes={classes})'), tmp_path)
    assert out.returncode == 1
    assert last_line(out).startswith(f'error: {composites_root}/train.json: {message}')
    assert "(its categories: ['0', '1'" in last_line(out)


@pytest.mark.parametrize('line,message', [
    ("metainfo = dict(clases=('3',))",
     'error: in the config: dataset metainfo: unknown key "clases" (did you mean classes?)'),
    ('trian_cfg = dict(max_iters=3)',
     'error: in the config: unknown top-level key "trian_cfg" (did you mean train_cfg?)')])
def test_misspelt_metainfo_and_top_level_keys(composites_root, tmp_path, line, message):
    out = train(leaf(tmp_path, composites_root, line), tmp_path)
    assert out.returncode == 1 and last_line(out) == message, out.stderr[-1500:]


def test_an_evaluator_scoring_other_images_is_named(composites_root, neon_root):
    dataset = DATASETS.build(dict(type='CocoDetDataset', data_root=composites_root,
                                  ann_file='val.json', test_mode=True))

    class Metric:
        ann_file = 'named in the config'
        coco = COCO(osp.join(neon_root, 'val.json'))
    with pytest.raises(ConfigError, match=r'the evaluator of val_dataloader scores other images '
                                          r'than its dataset .*image id 0 is 000000.png 128x128 '
                                          r"in the dataset but absent in the evaluator's json"):
        check_evaluator_images(Metric, dataset, 'val_dataloader')
    Metric.coco = COCO(osp.join(composites_root, 'val.json'))
    check_evaluator_images(Metric, dataset, 'val_dataloader')
