"""What the parity tests share (tests/tools/test_convert_torchvision*.py): one pair per
detplug config, the images and targets both models get, and the checks.

Parity with torchvision's fasterrcnn_resnet50_fpn (and _v2, and the MobileNetV3-Large FPN
ones), maskrcnn_resnet50_fpn (and _v2), retinanet_resnet50_fpn (and _v2),
fcos_resnet50_fpn, keypointrcnn_resnet50_fpn, ssd300_vgg16 and ssdlite: random
weights (no download) converted by the converter tools/convert_torchvision.py calls, real
NEON images, both models in one process; one ``pair`` fixture (tests/tools/conftest.py),
parametrised by detplug config, built once per module.

The random weights behave like trained ones (``random_faster_rcnn`` and ``random_ssd``
in plugins/testing/model_pairs.py, which ``tools/benchmark.py vs-torchvision`` times the
same pairs), with torchvision's normalisation written as detplug's (same arithmetic, see
``same_normalisation`` there). Inputs are resized beforehand to torchvision's own size
(Faster R-CNN: shorter side 800, SSD: 300 x 300), so neither model resizes again. For
Faster R-CNN one image is not square, so padding, non-square maps and torchvision's
input-derived P6 stride (800 // 13 = 61) are exercised; RetinaNet and FCOS share those
images.
"""
import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.structures import InstanceData

from plugins.converters.torchvision import convert
from plugins.registry import MODELS
from plugins.structures import DetDataSample
from plugins.testing.model_pairs import TORCHVISION_MODELS, model_cfg, to_torchvision_input

def images_at(root, sizes=((800, 800), (1067, 800))):
    """Two BGR images at torchvision's scale (H, W) with their gt boxes."""
    out = []
    for (split, index, crop_w), (h, w) in zip((('val', 0, 400), ('train', 5, 300)), sizes):
        coco = json.load(open(osp.join(root, f'{split}.json')))
        info = coco['images'][index]
        img = cv2.imread(osp.join(root, info['file_name']))[:, :crop_w]
        boxes = np.array([a['bbox'] for a in coco['annotations'] if a['image_id'] == info['id']],
                         np.float32).reshape(-1, 4)
        boxes[:, 2:] += boxes[:, :2]
        boxes = boxes[boxes[:, 2] <= crop_w] * np.tile([w / crop_w, h / 400], 2)
        out.append((cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR),
                    torch.from_numpy(boxes.astype(np.float32))))
    return out


