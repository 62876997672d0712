"""The RoI head's branches on tiny tensors: the mask head, the keypoint head, their targets."""
import pytest
import torch
from mmengine.structures import InstanceData

from plugins.errors import ConfigError
from plugins.roi_heads import MaskHead, StandardRoIHead
from plugins.task_modules.targets import mask_targets


@pytest.mark.parametrize('norm_cfg', [None, dict(type='BN')])
def test_shapes_loss_and_predict(norm_cfg):
    head = MaskHead(num_classes=3, in_channels=4, conv_channels=8, num_convs=2, norm_cfg=norm_cfg)
    logits = head(torch.randn(5, 4, 7, 7))
    assert logits.shape == (5, 3, 14, 14) and logits.dtype == torch.float32
    labels = torch.tensor([0, 2, 1, 1, 0])
    boxes = torch.tensor([[0., 0, 8, 8], [4, 4, 20, 20], [0, 0, 16, 16], [8, 8, 24, 24],
                          [2, 2, 30, 30]])
    gt = InstanceData(masks=torch.rand(2, 32, 32) > 0.5)
    loss = head.loss(logits, [boxes], labels, [gt], [torch.tensor([0, 1, 0, 1, 1])])['loss_mask']
    loss.backward()
    assert loss > 0 and head.conv_logits.weight.grad.abs().sum() > 0
    results = [InstanceData(bboxes=boxes[:2], labels=labels[:2]),
               InstanceData(bboxes=boxes[2:], labels=labels[2:])]
    head.predict(logits.detach(), results)
    assert results[0].mask_probs.shape == (2, 14, 14) and results[1].mask_probs.shape == (3, 14, 14)
    assert torch.allclose(results[0].mask_probs[1], logits[1, 2].detach().sigmoid())  # own class
    empty = head.loss(logits[:0], [boxes[:0]], labels[:0], [gt], [labels[:0]])
    assert empty['loss_mask'] == 0


def test_targets_are_the_gt_mask_cut_to_each_box():
    gt = torch.zeros(2, 32, 32)
    gt[0, 8:16, 8:16] = 1  # gt 0: a square; gt 1: empty
    boxes = torch.tensor([[8., 8., 16., 16.], [8., 8., 16., 16.], [0., 0., 32., 32.]])
    out = mask_targets(gt, boxes, torch.tensor([0, 1, 0]), 4)
    assert out.shape == (3, 4, 4)
    assert out[0].min() > 0.5 and out[1].max() == 0
    assert out[2, 1, 1] > 0.5 and out[2, 0, 0] < 0.05 and out[2, 3, 3] == 0  # the square: bin 1, 1


def _roi_head(**kw):
    return StandardRoIHead(
        roi_extractor=dict(type='RoIExtractor', roi_layer=dict(type='RoIAlign', output_size=3),
                           featmap_strides=[8]),
        bbox_head=dict(type='BBoxHead', num_classes=2, in_channels=4, roi_size=3, fc_channels=16),
        assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.5,
                      match_low_quality=False),
        sampler=dict(type='RandomSampler', num=16, pos_fraction=0.25), **kw)


MASK_BRANCH = dict(
    mask_roi_extractor=dict(type='RoIExtractor', roi_layer=dict(type='RoIAlign', output_size=4),
                            featmap_strides=[8]),
    mask_head=dict(type='MaskHead', num_classes=2, in_channels=4, conv_channels=8, num_convs=1))


