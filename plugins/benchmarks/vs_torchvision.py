"""One run, one table: detplug on each backend and precision against torchvision on the CPU.

Models (same converted weights and real NEON images for both sides): the detectors
and segmentors of ``plugins/testing/model_pairs.py`` (random weights that behave like
trained ones). For each: torchvision fp32 eager, then detplug on each ``--backend`` at
each ``--precision`` it runs (``plugins.deploy``, ``plugins.engine.precision``),
alternating image by image in one process.

    python tools/benchmark.py vs-torchvision [--models ...] [--runs 3] [--images 2] \
        [--backend torch onnxruntime openvino] [--torchvision-bf16] [--torchvision-openvino]

Columns: median s/image; torchvision fp32 / this (> 1: faster than torchvision);
agreement with torchvision fp32 on the same images (detection: the share of
torchvision's boxes matched by a box of the same label at IoU >= 0.9, and the
largest score difference of the matched ones; segmentation: the share of pixels with
the same argmax class); and for detectors the GFLOP/s its backbone + neck reach
(multiply-adds of the convolutions x 2, over the two stages' time), beside a 3x3 256
-> 256 convolution at 100 x 100 timed in the same run. ``--torchvision-bf16`` adds
torchvision under bf16 autocast + channels_last (the fastest plain recipe for it);
``--torchvision-openvino`` adds torchvision's own model converted whole by OpenVINO and
run on it in f32 and bf16 (``torchvision_openvino.py``: what a user deploying
torchvision would run); ``--stages`` prints detplug's time per stage;
``--tv-weights`` times a torchvision state dict file (one detector) instead of random
weights; ``--fuse-conv-bn`` folds detplug fp32's BatchNorm into its convolutions
(``tools/test.py --fuse-conv-bn``).
The first lines say whether this CPU computes bf16 natively; where it does not,
detplug's ``bf16`` runs in fp32 (fused, channels_last).
"""
import copy
import functools
import time

import torch
from mmengine.structures import InstanceData

from plugins.autocast import native_bf16
from plugins.benchmarks.common import NEON, alternate, medians, neon_images
from plugins.engine.checkpoint_loading import load_any
from plugins.deploy import set_backend
from plugins.deploy.runtimes import BACKENDS, PRECISIONS as RUNS
from plugins.engine.precision import PRECISIONS
from plugins.evaluation.agreement import matched_boxes
from plugins.testing import model_pairs as pairs

DETECTORS = dict(faster_rcnn_r50_fpn=800, faster_rcnn_r50_fpn_v2=800, retinanet_r50_fpn=800,
                 retinanet_r50_fpn_v2=800, fcos_r50_fpn=800, ssd300_vgg16=300,
                 faster_rcnn_mobilenet_v3_large_fpn=800, faster_rcnn_mobilenet_v3_large_320_fpn=320,
                 ssdlite320_mobilenet_v3_large=320, mask_rcnn_r50_fpn=800)
SEGMENTORS = dict(fcn_r50_d8=400, deeplabv3_r50_d8=400, fcn_r101_d8=400,
                  deeplabv3_r101_d8=400, deeplabv3_mobilenet_v3_large=400,
                  lraspp_mobilenet_v3_large=400)


def add_arguments(parser) -> None:
    parser.add_argument('--data', default=NEON, help='prepared NEON folder')
    parser.add_argument('--images', type=int, default=2, help='how many images')
    parser.add_argument('--runs', type=int, default=3, help='timed passes over the images')
    parser.add_argument('--models', nargs='+', default=[*DETECTORS, *SEGMENTORS],
                        choices=[*DETECTORS, *SEGMENTORS])
    parser.add_argument('--precision', nargs='+', choices=PRECISIONS, default=list(PRECISIONS))
    parser.add_argument('--backend', nargs='+', choices=BACKENDS, default=['torch'])
    parser.add_argument('--size', type=int, help="image side (default: each model's own)")
    parser.add_argument('--torchvision-bf16', action='store_true',
                        help='also time torchvision under bf16 autocast + channels_last')
    parser.add_argument('--torchvision-openvino', action='store_true',
                        help="also time torchvision's model exported to ONNX on OpenVINO")
    parser.add_argument('--stages', action='store_true', help="print detplug's stages")
    parser.add_argument('--tv-weights', help='torchvision state dict file (one detector)')
    parser.add_argument('--fuse-conv-bn', action='store_true',
                        help="fold detplug fp32's BatchNorm into its convs (bf16 always does)")


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


