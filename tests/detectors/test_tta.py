import torch
from mmengine.structures import InstanceData

from plugins.detectors.tta import DetTTAModel, unflip
from plugins.structures import DetDataSample

TINY = dict(type='TwoStageDetector',
            backbone=dict(type='ResNet', depth=18, base_channels=8, num_stages=1,
                          out_indices=(0,)),
            rpn_head=dict(type='RPNHead', in_channels=8, feat_channels=8,
                          anchor_generator=dict(type='AnchorGenerator', strides=[4]),
                          bbox_coder=dict(type='DeltaXYWHBBoxCoder'),
                          assigner=dict(type='MaxIoUAssigner'),
                          sampler=dict(type='RandomSampler')))


def _pred(boxes, scores, labels, flip=None):
    meta = dict(ori_shape=(100, 200), flip=flip is not None)
    if flip:
        meta['flip_direction'] = flip
    sample = DetDataSample(metainfo=meta)
    sample.pred_instances = InstanceData(bboxes=torch.tensor(boxes, dtype=torch.float32),
                                         scores=torch.tensor(scores), labels=torch.tensor(labels))
    return sample


def test_unflip_each_direction():
    box = torch.tensor([[10., 20, 30, 60]])
    assert unflip(box, 'horizontal', (100, 200)).tolist() == [[170., 20, 190, 60]]
    assert unflip(box, 'vertical', (100, 200)).tolist() == [[10., 40, 30, 80]]
    assert unflip(box, 'diagonal', (100, 200)).tolist() == [[170., 40, 190, 80]]


def test_merge_undoes_flips_then_nms_per_class():
    model = DetTTAModel(TINY, test_cfg=dict(iou_threshold=0.5))
    plain = _pred([[10., 20, 30, 60], [10, 20, 30, 60]], [0.9, 0.8], [0, 1])
    flipped = _pred([[170., 22, 190, 62]], [0.95], [0], flip='horizontal')
    merged = model.merge_preds([[plain, flipped]])[0].pred_instances
    # class 0: the flipped box (best score) mapped back suppresses the plain one
    assert merged.labels.tolist() == [0, 1]
    assert merged.bboxes.tolist() == [[10., 22, 30, 62], [10, 20, 30, 60]]
    assert torch.allclose(merged.scores, torch.tensor([0.95, 0.8]))


def test_box_voting_averages_by_score_and_keeps_empty():
    model = DetTTAModel(TINY, test_cfg=dict(iou_threshold=0.5), box_voting=True)
    a = _pred([[0., 0, 10, 10]], [0.75], [0])
    b = _pred([[2., 0, 12, 10]], [0.25], [0])
    merged = model.merge_preds([[a, b]])[0].pred_instances
    assert torch.allclose(merged.bboxes, torch.tensor([[0.5, 0, 10.5, 10]]))
    empty = _pred(torch.zeros(0, 4).tolist(), [], [])
    assert len(model.merge_preds([[empty, _pred(torch.zeros(0, 4).tolist(), [], [])]])[0]
               .pred_instances) == 0


def test_masks_are_unflipped_and_kept_with_their_boxes():
    model = DetTTAModel(TINY, test_cfg=dict(iou_threshold=0.5))
    plain = _pred([[10., 20, 30, 60]], [0.5], [0])
    flipped = _pred([[170., 20, 190, 60]], [0.9], [0], flip='horizontal')
    for sample, (x1, x2) in ((plain, (10, 30)), (flipped, (170, 190))):
        masks = torch.zeros(1, 100, 200, dtype=torch.bool)
        masks[0, 20:60, x1:x2] = True
        sample.pred_instances.masks = masks
    merged = model.merge_preds([[plain, flipped]])[0].pred_instances
    assert len(merged) == 1 and abs(merged.scores.item() - 0.9) < 1e-6
    ys, xs = torch.nonzero(merged.masks[0], as_tuple=True)
    assert (xs.min().item(), xs.max().item()) == (10, 29)  # the flipped one, mapped back
