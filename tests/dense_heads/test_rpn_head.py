import pytest
import torch

from plugins.dense_heads import RPNHead
from tests.conftest import make_sample


def build_head(strides=(8,), num_convs=1):
    return RPNHead(
        in_channels=4, feat_channels=8, num_convs=num_convs,
        anchor_generator=dict(type='AnchorGenerator', strides=list(strides), scales=[2, 4]),
        bbox_coder=dict(type='DeltaXYWHBBoxCoder'),
        assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.7, neg_iou_thr=0.3, min_pos_iou=0.3),
        sampler=dict(type='RandomSampler', num=32, pos_fraction=0.5),
        train_proposals=dict(nms_pre=50, iou_threshold=0.7, max_per_img=20, min_size=0),
        test_proposals=dict(nms_pre=50, iou_threshold=0.7, max_per_img=10, min_size=0))


@pytest.mark.parametrize('strides,num_convs', [((8,), 1), ((8, 16), 1), ((8, 16), 2)])
def test_forward_shapes_per_level(strides, num_convs):
    head = build_head(strides, num_convs)
    assert ('conv.weight' in head.state_dict()) == (num_convs == 1)  # one conv: its plain name
    feats = [torch.rand(2, 4, 64 // s, 64 // s) for s in strides]
    scores, deltas = head(feats)
    for s, d, f in zip(scores, deltas, feats):
        assert s.shape == (2, 6, *f.shape[-2:]) and d.shape == (2, 24, *f.shape[-2:])
    proposals = head.predict_by_feat(head(feats), [make_sample([]), make_sample([])])
    assert all(p.bboxes.shape[1] == 4 and len(p) <= 10 for p in proposals)
    for p in proposals:  # best first, objectness probabilities
        assert (p.scores[:-1] >= p.scores[1:]).all() and ((p.scores >= 0) & (p.scores <= 1)).all()


def test_loss_with_empty_and_one_box():
    head = build_head()
    feats = [torch.rand(2, 4, 8, 8, requires_grad=True)]
    samples = [make_sample([]), make_sample([[10., 12, 40, 44]])]
    losses, proposals = head.loss_and_predict_by_feat(head(feats), samples)
    assert set(losses) == {'loss_rpn_cls', 'loss_rpn_bbox'}
    assert all(torch.isfinite(v) for v in losses.values())
    assert losses['loss_rpn_bbox'] > 0  # the one box has positive anchors
    sum(losses.values()).backward()
    assert feats[0].grad is not None
    assert len(proposals) == 2 and not proposals[0].bboxes.requires_grad


def test_only_empty_ground_truth_gives_zero_box_loss():
    head = build_head()
    losses, _ = head.loss_and_predict_by_feat(head([torch.rand(1, 4, 8, 8)]), [make_sample([])])
    assert losses['loss_rpn_bbox'].item() == 0 and losses['loss_rpn_cls'].item() > 0
