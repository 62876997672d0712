"""Inference latency of detplug vs torchvision on the same weights and images.

Models: torchvision's ``fasterrcnn_resnet50_fpn`` (800 px) or ``ssd300_vgg16``
(300 px), with random weights that behave like trained ones (or a state dict file
via ``--tv-weights``, e.g. a published COCO checkpoint), converted with
tools/convert_torchvision.py into the matching detplug config. The real NEON
images are resized to the model's size beforehand, so neither model resizes.
Each timed call is one image end to end (normalise, pad, network,
post-processing), the two models alternating, in one process:

    python tools/benchmarks/torchvision_latency.py --model faster_rcnn_r50_fpn --runs 10
    python tools/benchmarks/torchvision_latency.py --model ssd300_vgg16 --runs 10

Prints each model's median seconds per image and torchvision / detplug (>= 1
means detplug is at least as fast), and the largest box and score differences.
``--fuse-conv-bn`` folds detplug's BatchNorm layers into the convolutions before
timing (mmcv's ``fuse_conv_bn``, what ``tools/test.py --fuse-conv-bn`` does).
``--precision fp32 bf16 int8`` also times detplug in bf16 and int8 (``plugins.engine.precision``)
next to torchvision fp32 and torchvision under bf16 autocast + channels_last (the
fastest plain recipe for it), and prints detplug's per-stage time for each precision.
"""
import argparse
import contextlib
import glob
import os.path as osp
import statistics
import sys
import time

import cv2
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)
from mmengine.structures import InstanceData  # noqa: E402

from plugins.evaluation.agreement import matched_boxes  # noqa: E402
from plugins.testing.model_pairs import (  # noqa: E402
    to_torchvision_input, TORCHVISION_MODELS, detplug_model, detplug_batch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model', choices=sorted(TORCHVISION_MODELS),
                        default='faster_rcnn_r50_fpn')
    parser.add_argument('--data', default=osp.join(ROOT, 'data', 'neon_trees'),
                        help='prepared NEON folder (tools/prepare_neon.py)')
    parser.add_argument('--images', type=int, default=4, help='how many images')
    parser.add_argument('--runs', type=int, default=10, help='timed passes over the images')
    parser.add_argument('--size', type=int, help="image side (default: the model's own)")
    parser.add_argument('--tv-weights', help='torchvision state dict file instead of random')
    parser.add_argument('--fuse-conv-bn', action='store_true',
                        help="fold detplug's BatchNorm into its convs first")
    parser.add_argument('--precision', nargs='+', choices=('fp32', 'bf16', 'int8'),
                        default=['fp32'], help='detplug precisions to time (bf16 or int8 also '
                        'times torchvision bf16; int8 is calibrated on the timed images)')
    args = parser.parse_args()
    build, size = TORCHVISION_MODELS[args.model]
    size = args.size or size
    files = sorted(glob.glob(osp.join(args.data, 'val', '*.png')) +
                   glob.glob(osp.join(args.data, 'train', '*.png')))[:args.images]
    if not files:
        sys.exit(f'error: {args.data}: no images; run tools/prepare_neon.py --out {args.data}')
    images = [cv2.resize(cv2.imread(f), (size, size)) for f in files]
    tv = build(images)
    if args.tv_weights:
        tv.load_state_dict(torch.load(args.tv_weights, map_location='cpu', weights_only=True))
    det = detplug_model(args.model, tv.state_dict(), args.fuse_conv_bn)
    times = dict(torchvision=[], detplug=[])
    box_diff = score_diff = 0.0
    count_differs = 0
    with torch.no_grad():
        for run in range(args.runs + 1):  # run 0 warms up
            for img in images:
                start = time.perf_counter()
                t = tv([to_torchvision_input(img)])[0]
                mid = time.perf_counter()
                d = det.test_step(detplug_batch(img))[0].pred_instances
                end = time.perf_counter()
                if run:
                    times['torchvision'].append(mid - start)
                    times['detplug'].append(end - mid)
                if len(d) != len(t['boxes']):  # fused BN rounds differently: NMS may differ
                    count_differs += 1
                elif len(d):  # each torchvision box to its nearest detplug box: order-free
                    near = (d.bboxes[None] - t['boxes'][:, None]).abs().amax(-1).amin(1)
                    box_diff = max(box_diff, near.max().item())
                    score_diff = max(score_diff, (d.scores - t['scores']).abs().max().item())
    print(f'{args.model} inference, {len(images)} NEON images at {size} px, batch 1, '
          f'{args.runs} runs, torch threads {torch.get_num_threads()}'
          f'{", detplug conv+BN fused" if args.fuse_conv_bn else ""}')
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(f'{k:<12} median {v:.4f} s/image')
    print(f'ratio torchvision / detplug: {med["torchvision"] / med["detplug"]:.3f} '
          f'(max |box diff| {box_diff:.2e} px, max |score diff| {score_diff:.2e}'
          f'{f"; detection counts differed in {count_differs} calls" if count_differs else ""})')
    if set(args.precision) - {'fp32'}:
        low_precision(args, tv, det, images, med["torchvision"])