@pytest.mark.parametrize('num_gt', [0, 1])
def test_roi_head_with_masks_trains_and_predicts(num_gt):
    from plugins.structures import DetDataSample, set_predictions
    head = _roi_head(**MASK_BRANCH)
    assert head.branches() == [(head.mask_roi_extractor, head.mask_head)]
    assert head.keypoint_head is None and head.keypoint_roi_extractor is None
    feats = [torch.randn(1, 4, 8, 8)]
    gt_masks = torch.zeros(num_gt, 64, 64, dtype=torch.bool)
    gt_masks[:, 10:30, 10:40] = True
    sample = DetDataSample(metainfo=dict(img_shape=(64, 64), ori_shape=(32, 32),
                                         scale_factor=(2.0, 2.0)))
    sample.gt_instances = InstanceData(bboxes=torch.tensor([[10., 10., 40., 30.]])[:num_gt],
                                       labels=torch.tensor([1])[:num_gt], masks=gt_masks)
    props = [InstanceData(bboxes=torch.tensor([[8., 8., 42., 31.], [40., 40., 60., 60.]]))]
    losses = head.loss(feats, props, [sample])
    assert set(losses) == {'loss_cls', 'loss_bbox', 'loss_mask'}
    assert (losses['loss_mask'] > 0) == bool(num_gt)
    head.eval()
    with torch.no_grad():
        results = head.predict(feats, props, [sample])
    assert results[0].mask_probs.shape == (len(results[0]), 8, 8)
    pred = set_predictions([sample], results)[0].pred_instances
    assert pred.masks.shape == (len(pred), 32, 32) and pred.masks.dtype == torch.bool


def test_mask_branch_config_errors():
    with pytest.raises(ConfigError, match='go together'):
        _roi_head(mask_head=MASK_BRANCH['mask_head'])
    with pytest.raises(ConfigError, match='num_classes=5 but bbox_head.num_classes=2'):
        _roi_head(mask_roi_extractor=MASK_BRANCH['mask_roi_extractor'],
                  mask_head=dict(MASK_BRANCH['mask_head'], num_classes=5))


def test_training_without_gt_masks_names_the_pipeline_option():
    from plugins.structures import DetDataSample
    sample = DetDataSample(metainfo=dict(img_shape=(64, 64)))
    sample.gt_instances = InstanceData(bboxes=torch.tensor([[10., 10., 40., 30.]]),
                                       labels=torch.tensor([1]))
    with pytest.raises(ConfigError, match='with_mask=True'):
        _roi_head(**MASK_BRANCH).loss([torch.randn(1, 4, 8, 8)],
                                      [InstanceData(bboxes=torch.tensor([[8., 8., 42., 31.]]))],
                                      [sample])


def test_keypoint_head_shapes_loss_and_peaks():
    from plugins.roi_heads import KeypointHead
    from plugins.task_modules.targets import keypoint_targets
    head = KeypointHead(num_keypoints=3, in_channels=4, conv_channels=8, num_convs=2)
    logits = head(torch.randn(2, 4, 7, 7))
    assert logits.shape == (2, 3, 28, 28)
    boxes = torch.tensor([[0., 0., 28., 28.], [10., 10., 38., 24.]])
    kps = torch.tensor([[[0.5, 0.5, 2], [27.9, 5.0, 1], [28.0, 28.0, 2]],   # last: on the edge
                        [[5.0, 5.0, 2], [20.0, 20.0, 0], [12.0, 11.0, 2]]])  # outside, hidden
    cells, valid = keypoint_targets(kps, boxes, 28)
    assert valid.tolist() == [[True, True, True], [False, False, True]]
    assert cells[0].tolist() == [0, 5 * 28 + 27, 27 * 28 + 27] and cells[1, 2] == 2 * 28 + 2
    gt = InstanceData(keypoints=kps)
    loss = head.loss(logits, [boxes], torch.zeros(2, dtype=torch.long), [gt],
                     [torch.tensor([0, 1])])['loss_keypoint']
    loss.backward()
    assert loss > 0 and head.deconv.weight.grad.abs().sum() > 0
    peaked = torch.full((1, 3, 28, 28), -10.)
    peaked[0, :, 14, 7] = 10.  # the same cell for every keypoint
    result = [InstanceData(bboxes=boxes[:1], labels=torch.zeros(1, dtype=torch.long))]
    head.predict(peaked, result)
    # cell (x 7, y 14) of a 28 px box at 28 px: centre (7.5, 14.5)
    assert torch.allclose(result[0].keypoints[0, :, :2], torch.tensor([[7.5, 14.5]] * 3))
    assert (result[0].keypoint_scores > 5).all()
    from plugins.structures import DetDataSample, set_predictions
    sample = DetDataSample(metainfo=dict(img_shape=(28, 28), ori_shape=(14, 14),
                                         scale_factor=(2.0, 2.0)))
    pred = set_predictions([sample], result)[0].pred_instances
    assert torch.allclose(pred.keypoints[0, 0], torch.tensor([3.75, 7.25, 1.0]))  # halved
