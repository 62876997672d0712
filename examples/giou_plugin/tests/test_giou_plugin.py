"""The plugin's parts on tiny tensors, and its config through detplug's Runner."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from detplug_giou import DIoULoss
from plugins.registry import HOOKS, MODELS

CONFIG = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs',
                  'faster_rcnn_r18_giou_neon.py')


def test_registered_in_detplug_registries():
    assert MODELS.get('DIoULoss') is DIoULoss
    assert HOOKS.get('DetectionCountHook') is not None


def test_diou_loss_values():
    loss = DIoULoss()
    box = torch.tensor([[0., 0., 2., 2.]])
    assert loss(box, box).item() == pytest.approx(0.0)
    far = torch.tensor([[4., 0., 6., 2.]])  # IoU 0; centres 4 apart, enclosing diagonal^2 40
    assert loss(box, far).item() == pytest.approx(1 + 16 / 40)
    assert loss(box[:0], box[:0], avg_factor=0).item() == 0.0


def head():
    return MODELS.build(dict(type='BBoxHead', num_classes=2, in_channels=4, roi_size=2,
                             fc_channels=8, reg_decoded_bbox=True, loss_bbox=dict(type='DIoULoss')))


def test_head_loss_is_the_diou_of_the_real_boxes():
    h = head()
    rois = torch.tensor([[10., 20., 50., 40.]])
    target = torch.tensor([[12., 18., 56., 44.]])
    pred = torch.tensor([[8., 22., 47., 41.]])
    pred_deltas = torch.zeros(1, 8)
    pred_deltas[0, 4:] = h.bbox_coder.encode(rois, pred)[0]  # class 1's slot
    losses = h.loss(torch.zeros(1, 3), pred_deltas, rois, torch.tensor([1]), target)
    expected = DIoULoss()(pred, target, 1)
    assert losses['loss_bbox'].item() == pytest.approx(expected.item(), rel=1e-5)


def test_head_loss_without_positives_and_gradient():
    h = head()
    scores, deltas = h(torch.randn(3, 4, 2, 2))
    rois = torch.tensor([[0., 0., 10., 10.], [5., 5., 20., 30.], [1., 2., 3., 4.]])
    losses = h.loss(scores, deltas, rois, torch.tensor([2, 2, 2]), torch.zeros(3, 4))
    assert losses['loss_bbox'].item() == 0.0  # all background
    losses = h.loss(scores, deltas, rois, torch.tensor([0, 2, 1]), rois + 1)
    (losses['loss_cls'] + losses['loss_bbox']).backward()
    assert h.fc_reg.weight.grad.abs().sum() > 0


def test_config_trains_validates_and_tests_in_the_runner(neon_root, tmp_path):
    cfg = Config.fromfile(CONFIG)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[name].dataset.data_root = neon_root
        cfg[name].dataset.indices = 2
        cfg[name].batch_size = min(cfg[name].batch_size, 2)
        cfg[name].num_workers, cfg[name].persistent_workers = 0, False
    cfg.val_evaluator.ann_file = cfg.test_evaluator.ann_file = osp.join(neon_root, 'val.json')
    cfg.work_dir = str(tmp_path)
    cfg.train_cfg.max_iters, cfg.train_cfg.val_interval = 2, 2
    cfg.param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False)]
    runner = Runner.from_cfg(cfg)
    assert type(runner.model.roi_head.bbox_head.loss_bbox).__name__ == 'DIoULoss'
    runner.train()
    assert runner.message_hub.get_scalar('val/dets_per_img').current() >= 0
    metrics = runner.test()
    assert 0 <= metrics['coco/AP50'] <= 1
