"""Parity with torchvision's fasterrcnn_resnet50_fpn: random weights (no download)
converted by tools/convert_torchvision.py, real NEON images, both models in one process.

The random weights behave like trained ones (``random_torchvision_model`` in
tools/benchmarks/r50_fpn_latency.py, which times the same pair), with
torchvision's normalisation written as detplug's (same arithmetic, see
``same_normalisation`` there). Inputs are resized beforehand to torchvision's own
size (shorter side 800), so neither model resizes again; one image is not square,
so padding, non-square maps and torchvision's input-derived P6 stride (800 // 13
= 61) are exercised.
"""
import json
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.structures import InstanceData

from benchmarks.r50_fpn_latency import random_torchvision_model, to_torchvision_input
from plugins.registry import MODELS
from plugins.structures import DetDataSample
from tests.conftest import ROOT

MODEL_CFG = osp.join(ROOT, 'configs', '_base_', 'models', 'faster_rcnn_r50_fpn.py')


def _images(root):
    """Two BGR images at torchvision's scale with their gt boxes: 800x800 and 1067x800."""
    out = []
    for split, index, crop_w in (('val', 0, 400), ('train', 5, 300)):
        coco = json.load(open(osp.join(root, f'{split}.json')))
        info = coco['images'][index]
        img = cv2.imread(osp.join(root, info['file_name']))[:, :crop_w]
        h, w = (800, 800) if crop_w == 400 else (1067, 800)
        boxes = np.array([a['bbox'] for a in coco['annotations'] if a['image_id'] == info['id']],
                         np.float32).reshape(-1, 4)
        boxes[:, 2:] += boxes[:, :2]
        boxes = boxes[boxes[:, 2] <= crop_w] * np.tile([w / crop_w, h / 400], 2)
        out.append((cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR),
                    torch.from_numpy(boxes.astype(np.float32))))
    return out


def _detplug_batch(images):
    samples = []
    for img, boxes in images:
        shape = img.shape[:2]
        sample = DetDataSample(metainfo=dict(img_shape=shape, ori_shape=shape,
                                             scale_factor=(1.0, 1.0)))
        sample.gt_instances = InstanceData(bboxes=boxes, labels=torch.zeros(len(boxes),
                                                                            dtype=torch.long))
        samples.append(sample)
    return dict(inputs=[torch.from_numpy(img).permute(2, 0, 1).contiguous() for img, _ in images],
                data_samples=samples)


@pytest.fixture(scope='module')
def models(neon_root, tmp_path_factory):
    images = _images(neon_root)
    tv = random_torchvision_model([img for img, _ in images])
    tmp = tmp_path_factory.mktemp('convert')
    torch.save(tv.state_dict(), tmp / 'tv.pth')
    subprocess.run([sys.executable, osp.join(ROOT, 'tools', 'convert_torchvision.py'),
                    str(tmp / 'tv.pth'), str(tmp / 'detplug.pth')], check=True)
    det = MODELS.build(Config.fromfile(MODEL_CFG).model)
    det.load_state_dict(torch.load(tmp / 'detplug.pth', weights_only=True)['state_dict'])
    return tv, det.eval(), images


def test_eval_detections_match(models):
    tv, det, images = models
    with torch.no_grad():
        tv_out = tv([to_torchvision_input(img) for img, _ in images])
        det_out = det.test_step(_detplug_batch(images))
    for t, d in zip(tv_out, det_out):
        pred = d.pred_instances
        assert len(t['boxes']) >= 20, 'random weights should still give detections'
        assert len(pred) == len(t['boxes'])
        box_diff = (pred.bboxes - t['boxes']).abs().max().item()
        score_diff = (pred.scores - t['scores']).abs().max().item()
        print(f'{len(pred)} detections: max |box diff| {box_diff:.2e} px, '
              f'max |score diff| {score_diff:.2e}')
        assert torch.equal(pred.labels + 1, t['labels'])
        assert box_diff <= 1e-3 and score_diff <= 1e-4


def test_train_losses_match_when_every_sample_is_taken(models):
    """Samplers take every positive and negative, so no random draw differs."""
    tv, det, images = models
    tv.rpn.fg_bg_sampler.batch_size_per_image = 10**7
    tv.roi_heads.fg_bg_sampler.batch_size_per_image = 10**7
    det.rpn_head.sampler.num = det.roi_head.sampler.num = 10**7
    tv.train()
    for m in tv.modules():  # torchvision's published model has FrozenBatchNorm2d here
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()
    det.train()
    targets = [dict(boxes=b, labels=torch.ones(len(b), dtype=torch.long)) for _, b in images]
    with torch.no_grad():
        tv_losses = tv([to_torchvision_input(img) for img, _ in images], targets)
        det_losses = det(**det.data_preprocessor(_detplug_batch(images), True), mode='loss')
    pairs = dict(loss_objectness='loss_rpn_cls', loss_rpn_box_reg='loss_rpn_bbox',
                 loss_classifier='loss_cls', loss_box_reg='loss_bbox')
    for tv_name, det_name in pairs.items():
        a, b = tv_losses[tv_name].item(), det_losses[det_name].item()
        print(f'{tv_name} {a:.6f} vs {det_name} {b:.6f}')
        assert b == pytest.approx(a, rel=1e-4, abs=1e-6)
