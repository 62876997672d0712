import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import MODELS as ROOT_MODELS

from plugins.errors import ConfigError
from plugins.registry import (DATASETS, HOOKS, METRICS, MODELS, TASK_UTILS, TRANSFORMS,
                              VISUALIZERS, check_config)
from tests.conftest import ROOT

CONFIGS = sorted(p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True) +
                 glob.glob(osp.join(ROOT, 'examples', '*', 'configs', '*.py'))
                 if '_base_' not in p)


def test_children_of_mmengine_roots_with_locations():
    assert MODELS.parent is ROOT_MODELS
    for reg in (MODELS, TASK_UTILS, DATASETS, TRANSFORMS, METRICS, HOOKS, VISUALIZERS):
        assert reg.scope == 'plugins'
        assert reg._locations, reg.name


def test_components_found_by_name_without_imports():
    for reg, name in [(MODELS, 'TwoStageDetector'), (MODELS, 'RPNHead'), (MODELS, 'RoIPool'),
                      (TASK_UTILS, 'MaxIoUAssigner'), (DATASETS, 'CocoDetDataset'),
                      (TRANSFORMS, 'PackDetInputs'), (TRANSFORMS, 'RandomFlip'),
                      (METRICS, 'CocoMetric'), (HOOKS, 'SafeCheckpointHook'),
                      (VISUALIZERS, 'DetLocalVisualizer')]:
        assert reg.get(name) is not None, name


def test_build_checks_keys_against_the_constructor():
    with pytest.raises(ConfigError,
                       match=r'unknown key "depthh" for ResNet \(did you mean depth\?\)'):
        MODELS.build(dict(type='ResNet', depthh=18))
    with pytest.raises(ConfigError, match='RPNHead needs feat_channels, anchor_generator'):
        MODELS.build(dict(type='RPNHead', in_channels=8))
    with pytest.raises(ConfigError, match=r'no such task util is registered \(did you mean '
                                          'AnchorGenerator'):
        TASK_UTILS.build(dict(type='AnchorGenerater'))
    # arguments a parent passes (default_args) count as given
    assert MODELS.build(dict(type='CrossEntropyLoss'), default_args=dict(loss_weight=2.0))


def test_check_config_names_the_key_path():
    cfg = Config.fromfile(osp.join(ROOT, 'configs/faster_rcnn/faster_rcnn_r18_neon.py'))
    cfg.merge_from_dict({'model.roi_head.bbox_head.fc_chanels': 8})
    with pytest.raises(ConfigError, match=r'^model.roi_head.bbox_head: unknown key "fc_chanels" '
                                          r'for BBoxHead \(did you mean fc_channels'):
        check_config(cfg._cfg_dict.to_dict())
    with pytest.raises(ConfigError, match='^model: unknown type "Nope": no such component'):
        check_config(dict(model=dict(type='Nope')))


@pytest.mark.parametrize('path', CONFIGS)
def test_every_config_passes_the_check(path):
    check_config(Config.fromfile(path)._cfg_dict.to_dict())
