"""Parity with torchvision's fasterrcnn_resnet50_fpn (and _v2, and the MobileNetV3-Large FPN
ones), maskrcnn_resnet50_fpn (and _v2), retinanet_resnet50_fpn (and _v2),
fcos_resnet50_fpn, keypointrcnn_resnet50_fpn, ssd300_vgg16 and ssdlite: random
weights (no download) converted by the converter tools/convert_torchvision.py calls, real
NEON images, both models in one process; one ``pair`` fixture, parametrised by detplug
config.

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

from plugins.testing.model_pairs import TORCHVISION_MODELS, model_cfg, to_torchvision_input
from plugins.registry import MODELS
from plugins.structures import DetDataSample

def _images(root, sizes=((800, 800), (1067, 800))):
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


def _ground_truth(img, boxes, extra=None) -> dict:
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


def _detplug_batch(images, extra=None):
    samples = []
    for img, boxes in images:
        shape = img.shape[:2]
        sample = DetDataSample(metainfo=dict(img_shape=shape, ori_shape=shape,
                                             scale_factor=(1.0, 1.0)))
        gt = _ground_truth(img, boxes, extra)
        if 'masks' in gt:
            gt['masks'] = gt['masks'].bool()
        sample.gt_instances = InstanceData(bboxes=boxes, **gt)
        samples.append(sample)
    return dict(inputs=[torch.from_numpy(img).permute(2, 0, 1).contiguous() for img, _ in images],
                data_samples=samples)


SQUARE, WIDE = (800, 800), (1067, 800)
# detplug config -> the (H, W) of the two images, torchvision's own input size for it
PAIRS = dict(faster_rcnn_r50_fpn=(SQUARE, WIDE), faster_rcnn_r50_fpn_v2=(SQUARE, WIDE),
             faster_rcnn_mobilenet_v3_large_fpn=(SQUARE, WIDE),
             faster_rcnn_mobilenet_v3_large_320_fpn=((320, 320), (320, 427)),
             mask_rcnn_r50_fpn=(SQUARE, WIDE), mask_rcnn_r50_fpn_v2=(SQUARE, WIDE),
             keypoint_rcnn_r50_fpn=(SQUARE, WIDE), retinanet_r50_fpn=(SQUARE, WIDE),
             retinanet_r50_fpn_v2=(SQUARE, WIDE), fcos_r50_fpn=(SQUARE, WIDE),
             ssd300_vgg16=((300, 300), (300, 300)),
             ssdlite320_mobilenet_v3_large=((320, 320), (320, 320)))
DETECTORS = [name for name in PAIRS if not name.startswith('keypoint')]


@pytest.fixture(scope='module')
def pair(request, neon_root):
    """(torchvision's model for the detplug config ``request.param`` (``TORCHVISION_MODELS``,
    the pairs the benchmarks time) with random weights calibrated on the images, detplug's
    with them converted (``plugins.converters.torchvision``, what the tool calls), the
    images). One pair at a time: pytest orders the tests by it and builds each once."""
    from plugins.converters.torchvision import convert
    images = _images(neon_root, PAIRS[request.param])
    tv = TORCHVISION_MODELS[request.param][0]([img for img, _ in images])
    det = MODELS.build(Config.fromfile(model_cfg(request.param)).model)
    det.load_state_dict(convert(tv.state_dict()))
    return tv, det.eval(), images


def _outputs(pair):
    """torchvision's and detplug's inference outputs on the pair's images."""
    tv, det, images = pair
    with torch.no_grad():
        return tv([to_torchvision_input(img) for img, _ in images]), \
            det.test_step(_detplug_batch(images))


@pytest.mark.parametrize('pair', DETECTORS, indirect=True)
def test_eval_detections_match(pair):
    for t, d in zip(*_outputs(pair)):
        pred = d.pred_instances
        assert len(t['boxes']) >= 20, 'random weights should still give detections'
        assert len(set(t['labels'].tolist())) >= 5, 'and of several classes'
        assert len(pred) == len(t['boxes'])
        box_diff = (pred.bboxes - t['boxes']).abs().max().item()
        score_diff = (pred.scores - t['scores']).abs().max().item()
        print(f'{len(pred)} detections: max |box diff| {box_diff:.2e} px, '
              f'max |score diff| {score_diff:.2e}')
        assert torch.equal(pred.labels + 1, t['labels'])
        assert box_diff <= 1e-3 and score_diff <= 1e-4


