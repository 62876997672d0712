"""Parity with torchvision's Mask R-CNNs (maskrcnn_resnet50_fpn and _v2) and
keypointrcnn_resnet50_fpn: detections, pasted masks, keypoints, training losses
(tests/tools/parity.py: how the pairs are made)."""
import pytest
import torch

from tests.tools.parity import check_detections, check_rcnn_losses, outputs, paired

MASK = ['mask_rcnn_r50_fpn', 'mask_rcnn_r50_fpn_v2']


@pytest.mark.parametrize('pair', MASK, indirect=True)
def test_eval_detections_match(pair):
    check_detections(pair)


@pytest.mark.parametrize('pair', MASK, indirect=True)
def test_mask_rcnn_masks_match(pair):
    """The pasted masks (torchvision's probabilities > 0.5) of every detection."""
    for t, d in zip(*outputs(pair)):
        ours = d.pred_instances.masks[paired(t, d.pred_instances)]
        theirs = t['masks'][:, 0] > 0.5
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
    for t, d in zip(*outputs(pair)):
        pred = d.pred_instances
        assert len(t['boxes']) >= 20 and len(pred) == len(t['boxes'])
        pred = pred[paired(t, pred)]
        box_diff = (pred.bboxes - t['boxes']).abs().max().item()
        kp_diff = (pred.keypoints - t['keypoints']).abs().max().item()
        score_diff = (pred.keypoint_scores - t['keypoints_scores']).abs().max().item()
        print(f'{len(pred)} detections: boxes {box_diff:.2e} px, {pred.keypoints.shape[1]} '
              f'keypoints each: {kp_diff:.2e} px, keypoint scores {score_diff:.2e}')
        assert box_diff <= 1e-3 and kp_diff <= 1e-2 and score_diff <= 1e-4


@pytest.mark.parametrize('pair', MASK, indirect=True)
def test_train_losses_with_masks_match(pair):
    """Every sample taken; the mask loss too. (Last: it leaves the models in train mode.)"""
    check_rcnn_losses(pair, 'masks')


@pytest.mark.parametrize('pair', ['keypoint_rcnn_r50_fpn'], indirect=True)
def test_train_losses_with_keypoints_match(pair):
    check_rcnn_losses(pair, 'keypoints')
