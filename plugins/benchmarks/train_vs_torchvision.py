"""Train detplug's Faster R-CNN and torchvision's ``FasterRCNN`` the same way; compare.

Both models train from scratch with the same ResNet depth (18), the same data
and augmentation pipeline (the config's), the same input size, batch size,
optimizer, gradient clipping and LR schedule (built from the config), for
``--iters`` iterations each, one after the other in separate processes. Then
both are evaluated on the config's test set with the same COCO metric.

torchvision's model keeps its defaults (ResNet-18 + FPN, 5 trainable stages
and BatchNorm as its builders choose when no weights are given; its own
anchors, proposal and RoI settings) apart from ``min_size=max_size=400``
and 2 classes.

    python tools/benchmark.py train-vs-torchvision --iters 2000

Prints AP50, AP, seconds per training iteration and peak resident memory of
each, and detplug / torchvision ratios.
"""
import argparse
import json
import os.path as osp
import sys
import tempfile
import time

from plugins.benchmarks.common import ROOT, run_child, tool
from plugins.config import load_config

DEFAULT_CONFIG = osp.join(ROOT, 'configs', 'faster_rcnn', 'faster_rcnn_r18_neon.py')


def add_arguments(parser) -> None:
    parser.add_argument('--config', default=DEFAULT_CONFIG)
    parser.add_argument('--iters', type=int, default=2000)
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='config overrides for both runs, e.g. train_dataloader.batch_size=2')
    parser.add_argument('--worker', choices=['detplug', 'torchvision'], help=argparse.SUPPRESS)
    parser.add_argument('--result', help=argparse.SUPPRESS)


def _literal(text):
    import ast
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def run_detplug(cfg) -> dict:
    from mmengine.runner import Runner
    runner = Runner.from_cfg(cfg)
    runner.train()
    s_per_iter = float(runner.message_hub.get_scalar('train/time').mean())
    metrics = runner.test()
    return dict(AP50=metrics['coco/AP50'], AP=metrics['coco/AP'], s_per_iter=s_per_iter)


def run_torchvision(cfg) -> dict:
    import torch
    from mmengine.dataset import InfiniteSampler, pseudo_collate
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope
    from torch import nn
    from torchvision.models.detection import FasterRCNN
    from torchvision.models.detection.backbone_utils import resnet_fpn_backbone

    from plugins.registry import DATASETS, METRICS, PARAM_SCHEDULERS
    init_default_scope('plugins')
    torch.manual_seed(cfg.randomness.seed)
    backbone = resnet_fpn_backbone(backbone_name='resnet18', weights=None,
                                   norm_layer=nn.BatchNorm2d, trainable_layers=5)
    model = FasterRCNN(backbone, num_classes=2, min_size=400, max_size=400)
    loader_cfg = cfg.train_dataloader
    dataset = DATASETS.build(loader_cfg.dataset)
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=loader_cfg.batch_size, num_workers=loader_cfg.num_workers,
        sampler=InfiniteSampler(dataset, seed=cfg.randomness.seed), collate_fn=pseudo_collate)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    schedulers = [PARAM_SCHEDULERS.build(dict(s, optimizer=optim, end=s.get('end',
                                                                           cfg.train_cfg.max_iters)))
                  for s in cfg.param_scheduler]

    def to_tv(inputs):  # BGR uint8 (3, H, W) -> RGB float in [0, 1]
        return [img[[2, 1, 0]].float() / 255 for img in inputs]

    model.train()
    times, batches = [], iter(loader)
    for step in range(1, cfg.train_cfg.max_iters + 1):
        start = time.perf_counter()
        batch = next(batches)
        targets = [dict(boxes=s.gt_instances.bboxes, labels=s.gt_instances.labels + 1)
                   for s in batch['data_samples']]
        losses = model(to_tv(batch['inputs']), targets)
        optim.update_params(sum(losses.values()))
        for sched in schedulers:
            sched.step()
        times.append(time.perf_counter() - start)
        if step % 50 == 0:
            print(f'torchvision iter {step}/{cfg.train_cfg.max_iters}: '
                  f'loss {float(sum(losses.values())):.4f}, {times[-1]:.2f} s/iter', flush=True)

    model.eval()
    test_set = DATASETS.build(cfg.test_dataloader.dataset)
    metric = METRICS.build(cfg.test_evaluator)
    metric.dataset_meta = test_set.metainfo  # as the Runner sets it (the json to score on)
    with torch.no_grad():
        for i in range(len(test_set)):
            item = test_set[i]
            out = model(to_tv([item['inputs']]))[0]
            metric.process({}, [dict(img_id=item['data_samples'].img_id, pred_instances=dict(
                bboxes=out['boxes'], scores=out['scores'], labels=out['labels'] - 1))])
    metrics = metric.evaluate(len(test_set))
    return dict(AP50=metrics['coco/AP50'], AP=metrics['coco/AP'],
                s_per_iter=sum(times) / len(times))


def main(args) -> None:
    if args.worker:
        with tempfile.TemporaryDirectory() as work_dir:
            options = dict(kv.split('=', 1) for kv in args.cfg_options)
            options = {k: _literal(v) for k, v in options.items()}
            cfg = load_config(args.config, dict(options, **{
                'train_cfg.max_iters': args.iters, 'train_cfg.val_interval': args.iters}),
                work_dir)
            result = (run_detplug if args.worker == 'detplug' else run_torchvision)(cfg)
        with open(args.result, 'w') as f:
            json.dump(result, f)
        return
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ('detplug', 'torchvision'):
            out = osp.join(tmp, name + '.json')
            cmd = tool('benchmark.py') + [
                'train-vs-torchvision', '--config', args.config, '--iters', str(args.iters),
                '--worker', name, '--result', out]
            status, _, rss = run_child(cmd + (['--cfg-options', *args.cfg_options]
                                              if args.cfg_options else []), log=None)
            if status != 0:
                sys.exit(f'error: the {name} run failed (status {status})')
            rows[name] = dict(json.load(open(out)), peak_rss_mb=rss)
    print(f'\nFaster R-CNN R-18 from scratch, {args.iters} iterations each, '
          f'{osp.relpath(args.config, ROOT)}')
    print(f'{"model":<12} {"AP50":>6} {"AP":>6} {"s/iter":>7} {"peak RSS MB":>12}')
    for name, r in rows.items():
        print(f'{name:<12} {r["AP50"]:6.3f} {r["AP"]:6.3f} {r["s_per_iter"]:7.3f} '
              f'{r["peak_rss_mb"]:12.0f}')
    d, t = rows['detplug'], rows['torchvision']
    print(f'ratios detplug/torchvision: AP50 {d["AP50"] / max(t["AP50"], 1e-9):.2f}x, '
          f's/iter {d["s_per_iter"] / t["s_per_iter"]:.2f}x, '
          f'peak RSS {d["peak_rss_mb"] / t["peak_rss_mb"]:.2f}x')