@pytest.mark.parametrize('pair', ['mask_rcnn_r50_fpn', 'mask_rcnn_r50_fpn_v2'], indirect=True)
def test_mask_rcnn_masks_match(pair):
    """The pasted masks (torchvision's probabilities > 0.5) of every detection."""
    for t, d in zip(*_outputs(pair)):
        ours, theirs = d.pred_instances.masks, t['masks'][:, 0] > 0.5
        assert ours.shape == theirs.shape
        inter = (ours & theirs).flatten(1).sum(1).double()
        union = (ours | theirs).flatten(1).sum(1).double()
        iou = torch.where(union > 0, inter / union.clamp(min=1), 1.0)
        print(f'{len(iou)} masks ({int(theirs.flatten(1).sum(1).median())} px median): '
              f'mask IoU min {iou.min():.6f}, {int((iou < 1).sum())} not identical')
        assert (union > 0).sum() >= 10 and iou.min() >= 0.999


@pytest.mark.parametrize('pair', ['mask_rcnn_r50_fpn'], indirect=True)
def test_mask_head_with_torchvision_old_names_converts_alike(pair):
    """The published v1 file names the mask convs mask_fcn1-4 (torchvision renames them
    when it loads; so does the converter)."""
    import re
    from plugins.converters.torchvision import convert
    new = pair[0].state_dict()
    old = {re.sub(r'mask_head\.(\d)\.0\.', lambda m: f'mask_head.mask_fcn{int(m[1]) + 1}.', k): v
           for k, v in new.items()}
    assert 'roi_heads.mask_head.mask_fcn4.bias' in old
    a, b = convert(new), convert(old, coco80=False)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert convert(new, coco80=True)['roi_head.mask_head.conv_logits.weight'].shape[0] == 80


@pytest.mark.parametrize('pair', ['keypoint_rcnn_r50_fpn'], indirect=True)
def test_keypoint_rcnn_keypoints_match(pair):
    """Same detections, and per detection the same 17 keypoints and scores."""
    for t, d in zip(*_outputs(pair)):
        pred = d.pred_instances
        assert len(t['boxes']) >= 20 and len(pred) == len(t['boxes'])
        box_diff = (pred.bboxes - t['boxes']).abs().max().item()
        kp_diff = (pred.keypoints - t['keypoints']).abs().max().item()
        score_diff = (pred.keypoint_scores - t['keypoints_scores']).abs().max().item()
        print(f'{len(pred)} detections: boxes {box_diff:.2e} px, {pred.keypoints.shape[1]} '
              f'keypoints each: {kp_diff:.2e} px, keypoint scores {score_diff:.2e}')
        assert box_diff <= 1e-3 and kp_diff <= 1e-2 and score_diff <= 1e-4


def _assert_same_losses(tv, det, images, pairs, frozen_bn=False, extra=None):
    """Both models in train mode on the same images and targets; ``pairs`` maps
    torchvision's loss names to detplug's. ``frozen_bn``: every BatchNorm in eval mode, as
    in torchvision's published R-CNNs (FrozenBatchNorm2d in v1's backbone). ``extra``:
    gt masks or keypoints too (``_ground_truth``)."""
    det.train()
    tv.train()
    for m in [*tv.modules(), *det.modules()] if frozen_bn else []:
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()
    targets = [dict(gt, boxes=b, labels=gt['labels'] + 1)
               for img, b in images for gt in [_ground_truth(img, b, extra)]]
    with torch.no_grad():
        tv_losses = tv([to_torchvision_input(img) for img, _ in images], targets)
        det_losses = det(**det.data_preprocessor(_detplug_batch(images, extra), True),
                         mode='loss')
    for tv_name, det_name in pairs.items():
        a, b = tv_losses[tv_name].item(), det_losses[det_name].item()
        print(f'{tv_name} {a:.6f} vs {det_name} {b:.6f}')
        assert b == pytest.approx(a, rel=1e-5, abs=1e-6)


@pytest.mark.parametrize('pair', [
    'faster_rcnn_r50_fpn', 'faster_rcnn_r50_fpn_v2', 'faster_rcnn_mobilenet_v3_large_fpn',
    'mask_rcnn_r50_fpn', 'mask_rcnn_r50_fpn_v2', 'keypoint_rcnn_r50_fpn'], indirect=True)
