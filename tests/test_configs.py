"""Every config in configs/ builds and runs one train and one test iteration in the Runner."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.runner import Runner

from tests.conftest import ROOT, shrink_schedule, use_data

CONFIGS = sorted(p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
                 if '_base_' not in p and not p.endswith(('_coco.py', '_voc.py')))
# configs that change only how training runs (hooks, loggers, data mixing) on another
# config's model: the precisions (tests/engine/test_precision_configs.py) skip them, and
# those named with a Runner test of their own are not run again below
CONVENIENCES = 'tests/engine/test_training_conveniences.py'
LOGGERS = 'tests/visualization/test_logging_backends.py'
TRAINING_ONLY = {'faster_rcnn_r18_neon_bf16_ema.py': CONVENIENCES,
                 'faster_rcnn_r18_neon_bf16_early_stop.py': CONVENIENCES,
                 'faster_rcnn_r18_neon_wandb.py': LOGGERS,
                 'faster_rcnn_r18_neon_mlflow.py': LOGGERS,
                 'faster_rcnn_r18_neon_tensorboard.py':
                     'tests/engine/test_tensorboard_and_val_images.py',
                 'faster_rcnn_r18_neon_bf16_mosaic.py': None}
RUNNER_CONFIGS = [p for p in CONFIGS if TRAINING_ONLY.get(osp.basename(p)) is None]
MODEL_CONFIGS = [p for p in CONFIGS if osp.basename(p) not in TRAINING_ONLY]
# the *_coco.py and *_voc.py configs only test (COCO val2017, Pascal VOC 2012 val):
# tests/tools/test_coco_configs.py


@pytest.mark.parametrize('path', RUNNER_CONFIGS, ids=[osp.relpath(p, ROOT) for p in RUNNER_CONFIGS])
def test_one_train_and_test_iteration(path, request, tmp_path):
    cfg = use_data(path, request)
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = osp.basename(path) + str(tmp_path.name)
    shrink_schedule(cfg, 1)
    cfg.train_cfg.val_begin = 2  # the test below runs the same model, pipeline and metric
    cfg.train_dataloader.batch_size = min(cfg.train_dataloader.batch_size, 2)
    cfg.default_hooks.checkpoint.interval = 1
    runner = Runner.from_cfg(cfg)
    runner.train()
    ckpt = torch.load(tmp_path / 'iter_1.pth', weights_only=True)
    assert ckpt['meta']['iter'] == 1
    metrics = runner.test()
    nums = cfg.test_evaluator.get('proposal_nums')
    if cfg.test_evaluator.type == 'IoUMetric':
        assert 0 <= metrics['seg/mIoU'] <= 1 and 0 <= metrics['seg/aAcc'] <= 1
    else:
        assert (f'coco/AR@{nums[-1]}' if nums else 'coco/AP50') in metrics


def test_the_training_only_configs_exist_and_their_runner_tests_too():
    names = {osp.basename(p) for p in CONFIGS}
    assert set(TRAINING_ONLY) <= names
    assert all(osp.isfile(osp.join(ROOT, t)) for t in TRAINING_ONLY.values() if t)