def profiled(profile, fn):
    def call(item):
        with profile:
            return fn(item)
    return call


def time_all(peers: dict, detplug_steps: dict, images, runs: int):
    """Pass 0 (warm-up, outputs kept), then ``runs`` timed passes, each timed call right
    after an untimed one of the same contender, with detplug's stages profiled ->
    (median s per contender, pass-0 outputs, stage reports)."""
    from plugins.apis.stage_profile import StageProfile
    contenders = {**peers, **detplug_steps}
    _, first = alternate(contenders, images)
    profiles = {name: StageProfile(step.model) for name, step in detplug_steps.items()}
    timed = {name: profiled(profiles[name], fn) if name in profiles else fn
             for name, fn in contenders.items()}
    times, _ = alternate(timed, images, runs, settle=contenders)
    return medians(times), first, {n: p.report(runs * len(images)) for n, p in profiles.items()}


class Step:
    """A detplug model's call on one image, with the model at hand for profiling."""

    def __init__(self, model, call):
        self.model, self.call = model, call

    def __call__(self, img):
        return self.call(self.model, img)


def torchvision_peers(tv, tv_input, tv_call, images, args) -> dict:
    """name -> call on a BGR image: torchvision fp32 eager, and as asked bf16 autocast +
    channels_last, and its own model converted by OpenVINO, f32 and bf16."""
    peers = {'torchvision fp32': lambda img: tv_call(tv, tv_input(img))}
    if args.torchvision_bf16:  # a channels_last copy only when it is timed
        tv_cl = copy.deepcopy(tv).to(memory_format=torch.channels_last)

        def tv_bf16(img):
            with torch.autocast('cpu', dtype=torch.bfloat16):
                return tv_call(tv_cl, tv_input(img))
        peers['torchvision bf16'] = tv_bf16
    if args.torchvision_openvino:
        from plugins.benchmarks.torchvision_openvino import openvino_peer
        for precision in ('fp32', 'bf16'):
            run = openvino_peer(tv, tv_input(images[0]), precision)
            peers[f'torchvision openvino {precision}'] = lambda img, r=run: r(tv_input(img))
    return peers


def detplug_steps(make_model, calibration, call, args) -> dict:
    """'detplug [backend] precision' -> Step, for each pair a backend runs."""
    steps = {}
    for backend in args.backend:
        for p in (p for p in args.precision if p in RUNS[backend]):
            name = f'detplug {p}' if backend == 'torch' else f'detplug {backend} {p}'
            model = set_backend(make_model(), backend, p, calibration if p == 'int8' else None)
            steps[name] = Step(model, call)
    return steps


def _instances(out) -> InstanceData:
    """torchvision's dict (labels from 1) or a detplug data sample (from 0), alike."""
    if isinstance(out, dict):
        return InstanceData(bboxes=out['boxes'], labels=out['labels'] - 1, scores=out['scores'])
    return out.pred_instances