def match(tv_out, pred):
    """(matched, total, max score diff): torchvision's boxes with a detplug box of the
    same label at IoU >= 0.9 (labels: torchvision's minus one)."""
    return matched_boxes(InstanceData(bboxes=tv_out['boxes'], labels=tv_out['labels'] - 1,
                                      scores=tv_out['scores']), pred)


def low_precision(args, tv, det, images, tv_fp32):
    """torchvision under bf16 autocast + channels_last vs detplug at each precision,
    alternating in one loop; detplug's stages per precision."""
    from plugins.apis.stage_profile import StageProfile
    from plugins.engine.precision import set_precision
    dets = {}
    for p in args.precision:
        model = detplug_model(args.model, tv.state_dict())
        calibration = [model.data_preprocessor(detplug_batch(img))['inputs'] for img in images]
        dets[p] = set_precision(model, p, calibration if p == 'int8' else None)
    tv_cl = tv.to(memory_format=torch.channels_last)
    times = {'torchvision bf16': [], **{f'detplug {p}': [] for p in dets}}
    profiles = {p: StageProfile(m) for p, m in dets.items()}
    matched = {p: [] for p in dets}
    with torch.no_grad():
        for run in range(args.runs + 1):
            for img in images:
                start = time.perf_counter()
                with torch.autocast('cpu', dtype=torch.bfloat16):
                    tv_cl([to_torchvision_input(img)])
                if run:
                    times['torchvision bf16'].append(time.perf_counter() - start)
                for p, model in dets.items():
                    start = time.perf_counter()
                    with profiles[p] if run else contextlib.nullcontext():
                        pred = model.test_step(detplug_batch(img))[0].pred_instances
                    if run:
                        times[f'detplug {p}'].append(time.perf_counter() - start)
                    else:  # agreement with torchvision fp32 on this image
                        matched[p].append(match(tv([to_torchvision_input(img)])[0], pred))
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        p = k.split()[-1]
        agree = ''
        if k.startswith('detplug'):
            frac = sum(m for m, _, _ in matched[p]) / max(sum(n for _, n, _ in matched[p]), 1)
            agree = (f'   torchvision boxes matched (IoU >= 0.9, same label): {frac:.1%}, '
                     f'max |score diff| {max(d for _, _, d in matched[p]):.3f}')
        print(f'{k:<17} median {v:.4f} s/image   torchvision fp32 / this: {tv_fp32 / v:.3f}   '
              f'torchvision bf16 / this: {med["torchvision bf16"] / v:.3f}{agree}')
    for p, prof in profiles.items():
        stages = '  '.join(f'{k} {v:.4f}' for k, v in
                           prof.report(args.runs * len(images)).items())
        print(f'detplug {p} stages (s/image): {stages}')


if __name__ == '__main__':
    main()
