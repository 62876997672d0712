"""Parity with torchvision's one-stage detectors (retinanet_resnet50_fpn and _v2,
fcos_resnet50_fpn, ssd300_vgg16, ssdlite320_mobilenet_v3_large) and its segmentation
models (tests/tools/parity.py: how the pairs are made)."""
import os.path as osp

import cv2
import pytest
import torch

from tests.tools.parity import assert_same_losses, check_detections, halved

DENSE = ['retinanet_r50_fpn', 'retinanet_r50_fpn_v2', 'fcos_r50_fpn', 'ssd300_vgg16',
         'ssdlite320_mobilenet_v3_large']


@pytest.mark.parametrize('pair', DENSE, indirect=True)
def test_eval_detections_match(pair):
    check_detections(pair)


@pytest.mark.parametrize('pair', ['retinanet_r50_fpn', 'retinanet_r50_fpn_v2'], indirect=True)
def test_retinanet_train_losses_match(pair):
    """No sampling: every anchor's focal loss and every positive's box loss (v1 L1 on
    deltas, v2 GIoU on the decoded boxes), per image."""
    tv, det, images = pair
    v2 = any(isinstance(m, torch.nn.GroupNorm) for m in tv.head.modules())
    assert tv.head.regression_head._loss_type == ('giou' if v2 else 'l1')
    assert_same_losses(tv, det, halved(tv, images), dict(
        classification='loss_cls', bbox_regression='loss_bbox'), frozen_bn=True)


@pytest.mark.parametrize('pair', ['fcos_r50_fpn'], indirect=True)
def test_fcos_train_losses_match(pair):
    """Centre sampling and the size ranges are exact: focal, GIoU and centre-ness losses."""
    tv, det, images = pair
    assert_same_losses(tv, det, halved(tv, images), dict(
        classification='loss_cls', bbox_regression='loss_bbox',
        bbox_ctrness='loss_centerness'), frozen_bn=True)


@pytest.mark.parametrize('pair', ['ssd300_vgg16', 'ssdlite320_mobilenet_v3_large'],
                         indirect=True)
def test_ssd_train_losses_match(pair):
    """SSD samples nothing at random: matching and hard negative mining are exact."""
    tv, det, images = pair
    assert_same_losses(tv, det, images, dict(classification='loss_cls',
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
