"""Evaluate a checkpoint with MMEngine's Runner and print the metrics.

    detplug test CONFIG CHECKPOINT [--out dets.json] [--show-dir vis/] [--tta]
                 [--fuse-conv-bn] [--precision fp32|bf16|int8]
                 [--backend torch|onnxruntime|openvino] [--slice SIZE]

``--report DIR`` adds an evaluation report of the detections (PR and F1 curves, the
F1-best threshold, confusion matrix, error split: plugins/evaluation/det_report.py).
``--slice SIZE`` predicts each test image through SIZE x SIZE windows (``--overlap``,
``--slice-batch``, ``--full-image``, ``--box-voting``: docs/large_images.md).
``--tta`` wraps the model in the config's ``tta_model`` and tests with its
``tta_pipeline`` (several scales and flips, merged). ``--fuse-conv-bn`` folds the
BatchNorm layers into their convolutions after loading (faster, same outputs up
to float rounding). ``--precision bf16`` fuses too, and runs the network in bf16
(channels_last, autocast) with the box arithmetic in fp32 (plugins/engine/precision.py).
``--backend onnxruntime|openvino`` runs the network exported to ONNX on that runtime,
with detplug's pre- and post-processing (plugins/deploy/; int8 needs one of them).
"""
import argparse
import json
import os.path as osp

from mmengine.runner import Runner

from plugins.cli import (add_common_args, add_precision_args, add_slice_args,
                         load_config)
from plugins.config import config_for_test
from plugins.evaluation.det_report import print_report, report
from plugins.inference.sliced_model import sliced_test_config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_args(parser)
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', help='write raw predictions here (COCO results json)')
    parser.add_argument('--report', metavar='DIR',
                        help='also write an evaluation report there (PR / F1 curves, best '
                        'threshold, confusion matrix, error split: tools/analysis/eval_report.py)')
    parser.add_argument('--show-dir', help='write images with boxes drawn here')
    parser.add_argument('--tta', action='store_true',
                        help="test-time augmentation from the config's tta_model/tta_pipeline")
    parser.add_argument('--fuse-conv-bn', action='store_true',
                        help='fold BatchNorm into the preceding convs before testing')
    add_precision_args(parser)
    add_slice_args(parser)
    parser.add_argument('--print-config', action='store_true',
                        help='print the config these flags give, and exit')


def main(args) -> None:
    if '://' not in args.checkpoint and not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'{args.checkpoint}: checkpoint file not found')
    out = args.out or (osp.join(args.report, 'detections.json') if args.report else None)
    cfg = config_for_test(load_config(args), args.checkpoint, out, args.tta,
                      args.fuse_conv_bn, args.precision, args.show_dir, args.backend)
    if args.slice:
        if args.tta:
            raise ValueError('--tta and --slice: choose one')
        sliced_test_config(cfg, args.slice, args.overlap, args.slice_batch, args.full_image,
                           args.box_voting)
    if args.print_config:
        print(cfg.pretty_text)
        return
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    print(' '.join(f'{k}={v:.4f}' if isinstance(v, float) else f'{k}={v}'
                   for k, v in metrics.items()))
    if args.report:
        with open(runner.test_dataloader.dataset.ann_file) as f, open(out) as g:
            print_report(report(json.load(f), json.load(g), args.report), args.report)

