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
sys.path.insert(0, osp.join(ROOT, 'tools'))
from benchmarks.torchvision_latency import calibrate_batchnorm, model_cfg  # noqa: E402

MODELS = dict(fcn_r50_d8='fcn_resnet50', deeplabv3_r50_d8='deeplabv3_resnet50',
              fcn_r101_d8='fcn_resnet101', deeplabv3_r101_d8='deeplabv3_resnet101',
              deeplabv3_mobilenet_v3_large='deeplabv3_mobilenet_v3_large',
              lraspp_mobilenet_v3_large='lraspp_mobilenet_v3_large')


def normalised(model, img_bgr):
    """detplug's data preprocessor on one BGR image -> (1, 3, H, W) float."""
    from plugins.structures import SegDataSample
    sample = SegDataSample(metainfo=dict(img_shape=img_bgr.shape[:2],
                                         ori_shape=img_bgr.shape[:2]))
    data = model.data_preprocessor(dict(inputs=[torch.from_numpy(img_bgr).permute(2, 0, 1)
                                                .contiguous()], data_samples=[sample]))
    return data['inputs'], data['data_samples']


def random_pair(name, images_bgr, seed=0):
    """torchvision's model with calibrated random weights and detplug's with them converted."""
    import torchvision.models.segmentation as tvseg
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from convert_torchvision import convert
    from plugins.registry import MODELS as REGISTRY
    init_default_scope('plugins')
    det = REGISTRY.build(Config.fromfile(model_cfg(name)).model).eval()
    torch.manual_seed(seed)
    aux = {} if name.startswith('lraspp') else dict(aux_loss=True)  # LR-ASPP has none
    tv = getattr(tvseg, MODELS[name])(weights=None, weights_backbone=None, num_classes=21, **aux)
    batch = torch.cat([normalised(det, img)[0] for img in images_bgr] * 2)  # BN needs >= 2
    calibrate_batchnorm(tv, lambda: tv(batch))
    det.load_state_dict(convert(tv.state_dict()))
    tv.aux_classifier = None  # torchvision would run it at inference too; detplug does not
    return tv, det


def detplug_logits(det, img_bgr):
    """As ``test_step`` runs the network: under bf16 autocast when ``det.precision`` asks."""
    from plugins.engine.precision import autocast
    inputs, samples = normalised(det, img_bgr)
    with autocast(inputs.device.type, det.precision):
        return det(inputs, samples, mode='predict')[0].seg_logits.data


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
    for name in MODELS:
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
        print(f'{MODELS[name]:<20} torchvision {med["torchvision"]:.3f} s, detplug '
              f'{med["detplug"]:.3f} s, ratio torchvision / detplug '
              f'{med["torchvision"] / med["detplug"]:.3f} (max |logit diff| {diff:.2e})')


if __name__ == '__main__':
    main()
