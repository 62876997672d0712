"""One run, one table: detplug at each precision against torchvision fp32 on the CPU.

Models (same converted weights and real NEON images for both sides): Faster R-CNN,
RetinaNet and FCOS R50-FPN at 800 px and SSD300 VGG16 (``plugins/testing/model_pairs.py``'s random
weights that behave like trained ones), FCN-R50 and DeepLabV3-R50 at 400 px
(the same module's).
For each: torchvision fp32 eager, then detplug fp32, bf16 and int8
(``plugins.engine.precision``), alternating image by image in one process.

    python tools/benchmarks/cpu_speed.py            # --runs 3 --images 2 by default

Columns: median s/image; torchvision fp32 / this (> 1: faster than torchvision);
agreement with torchvision fp32 on the same images (detection: the share of
torchvision's boxes matched by a box of the same label at IoU >= 0.9, and the largest
score difference of the matched ones; segmentation: the share of pixels with the same
argmax class); and for the R50-FPNs the GFLOP/s its backbone + neck reach (multiply-adds
of the convolutions x 2, over the two stages' time), beside a 3x3 256 -> 256
convolution at 100 x 100 timed in the same run. The first lines say whether this CPU
computes bf16 natively; where it does not, detplug's ``bf16`` runs in fp32 (fused,
channels_last) and torchvision bf16 is not timed.
"""
import argparse
import copy
import glob
import os.path as osp
import statistics
import sys
import time

import cv2
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)
sys.path.insert(0, osp.join(ROOT, 'tools'))
from benchmarks.torchvision_latency import match  # noqa: E402
from plugins.testing import model_pairs as pairs  # noqa: E402

PRECISIONS = ('fp32', 'bf16', 'int8')
DETECTORS = dict(faster_rcnn_r50_fpn=800, faster_rcnn_r50_fpn_v2=800, retinanet_r50_fpn=800,
                 retinanet_r50_fpn_v2=800, fcos_r50_fpn=800, ssd300_vgg16=300,
                 faster_rcnn_mobilenet_v3_large_fpn=800, faster_rcnn_mobilenet_v3_large_320_fpn=320,
                 ssdlite320_mobilenet_v3_large=320, mask_rcnn_r50_fpn=800)
SEGMENTORS = dict(fcn_r50_d8=400, deeplabv3_r50_d8=400, fcn_r101_d8=400,
                  deeplabv3_r101_d8=400, deeplabv3_mobilenet_v3_large=400,
                  lraspp_mobilenet_v3_large=400)


def conv_rate(dtype, reps: int = 5) -> float:
    """GFLOP/s of a 3x3 256 -> 256 convolution on a 100 x 100 channels_last map."""
    conv = torch.nn.Conv2d(256, 256, 3, padding=1).to(dtype, memory_format=torch.channels_last)
    x = torch.randn(1, 256, 100, 100, dtype=dtype).contiguous(memory_format=torch.channels_last)
    with torch.no_grad():
        conv(x)
        start = time.perf_counter()
        for _ in range(reps):
            conv(x)
    return 2 * 256 * 256 * 9 * 100 * 100 * reps / (time.perf_counter() - start) / 1e9


def conv_flops(module, run) -> float:
    """FLOPs (2 x multiply-adds) of every Conv2d in ``module`` during ``run()``."""
    total = []

    def count(conv, args, out):
        total.append(2 * out.numel() * conv.in_channels // conv.groups
                     * conv.kernel_size[0] * conv.kernel_size[1])
    hooks = [m.register_forward_hook(count) for m in module.modules()
             if isinstance(m, torch.nn.Conv2d)]
    with torch.no_grad():
        run()
    for h in hooks:
        h.remove()
    return float(sum(total))


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def detector_rows(name, images, runs):
    """torchvision fp32 and detplug at each precision on ``images``: table rows."""
    from plugins.apis.stage_profile import StageProfile
    from plugins.engine.precision import set_precision
    tv = pairs.TORCHVISION_MODELS[name][0](images)
    models = {}
    for p in PRECISIONS:
        model = pairs.detplug_model(name, tv.state_dict())
        calib = [model.data_preprocessor(pairs.detplug_batch(i))['inputs'] for i in images]
        models[p] = set_precision(model, p, calib if p == 'int8' else None)
    flops = conv_flops(models['fp32'], lambda: models['fp32'].extract_feat(calib[0]))
    times = {k: [] for k in ('torchvision fp32', *PRECISIONS)}
    agree = {p: [] for p in PRECISIONS}
    profiles = {p: StageProfile(m) for p, m in models.items()}
    with torch.no_grad():
        for run in range(runs + 1):  # run 0 warms up and compares
            for img in images:
                ref, t = timed(lambda: tv([pairs.to_torchvision_input(img)])[0])
                if run:
                    times['torchvision fp32'].append(t)
                for p, model in models.items():
                    if run:
                        with profiles[p]:
                            _, t = timed(lambda: model.test_step(pairs.detplug_batch(img)))
                        times[p].append(t)
                    else:
                        pred = model.test_step(pairs.detplug_batch(img))[0].pred_instances
                        agree[p].append(match(ref, pred))
    rows = []
    for p in PRECISIONS:
        matched = sum(m for m, _, _ in agree[p]) / max(sum(n for _, n, _ in agree[p]), 1)
        stages = profiles[p].report(runs * len(images))
        rows.append((p, statistics.median(times[p]),
                     f'{matched:.1%} boxes, max score diff {max(d for *_, d in agree[p]):.2e}',
                     flops / (stages['backbone'] + stages.get('neck', 0.0)) / 1e9))
    return statistics.median(times['torchvision fp32']), rows, flops


