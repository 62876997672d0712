"""MMEngine's training conveniences as detplug configures them (docs/training.md):
EMA with a warm-up, early stopping with the best checkpoint kept, gradient accumulation."""
import copy
import glob
import json
import os.path as osp

import torch
from mmcv.cnn import fuse_conv_bn
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner

from tests.conftest import ROOT, TINY, shrink_schedule, use_data

SMALL = {k: int(v) if v.isdigit() else v for k, v in (o.split('=') for o in TINY[:5])}


def _tiny(name, request, tmp_path, iters):
    cfg = use_data(osp.join(ROOT, 'configs', 'faster_rcnn', name), request)
    cfg.merge_from_dict(SMALL)
    cfg.work_dir = str(tmp_path)
    shrink_schedule(cfg, iters)
    cfg.default_hooks.checkpoint.interval = 1
    return cfg


def test_ema_weights_are_validated_saved_and_tested(request, tmp_path):
    cfg = _tiny('faster_rcnn_r18_neon_bf16_ema.py', request, tmp_path / 'ema', 4)
    cfg.train_cfg.val_interval = 4
    runner = Runner.from_cfg(cfg)
    runner.train()
    validated = runner.val()  # the EMA hook swaps the average in
    ckpt = torch.load(tmp_path / 'ema' / 'iter_4.pth', weights_only=True)
    raw = {k[len('module.'):]: v for k, v in ckpt['ema_state_dict'].items() if k != 'steps'}
    name = 'rpn_head.conv.weight'
    assert not torch.equal(ckpt['state_dict'][name], raw[name])  # averaged, not the last step
    assert int(ckpt['ema_state_dict']['steps']) == 4
    plain = _tiny('faster_rcnn_r18_neon_bf16.py', request, tmp_path / 'plain', 4)
    plain.load_from = str(tmp_path / 'ema' / 'iter_4.pth')
    tested = Runner.from_cfg(plain).test()  # a checkpoint's state_dict is the average
    assert tested['coco/AP'] == validated['coco/AP'] and tested['coco/AR_100'] == \
        validated['coco/AR_100']
    # the EMA config with its BatchNorms folded when testing starts (--fuse-conv-bn, and
    # --precision bf16 folds too): the EMA hook's swap once met the folded model's parameters
    fused = _tiny('faster_rcnn_r18_neon_bf16_ema.py', request, tmp_path / 'fused', 4)
    fused.load_from = str(tmp_path / 'ema' / 'iter_4.pth')
    fused.custom_hooks += [dict(type='FuseConvBNHook'),  # two converting hooks, as with
                           dict(type='InferencePrecisionHook', precision='fp32')]  # both flags
    runner = Runner.from_cfg(fused)
    folded = runner.test()
    assert abs(folded['coco/AR_100'] - validated['coco/AR_100']) < 0.01, (folded, validated)
    expected = build_model(fused).eval()  # the average, folded once
    expected.load_state_dict(ckpt['state_dict'])
    fuse_conv_bn(expected)
    for name, value in expected.state_dict().items():
        assert torch.equal(runner.model.state_dict()[name], value), name


def test_early_stopping_ends_the_run_and_keeps_the_best(request, tmp_path):
    cfg = _tiny('faster_rcnn_r18_neon_bf16_early_stop.py', request, tmp_path, 10)
    cfg.train_cfg.val_interval = 1
    cfg.custom_hooks[-1].update(min_delta=0.5, patience=2)  # AP50 cannot rise by 0.5 here
    Runner.from_cfg(cfg).train()
    assert osp.exists(tmp_path / 'iter_3.pth') and not osp.exists(tmp_path / 'iter_4.pth')
    with open(glob.glob(str(tmp_path / '*' / 'vis_data' / 'scalars.json'))[0]) as f:
        validations = [r for r in map(json.loads, f) if 'coco/AP50' in r]
    assert len(validations) == 3  # at iterations 1, 2, 3
    best = max(range(3), key=lambda i: validations[i]['coco/AP50']) + 1  # the first of ties
    assert [osp.basename(p) for p in glob.glob(str(tmp_path / 'best_*.pth'))] == \
        [f'best_coco_AP50_iter_{best}.pth']


def test_two_half_batches_accumulated_give_the_step_of_one_full_batch(request):
    cfg = use_data(osp.join(ROOT, 'configs', 'fcn', 'fcn8s_r18_mnist_composites.py'), request,
                   num_images=4)
    cfg.train_dataloader.batch_size = 4
    batch = next(iter(Runner.build_dataloader(cfg.train_dataloader)))
    halves = [{k: v[i:i + 2] for k, v in batch.items()} for i in (0, 2)]
    # eval mode: BatchNorm uses its running statistics, so an image's loss does not depend
    # on the others in its batch (in train mode the half batches' statistics would differ)
    full = build_model(cfg).eval()
    accumulated = copy.deepcopy(full)
    sgd = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1))
    full_step = build_optim_wrapper(full, sgd)
    half_steps = build_optim_wrapper(accumulated, dict(sgd, accumulative_counts=2))
    full.train_step(batch, full_step)
    before = copy.deepcopy(accumulated.state_dict())
    accumulated.train_step(halves[0], half_steps)
    assert all(torch.equal(before[k], v) for k, v in accumulated.state_dict().items())  # no step
    accumulated.train_step(halves[1], half_steps)
    moved = 0.0
    for (name, a), b in zip(full.named_parameters(), accumulated.parameters()):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=0, msg=name)
        moved = max(moved, float((a - before[name]).abs().max()))
    assert moved > 1e-3  # the step itself is far larger than the tolerance


def build_model(cfg):
    from plugins.registry import MODELS
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model
