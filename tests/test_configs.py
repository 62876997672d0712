"""Every config in configs/ builds and runs one train and one test iteration in the Runner."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.runner import Runner

from tests.conftest import ROOT, shrink_schedule, use_data

CONFIGS = sorted(p for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)
                 if '_base_' not in p and not p.endswith(('_coco.py', '_voc.py')))
# the *_coco.py and *_voc.py configs only test (COCO val2017, Pascal VOC 2012 val):
# tests/tools/test_coco_configs.py


@pytest.mark.parametrize('path', CONFIGS, ids=[osp.relpath(p, ROOT) for p in CONFIGS])
def test_one_train_and_test_iteration(path, request, tmp_path):
    cfg = use_data(path, request)
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = osp.basename(path) + str(tmp_path.name)
    shrink_schedule(cfg, 2)
    cfg.train_dataloader.batch_size = min(cfg.train_dataloader.batch_size, 2)
    cfg.default_hooks.checkpoint.interval = 1
    runner = Runner.from_cfg(cfg)
    runner.train()
    ckpt = torch.load(tmp_path / 'iter_2.pth', weights_only=True)
    assert ckpt['meta']['iter'] == 2
    metrics = runner.test()
    nums = cfg.test_evaluator.get('proposal_nums')
    if cfg.test_evaluator.type == 'IoUMetric':
        assert 0 <= metrics['seg/mIoU'] <= 1 and 0 <= metrics['seg/aAcc'] <= 1
    else:
        assert (f'coco/AR@{nums[-1]}' if nums else 'coco/AP50') in metrics