def segmentor_rows(name, images, runs):
    from plugins.engine.precision import set_precision
    tv, det = pairs.random_pair(name, images)
    inputs = [pairs.normalised(det, img)[0] for img in images]
    models = {p: set_precision(copy.deepcopy(det), p, inputs if p == 'int8' else None)
              for p in PRECISIONS}
    times = {k: [] for k in ('torchvision fp32', *PRECISIONS)}
    same = {p: [] for p in PRECISIONS}
    with torch.no_grad():
        for run in range(runs + 1):
            for img, x in zip(images, inputs):
                ref, t = timed(lambda: tv(pairs.normalised(det, img)[0])['out'][0])
                if run:
                    times['torchvision fp32'].append(t)
                for p, model in models.items():
                    out, t = timed(lambda: pairs.detplug_logits(model, img))
                    if run:
                        times[p].append(t)
                    else:
                        same[p].append((out.argmax(0) == ref.argmax(0)).float().mean().item())
    rows = [(p, statistics.median(times[p]), f'{min(same[p]):.2%} pixels', None)
            for p in PRECISIONS]
    return statistics.median(times['torchvision fp32']), rows, None


def main():
    from plugins.autocast import native_bf16
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', default=osp.join(ROOT, 'data', 'neon_trees'),
                        help='prepared NEON folder (tools/prepare_neon.py)')
    parser.add_argument('--images', type=int, default=2, help='how many images')
    parser.add_argument('--runs', type=int, default=3, help='timed passes over the images')
    parser.add_argument('--models', nargs='+', default=[*DETECTORS, *SEGMENTORS],
                        choices=[*DETECTORS, *SEGMENTORS])
    args = parser.parse_args()
    files = sorted(glob.glob(osp.join(args.data, 'val', '*.png')) +
                   glob.glob(osp.join(args.data, 'train', '*.png')))[:args.images]
    if not files:
        sys.exit(f'error: {args.data}: no images; run tools/prepare_neon.py --out {args.data}')
    native = native_bf16('cpu')
    rates = {'fp32': conv_rate(torch.float32), 'bf16': conv_rate(torch.bfloat16)}
    print(f'CPU capability {torch.backends.cpu.get_cpu_capability()}, native bf16: '
          f'{"yes" if native else "no (detplug bf16 runs in fp32: fused, channels_last)"}, '
          f'torch threads {torch.get_num_threads()}, {len(files)} NEON images, '
          f'{args.runs} timed runs')
    print(f'3x3 conv 256 -> 256 at 100 x 100, channels_last: fp32 {rates["fp32"]:.0f} '
          f'GFLOP/s, bf16 {rates["bf16"]:.0f} GFLOP/s')
    print('| model | run | s/image | torchvision fp32 / this | agreement with torchvision fp32 '
          '| backbone + neck GFLOP/s |')
    print('| --- | --- | --- | --- | --- | --- |')
    for name in args.models:
        size = {**DETECTORS, **SEGMENTORS}[name]
        images = [cv2.resize(cv2.imread(f), (size, size)) for f in files]
        rows = detector_rows if name in DETECTORS else segmentor_rows
        tv_time, table, flops = rows(name, images, args.runs)
        print(f'| {name} {size} px | torchvision fp32 | {tv_time:.3f} | 1.00 | | |')
        for p, t, agreement, rate in table:
            rate = f'{rate:.0f} ({flops / 1e9:.0f} GFLOP a pass)' if rate else ''
            print(f'| | detplug {p} | {t:.3f} | {tv_time / t:.2f} | {agreement} | {rate} |',
                  flush=True)


if __name__ == '__main__':
    main()
