"""Inference latency of detplug vs torchvision segmentation models, same weights and images.

Models: torchvision's ``fcn_resnet50`` and ``deeplabv3_resnet50`` (21 classes) with
random weights whose BatchNorm is calibrated on the images
(``calibrate_batchnorm``), converted with
tools/convert_torchvision.py into ``configs/_base_/models/fcn_r50_d8.py`` and
``deeplabv3_r50_d8.py``. Both get the same normalised tensor of each real NEON
image (detplug's data preprocessor output; torchvision's segmentation models
take normalised input, so its timed call includes that step too); each timed
call is one image, logits at input size, the two models alternating, in one
process. torchvision's auxiliary head is removed before timing: its model runs
it at inference whenever it has one (as when built for the published weights),
detplug's does not, and the comparison is of the same computation.

    python tools/benchmarks/seg_latency.py --runs 10

Prints per model the median seconds per image, torchvision / detplug (>= 1 means
detplug is at least as fast) and the largest logit difference. ``--fuse-conv-bn``
folds detplug's BatchNorm layers into its convolutions first (as ``tools/test.py
--fuse-conv-bn``).
"""
import argparse
import glob
import os.path as osp
import statistics
import sys
import time

import cv2
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)
from plugins.testing.model_pairs import (  # noqa: E402
    SEG_MODELS, normalised, random_pair, detplug_logits)

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', default=osp.join(ROOT, 'data', 'neon_trees'),
                        help='prepared NEON folder (tools/prepare_neon.py)')
    parser.add_argument('--images', type=int, default=4)
    parser.add_argument('--runs', type=int, default=10, help='timed passes over the images')
    parser.add_argument('--size', type=int, default=400, help='image side, px')
    parser.add_argument('--fuse-conv-bn', action='store_true',
                        help="fold detplug's BatchNorm into its convs first")
    args = parser.parse_args()
    files = sorted(glob.glob(osp.join(args.data, 'val', '*.png')) +
                   glob.glob(osp.join(args.data, 'train', '*.png')))[:args.images]
    if not files:
        sys.exit(f'error: {args.data}: no images; run tools/prepare_neon.py --out {args.data}')
    images = [cv2.resize(cv2.imread(f), (args.size, args.size)) for f in files]
    print(f'{len(images)} NEON images at {args.size} px, batch 1, {args.runs} runs, '
          f'torch threads {torch.get_num_threads()}'
          f'{", detplug conv+BN fused" if args.fuse_conv_bn else ""}')
    for name in SEG_MODELS:
        tv, det = random_pair(name, images)
        if args.fuse_conv_bn:
            from mmcv.cnn import fuse_conv_bn
            fuse_conv_bn(det)
        times = dict(torchvision=[], detplug=[])
        diff = 0.0
        with torch.no_grad():
            for run in range(args.runs + 1):  # run 0 warms up
                for img in images:
                    start = time.perf_counter()
                    t = tv(normalised(det, img)[0])['out'][0]  # the same normalisation
                    mid = time.perf_counter()
                    d = detplug_logits(det, img)
                    end = time.perf_counter()
                    if run:
                        times['torchvision'].append(mid - start)
                        times['detplug'].append(end - mid)
                    diff = max(diff, (t - d).abs().max().item())
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f'{SEG_MODELS[name]:<20} torchvision {med["torchvision"]:.3f} s, detplug '
              f'{med["detplug"]:.3f} s, ratio torchvision / detplug '
              f'{med["torchvision"] / med["detplug"]:.3f} (max |logit diff| {diff:.2e})')


if __name__ == '__main__':
    main()