def test_train_losses_match_when_every_sample_is_taken(pair, request):
    """Samplers take every positive and negative, so no random draw differs. (Runs after
    the pair's inference tests: it leaves the models in train mode.)"""
    tv, det, images = pair
    name = request.node.callspec.params['pair']
    extra = 'masks' if name.startswith('mask') else \
        'keypoints' if name.startswith('keypoint') else None
    tv.rpn.fg_bg_sampler.batch_size_per_image = 10**7
    tv.roi_heads.fg_bg_sampler.batch_size_per_image = 10**7
    det.rpn_head.sampler.num = det.roi_head.sampler.num = 10**7
    tv.transform.min_size = tv.transform.min_size[-1:]  # Keypoint R-CNN trains at 640-800
    branch = {'masks': dict(loss_mask='loss_mask'),
              'keypoints': dict(loss_keypoint='loss_keypoint')}.get(extra, {})
    _assert_same_losses(tv, det, images, dict(
        loss_objectness='loss_rpn_cls', loss_rpn_box_reg='loss_rpn_bbox',
        loss_classifier='loss_cls', loss_box_reg='loss_bbox', **branch), frozen_bn=True,
        extra=extra)


@pytest.mark.parametrize('pair', ['retinanet_r50_fpn', 'retinanet_r50_fpn_v2'], indirect=True)
def test_retinanet_train_losses_match(pair):
    """No sampling: every anchor's focal loss and every positive's box loss (v1 L1 on
    deltas, v2 GIoU on the decoded boxes), per image."""
    tv, det, images = pair
    v2 = any(isinstance(m, torch.nn.GroupNorm) for m in tv.head.modules())
    assert tv.head.regression_head._loss_type == ('giou' if v2 else 'l1')
    _assert_same_losses(tv, det, images, dict(classification='loss_cls',
                                              bbox_regression='loss_bbox'), frozen_bn=True)


@pytest.mark.parametrize('pair', ['fcos_r50_fpn'], indirect=True)
def test_fcos_train_losses_match(pair):
    """Centre sampling and the size ranges are exact: focal, GIoU and centre-ness losses."""
    tv, det, images = pair
    _assert_same_losses(tv, det, images, dict(classification='loss_cls',
                                              bbox_regression='loss_bbox',
                                              bbox_ctrness='loss_centerness'), frozen_bn=True)


@pytest.mark.parametrize('pair', ['ssd300_vgg16', 'ssdlite320_mobilenet_v3_large'],
                         indirect=True)
def test_ssd_train_losses_match(pair):
    """SSD samples nothing at random: matching and hard negative mining are exact."""
    tv, det, images = pair
    _assert_same_losses(tv, det, images, dict(classification='loss_cls',
                                              bbox_regression='loss_bbox'))


@pytest.mark.parametrize('pair', ['ssd300_vgg16'], indirect=True)
def test_ssd_coco80_keeps_80_classes_per_prior(pair):
    from plugins.converters.torchvision import convert, num_classes_of
    tv, _, _ = pair
    out = convert(tv.state_dict(), coco80=True)
    assert num_classes_of(out) == 80
    w_tv = tv.head.classification_head.module_list[1].weight  # 6 priors x 91
    w = out['bbox_head.cls_convs.1.weight']
    assert w.shape[0] == 6 * 81
    # prior 1's class 'person' (id 1) -> row 81 (detplug label 0); background -> row 81 + 80
    assert torch.equal(w[81], w_tv[91 + 1]) and torch.equal(w[81 + 80], w_tv[91])


@pytest.mark.parametrize('name', ['fcn_r50_d8', 'deeplabv3_r50_d8', 'fcn_r101_d8',
                                  'deeplabv3_r101_d8', 'deeplabv3_mobilenet_v3_large',
                                  'lraspp_mobilenet_v3_large'])
def test_segmentation_logits_match(name, neon_root):
    from plugins.testing.model_pairs import detplug_logits, normalised, random_pair
    image = cv2.imread(osp.join(neon_root, 'val', 'OSBS_029.png'))[:200, :264]  # not square
    tv, det = random_pair(name, [image, cv2.flip(image, 1)])
    with torch.no_grad():
        t = tv(normalised(det, image)[0])['out'][0]
        d = detplug_logits(det, image)
    diff = (t - d).abs().max().item()
    print(f'{name}: logits {tuple(d.shape)}, spread {t.std().item():.3f}, max |diff| {diff:.2e}')
    assert t.std() > 0.1 and diff <= 1e-4
