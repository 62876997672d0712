"""Inference latency of detplug vs torchvision Faster R-CNN R50-FPN, same weights and images.

torchvision's ``fasterrcnn_resnet50_fpn`` gets random weights (or a state dict
file via ``--tv-weights``, e.g. its published COCO checkpoint); they are converted
with tools/convert_torchvision.py into detplug's R50-FPN config. The real NEON
images are resized to torchvision's 800 px beforehand, so neither model
resizes. Each timed call is one image end to end (normalise, pad, backbone,
RPN, RoI head, post-processing), the two models alternating, in one process:

    python tools/benchmarks/r50_fpn_latency.py --runs 10

Prints each model's median seconds per image and torchvision / detplug (>= 1
means detplug is at least as fast), and the largest box and score differences.
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
MODEL_CFG = osp.join(ROOT, 'configs', '_base_', 'models', 'faster_rcnn_r50_fpn.py')


def to_torchvision_input(img_bgr):
    """BGR uint8 (H, W, 3) -> RGB float (3, H, W) in 0-255 (see ``same_normalisation``)."""
    return torch.from_numpy(img_bgr[..., ::-1].copy()).permute(2, 0, 1).float()


def same_normalisation(model):
    """torchvision's mean/std times 255, for 0-255 input: op for op the arithmetic of
    detplug's data preprocessor, so both models see bit-identical normalised pixels
    ((x / 255 - 0.485) / 0.229 and (x - 123.675) / 58.395 differ by float rounding)."""
    model.transform.image_mean = [0.485 * 255, 0.456 * 255, 0.406 * 255]
    model.transform.image_std = [0.229 * 255, 0.224 * 255, 0.225 * 255]


def random_torchvision_model(images_bgr, seed=0):
    """fasterrcnn_resnet50_fpn with random weights that behave like trained ones: BatchNorm
    statistics measured on ``images_bgr`` (activations keep their scale), random affine
    parts, and heads spread enough to give tens of detections per image."""
    from torchvision.models.detection import fasterrcnn_resnet50_fpn
    torch.manual_seed(seed)
    model = fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None)
    same_normalisation(model)
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative average over this one batch
    model.train()
    with torch.no_grad():
        model.backbone(model.transform([to_torchvision_input(i) for i in images_bgr])[0].tensors)
        for bn in bns:
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.normal_(0, 0.1)
        torch.nn.init.normal_(model.rpn.head.cls_logits.weight, std=0.05)
        torch.nn.init.normal_(model.rpn.head.bbox_pred.weight, std=0.02)
        torch.nn.init.normal_(model.roi_heads.box_predictor.cls_score.weight, std=0.007)
        torch.nn.init.normal_(model.roi_heads.box_predictor.bbox_pred.weight, std=0.02)
    return model.eval()


def detplug_model(tv_state, num_classes=90):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from convert_torchvision import convert
    from plugins.registry import MODELS
    init_default_scope('plugins')
    cfg = Config.fromfile(MODEL_CFG)
    cfg.model.roi_head.bbox_head.num_classes = num_classes
    model = MODELS.build(cfg.model)
    model.load_state_dict(convert(tv_state))
    return model.eval()


def detplug_batch(img_bgr):
    from plugins.structures import DetDataSample
    shape = img_bgr.shape[:2]
    sample = DetDataSample(metainfo=dict(img_shape=shape, ori_shape=shape, scale_factor=(1., 1.)))
    return dict(inputs=[torch.from_numpy(img_bgr).permute(2, 0, 1).contiguous()],
                data_samples=[sample])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', default=osp.join(ROOT, 'data', 'neon_trees'),
                        help='prepared NEON folder (tools/prepare_neon.py)')
    parser.add_argument('--images', type=int, default=4, help='how many images')
    parser.add_argument('--runs', type=int, default=10, help='timed passes over the images')
    parser.add_argument('--size', type=int, default=800, help='image side after resizing')
    parser.add_argument('--tv-weights', help='torchvision state dict file instead of random')
    args = parser.parse_args()
    files = sorted(glob.glob(osp.join(args.data, 'val', '*.png')) +
                   glob.glob(osp.join(args.data, 'train', '*.png')))[:args.images]
    if not files:
        sys.exit(f'error: {args.data}: no images; run tools/prepare_neon.py --out {args.data}')
    images = [cv2.resize(cv2.imread(f), (args.size, args.size)) for f in files]
    tv = random_torchvision_model(images)
    if args.tv_weights:
        tv.load_state_dict(torch.load(args.tv_weights, map_location='cpu', weights_only=True))
    num_classes = tv.roi_heads.box_predictor.cls_score.out_features - 1
    det = detplug_model(tv.state_dict(), num_classes)
    times = dict(torchvision=[], detplug=[])
    box_diff = score_diff = 0.0
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
                if len(d) != len(t['boxes']):
                    sys.exit(f'error: {len(d)} detplug vs {len(t["boxes"])} torchvision detections')
                if len(d):
                    box_diff = max(box_diff, (d.bboxes - t['boxes']).abs().max().item())
                    score_diff = max(score_diff, (d.scores - t['scores']).abs().max().item())
        print(f'R50-FPN inference, {len(images)} NEON images at {args.size} px, batch 1, '
              f'{args.runs} runs, torch threads {torch.get_num_threads()}')
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(f'{k:<12} median {v:.3f} s/image')
    print(f'ratio torchvision / detplug: {med["torchvision"] / med["detplug"]:.3f} '
          f'(max |box diff| {box_diff:.2e} px, max |score diff| {score_diff:.2e})')


if __name__ == '__main__':
    main()
