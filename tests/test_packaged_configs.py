"""Configs by name: resolve(), names() and ``_base_ = 'detplug::NAME'``."""
import glob
import os.path as osp

import pytest

from plugins.config import load_config
from plugins.packaged_configs import configs_dir, names, resolve

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def test_every_config_outside_base_has_a_unique_name():
    files = [f for f in glob.glob(osp.join(ROOT, 'configs', '*', '*.py')) if '_base_' not in f]
    assert len(names()) == len(files) > 40
    assert str(configs_dir()) == osp.realpath(osp.join(ROOT, 'configs'))


@pytest.mark.parametrize('form', ['faster_rcnn_r18_neon', 'faster_rcnn_r18_neon.py',
                                  'faster_rcnn/faster_rcnn_r18_neon',
                                  'detplug::faster_rcnn/faster_rcnn_r18_neon.py'])
def test_a_name_resolves_with_or_without_folder_and_suffix(form):
    assert resolve(form) == osp.join(str(configs_dir()), 'faster_rcnn', 'faster_rcnn_r18_neon.py')


def test_a_path_that_exists_is_itself(tmp_path):
    path = tmp_path / 'faster_rcnn_r18_neon.py'  # a user's file shadows the packaged one
    path.write_text('x = 1\n')
    assert resolve(str(path)) == str(path)


def test_an_unknown_name_says_what_is_close():
    with pytest.raises(FileNotFoundError, match=r'faster_rcnn_r18_neo: .*did you mean '
                                                r'faster_rcnn_r18_neon'):
        resolve('faster_rcnn_r18_neo')
    with pytest.raises(FileNotFoundError, match='retinanet_r18_fpn_neon.*list-configs'):
        load_config('detplug::retinanet_r18_fpn_neon_x')


def test_a_users_config_can_base_itself_on_a_packaged_one(tmp_path):
    leaf = tmp_path / 'mine.py'
    leaf.write_text("_base_ = 'detplug::faster_rcnn_r18_neon_bf16'\n"
                    "train_cfg = dict(max_iters=7)\n"
                    "custom_hooks = _base_.custom_hooks + [dict(type='EMAHook')]\n")
    cfg = load_config(str(leaf))
    assert cfg.train_cfg.max_iters == 7 and cfg.train_cfg.val_interval == 500
    assert cfg.optim_wrapper.type == 'BF16OptimWrapper'  # from the packaged leaf
    assert cfg.model.type == 'TwoStageDetector'  # from its own relative bases
    assert [h['type'] for h in cfg.custom_hooks][-1] == 'EMAHook'
    assert cfg.work_dir == osp.join('work_dirs', 'mine')