def ground_truth(img, boxes, extra=None) -> dict:
    """Targets for both models (torchvision's labels are these + 1): varied COCO labels
    (detplug's 0-based); with ``extra='masks'`` a filled ellipse inside each box
    ((K, H, W) uint8, for Mask R-CNN's loss); with ``'keypoints'`` the one class (person)
    and 17 points spread over each box ((K, 17, 3), one in four not visible)."""
    if extra == 'keypoints':
        grid = torch.linspace(0.05, 0.95, 17)
        x1, y1, x2, y2 = boxes.T[..., None]
        points = torch.stack([x1 + (x2 - x1) * grid, y1 + (y2 - y1) * grid.flip(0),
                              (torch.arange(17) % 4 != 0).float().expand(len(boxes), 17) * 2], -1)
        return dict(labels=torch.zeros(len(boxes), dtype=torch.long), keypoints=points)
    gt = dict(labels=torch.arange(len(boxes)) % 90)
    if extra == 'masks':
        masks = np.zeros((len(boxes),) + img.shape[:2], np.uint8)
        for m, (x1, y1, x2, y2) in zip(masks, boxes.round().int().tolist()):
            cv2.ellipse(m, ((x1 + x2) // 2, (y1 + y2) // 2), (max((x2 - x1) // 2, 1),
                        max((y2 - y1) // 2, 1)), 0, 0, 360, 1, -1)
        gt['masks'] = torch.from_numpy(masks)
    return gt


def detplug_batch(images, extra=None):
    samples = []
    for img, boxes in images:
        shape = img.shape[:2]
        sample = DetDataSample(metainfo=dict(img_shape=shape, ori_shape=shape,
                                             scale_factor=(1.0, 1.0)))
        gt = ground_truth(img, boxes, extra)
        if 'masks' in gt:
            gt['masks'] = gt['masks'].bool()
        sample.gt_instances = InstanceData(bboxes=boxes, **gt)
        samples.append(sample)
    return dict(inputs=[torch.from_numpy(img).permute(2, 0, 1).contiguous() for img, _ in images],
                data_samples=samples)


SQUARE, WIDE = (800, 800), (1067, 800)
# detplug config -> the (H, W) of the two images, torchvision's own input size for it
# (the v2 variants and Keypoint R-CNN, whose plumbing their v1 / Mask R-CNN pairs check
# on both images, on the wide one only: each R50 image at 800 px costs ~10 s a pair)
PAIRS = dict(faster_rcnn_r50_fpn=(SQUARE, WIDE), faster_rcnn_r50_fpn_v2=(WIDE,),
             faster_rcnn_mobilenet_v3_large_fpn=(SQUARE, WIDE),
             faster_rcnn_mobilenet_v3_large_320_fpn=((320, 320), (320, 427)),
             mask_rcnn_r50_fpn=(SQUARE, WIDE), mask_rcnn_r50_fpn_v2=(WIDE,),
             keypoint_rcnn_r50_fpn=(WIDE,), retinanet_r50_fpn=(SQUARE, WIDE),
             retinanet_r50_fpn_v2=(WIDE,), fcos_r50_fpn=(SQUARE, WIDE),
             ssd300_vgg16=((300, 300), (300, 300)),
             ssdlite320_mobilenet_v3_large=((320, 320), (320, 320)))


def build_pair(name, neon_root):
    """(torchvision's model for the detplug config ``name`` (``TORCHVISION_MODELS``, the
    pairs the benchmarks time) with random weights calibrated on the images, detplug's
    with them converted (``plugins.converters.torchvision``, what the tool calls), the
    images)."""
    images = images_at(neon_root, PAIRS[name])
    tv = TORCHVISION_MODELS[name][0]([img for img, _ in images])
    det = MODELS.build(Config.fromfile(model_cfg(name)).model)
    det.load_state_dict(convert(tv.state_dict()))
    return tv, det.eval(), images


_LAST = {}  # the latest pair's outputs: its detection and mask / keypoint checks share them


def outputs(pair):
    """torchvision's and detplug's inference outputs on the pair's images."""
    tv, det, images = pair
    if _LAST.get('det') is not det:
        with torch.no_grad():
            _LAST.update(det=det, out=(tv([to_torchvision_input(img) for img, _ in images]),
                                       det.test_step(detplug_batch(images))))
    return _LAST['out']


def check_detections(pair):
    for t, d in zip(*outputs(pair)):
        pred = d.pred_instances
        assert len(t['boxes']) >= 20, 'random weights should still give detections'
        assert len(set(t['labels'].tolist())) >= 5, 'and of several classes'
        assert len(pred) == len(t['boxes'])
        order = paired(t, pred)
        box_diff = (pred.bboxes[order] - t['boxes']).abs().max().item()
        score_diff = (pred.scores[order] - t['scores']).abs().max().item()
        print(f'{len(pred)} detections: max |box diff| {box_diff:.2e} px, '
              f'max |score diff| {score_diff:.2e}, {(order != torch.arange(len(order))).sum()} '
              'swapped')
        assert torch.equal(pred.labels[order] + 1, t['labels'])
        assert box_diff <= 1e-3 and score_diff <= 1e-4


def paired(tv_out, pred, tol=1e-4):
    """For each of torchvision's detections, the index of detplug's with the same label
    and the closest box among those whose score is within ``tol``: detections whose
    scores differ by float rounding (random weights: 1e-6 apart) may come in either
    order. The rest stay in place."""
    order, free = [], torch.ones(len(pred), dtype=torch.bool)
    for box, score, label in zip(tv_out['boxes'], tv_out['scores'], tv_out['labels']):
        near = free & ((pred.scores - score).abs() <= tol) & (pred.labels + 1 == label)
        if not near.any():
            near = free.clone()  # nothing close: the mismatch shows in the asserts
        cand = near.nonzero().squeeze(1)
        best = cand[(pred.bboxes[cand] - box).abs().amax(1).argmin()]
        order.append(best)
        free[best] = False
    return torch.stack(order) if order else torch.zeros(0, dtype=torch.long)




def halved(tv, images):
    """The images and boxes at half size, and torchvision's ``GeneralizedRCNNTransform``
    set to take them as they are (scale 1, as at full size): the training checks then cost
    a quarter of the inference checks, which exercise the full size."""
    out = []
    for img, boxes in images:
        h, w = img.shape[:2]
        small = cv2.resize(img, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        out.append((small, boxes * torch.tensor([w // 2 / w, h // 2 / h] * 2)))
    tv.transform.min_size = (min(min(img.shape[:2]) for img, _ in out),)
    tv.transform.max_size = max(max(img.shape[:2]) for img, _ in out)
    return out


def assert_same_losses(tv, det, images, pairs, frozen_bn=False, extra=None):
    """Both models in train mode on the same images and targets; ``pairs`` maps
    torchvision's loss names to detplug's. ``frozen_bn``: every BatchNorm in eval mode, as
    in torchvision's published R-CNNs (FrozenBatchNorm2d in v1's backbone). ``extra``:
    gt masks or keypoints too (``ground_truth``). (Run it after the pair's inference
    checks: it leaves the models in train mode.)"""
    det.train()
    tv.train()
    for m in [*tv.modules(), *det.modules()] if frozen_bn else []:
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()
    targets = [dict(gt, boxes=b, labels=gt['labels'] + 1)
               for img, b in images for gt in [ground_truth(img, b, extra)]]
    with torch.no_grad():
        tv_losses = tv([to_torchvision_input(img) for img, _ in images], targets)
        det_losses = det(**det.data_preprocessor(detplug_batch(images, extra), True),
                         mode='loss')
    for tv_name, det_name in pairs.items():
        a, b = tv_losses[tv_name].item(), det_losses[det_name].item()
        print(f'{tv_name} {a:.6f} vs {det_name} {b:.6f}')
        assert b == pytest.approx(a, rel=1e-5, abs=1e-6)


def check_rcnn_losses(pair, extra=None):
    """Samplers take every positive and negative, so no random draw differs; ``extra``:
    'masks' or 'keypoints' for the branch's loss too; on ``halved`` images (which also
    fixes Keypoint R-CNN's training sizes, 640-800, to one)."""
    tv, det, images = pair
    tv.rpn.fg_bg_sampler.batch_size_per_image = 10**7
    tv.roi_heads.fg_bg_sampler.batch_size_per_image = 10**7
    det.rpn_head.sampler.num = det.roi_head.sampler.num = 10**7
    images = halved(tv, images)
    branch = {'masks': dict(loss_mask='loss_mask'),
              'keypoints': dict(loss_keypoint='loss_keypoint')}.get(extra, {})
    assert_same_losses(tv, det, images, dict(
        loss_objectness='loss_rpn_cls', loss_rpn_box_reg='loss_rpn_bbox',
        loss_classifier='loss_cls', loss_box_reg='loss_bbox', **branch), frozen_bn=True,
        extra=extra)