def detector(name, images, args):
    tv = pairs.TORCHVISION_MODELS[name][0](images)
    if args.tv_weights:
        tv.load_state_dict(load_any(args.tv_weights))  # weights_only, paths or URLs
    peers = torchvision_peers(tv, pairs.to_torchvision_input, lambda m, x: m([x])[0], images,
                              args)
    make = functools.partial(pairs.detplug_model, name, tv.state_dict(), args.fuse_conv_bn)
    calibration = [make().data_preprocessor(pairs.detplug_batch(i)) for i in images]
    steps = detplug_steps(make, calibration,
                          lambda m, img: m.test_step(pairs.detplug_batch(img))[0], args)
    med, first, stages = time_all(peers, steps, images, args.runs)
    fp32 = pairs.detplug_model(name, tv.state_dict())  # convs as trained, for the count
    flops = conv_flops(fp32, lambda: fp32.extract_feat(
        fp32.data_preprocessor(pairs.detplug_batch(images[0]))['inputs']))
    rows = []
    for key in [*list(peers)[1:], *steps]:
        found = [matched_boxes(_instances(r), _instances(o))
                 for r, o in zip(first['torchvision fp32'], first[key])]
        matched = sum(f[0] for f in found) / max(sum(f[1] for f in found), 1)
        network = stages.get(key, {}).get('backbone', 0.0) + stages.get(key, {}).get('neck', 0.0)
        rate = (f'{flops / network / 1e9:.0f} ({flops / 1e9:.0f} GFLOP a pass)' if network
                else '')
        rows.append((key, med[key], f'{matched:.1%} boxes, max score diff '
                     f'{max(f[2] for f in found):.2e}', rate))
    return med, rows, stages


def segmentor(name, images, args):
    tv, det = pairs.random_pair(name, images)
    if args.fuse_conv_bn:
        from mmcv.cnn import fuse_conv_bn
        fuse_conv_bn(det)
    peers = torchvision_peers(tv, lambda img: pairs.normalised(det, img)[0],
                              lambda m, x: m(x)['out'][0], images, args)
    calibration = [dict(zip(('inputs', 'data_samples'), pairs.normalised(det, img)))
                   for img in images]
    steps = detplug_steps(lambda: copy.deepcopy(det), calibration, pairs.detplug_logits, args)
    med, first, stages = time_all(peers, steps, images, args.runs)
    rows = []
    for key in [*list(peers)[1:], *steps]:
        pairs_out = list(zip(first['torchvision fp32'], first[key]))
        same = min((o.argmax(0) == r.argmax(0)).float().mean().item() for r, o in pairs_out)
        diff = max((o - r).abs().max().item() for r, o in pairs_out)
        rows.append((key, med[key], f'{same:.2%} pixels, max logit diff {diff:.2e}', ''))
    return med, rows, stages


def main(args) -> None:
    native = native_bf16('cpu')
    rates = {'fp32': conv_rate(torch.float32), 'bf16': conv_rate(torch.bfloat16)}
    print(f'CPU capability {torch.backends.cpu.get_cpu_capability()}, native bf16: '
          f'{"yes" if native else "no (detplug bf16 runs in fp32: fused, channels_last)"}, '
          f'torch threads {torch.get_num_threads()}, {args.images} NEON images, '
          f'{args.runs} timed runs')
    print(f'3x3 conv 256 -> 256 at 100 x 100, channels_last: fp32 {rates["fp32"]:.0f} '
          f'GFLOP/s, bf16 {rates["bf16"]:.0f} GFLOP/s')
    print('| model | run | s/image | torchvision fp32 / this | agreement with torchvision fp32 '
          '| backbone + neck GFLOP/s |')
    print('| --- | --- | --- | --- | --- | --- |')
    for name in args.models:
        size = args.size or {**DETECTORS, **SEGMENTORS}[name]
        images = neon_images(args.data, args.images, size)
        med, rows, stages = (detector if name in DETECTORS else segmentor)(name, images, args)
        tv_time = med['torchvision fp32']
        print(f'| {name} {size} px | torchvision fp32 | {tv_time:.3f} | 1.00 | | |')
        for key, t, agreement, rate in rows:
            print(f'| | {key} | {t:.3f} | {tv_time / t:.2f} | {agreement} | {rate} |', flush=True)
        for key, report in stages.items() if args.stages else ():
            print(f'  {key} stages (s/image): ' + '  '.join(f'{k} {v:.4f}'
                                                          for k, v in report.items()))
