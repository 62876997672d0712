import pytest
import torch

from plugins.dense_heads import RetinaHead
from tests.conftest import make_sample


def build_head(num_classes=3, norm_cfg=None, **kw):
    head = RetinaHead(num_classes=num_classes, in_channels=8, feat_channels=8, stacked_convs=2,
                      norm_cfg=norm_cfg,
                      anchor_generator=dict(type='AnchorGenerator', strides=[8, 16],
                                            ratios=[0.5, 1.0, 2.0], scales=[2, 3]), **kw)
    head.init_weights()
    return head


def feats(n=2, requires_grad=False):
    return [torch.rand(n, 8, 8, 8, requires_grad=requires_grad), torch.rand(n, 8, 4, 4)]


@pytest.mark.parametrize('norm_cfg', [None, dict(type='GN', num_groups=4)])
def test_forward_shapes_and_prior_probability(norm_cfg):
    head = build_head(norm_cfg=norm_cfg)
    logits, deltas = head(feats())
    assert [tuple(t.shape) for t in logits] == [(2, 6 * 3, 8, 8), (2, 6 * 3, 4, 4)]
    assert [tuple(t.shape) for t in deltas] == [(2, 6 * 4, 8, 8), (2, 6 * 4, 4, 4)]
    assert isinstance(head.cls_convs[0][1], torch.nn.GroupNorm if norm_cfg else torch.nn.ReLU)
    # every class starts near the prior probability 0.01, so focal loss starts small
    assert logits[0].sigmoid().mean().item() == pytest.approx(0.01, abs=2e-3)


def test_loss_with_empty_and_one_box():
    head = build_head()
    x = feats(requires_grad=True)
    losses = head.loss_by_feat(head(x), [make_sample([]), make_sample([[10., 12, 30, 34]], [2])])
    assert set(losses) == {'loss_cls', 'loss_bbox'}
    assert losses['loss_cls'] > 0 and losses['loss_bbox'] > 0
    sum(losses.values()).backward()
    assert x[0].grad.abs().sum() > 0
    empty = head.loss_by_feat(head(x), [make_sample([]), make_sample([])])
    assert empty['loss_cls'] > 0 and empty['loss_bbox'] == 0  # every anchor a negative


def test_giou_on_decoded_boxes_by_config():
    """v2's box loss: zero deltas decode to the anchors, so the loss is 1 - GIoU of each
    positive anchor with its gt box, averaged over the positives."""
    from torchvision.ops import generalized_box_iou_loss
    head = build_head(reg_decoded_bbox=True, loss_bbox=dict(type='GIoULoss'))
    torch.nn.init.zeros_(head.retina_reg.weight)
    torch.nn.init.zeros_(head.retina_reg.bias)
    sample = make_sample([[10., 12, 30, 34]], [2])
    x = feats(n=1)
    anchors = torch.cat(head.priors(x, [sample]))
    _, pos, _ = head.match(anchors, sample)
    expected = generalized_box_iou_loss(anchors[pos], sample.gt_instances.bboxes.expand(
        len(pos), 4), reduction='mean')
    assert len(pos) and head.loss_by_feat(head(x), [sample])['loss_bbox'].item() == pytest.approx(
        expected.item(), rel=1e-5)


def test_loss_is_focal_loss_per_image_over_its_positives():
    head = build_head(num_classes=1)
    x = feats(n=1)
    sample = make_sample([[8., 8, 24, 24]])  # exactly the 16 px, ratio 1 anchor at (16, 16)
    losses = head.loss_by_feat(head(x), [sample])
    anchors = torch.cat(head.priors(x, [sample]))
    assign = head.assigner.assign(anchors, sample.gt_instances.bboxes,
                                  sample.gt_instances.labels)
    logits = torch.cat([m.permute(0, 2, 3, 1).reshape(-1) for m in head(x)[0]])
    valid, pos = assign.gt_inds >= 0, assign.gt_inds > 0
    from torchvision.ops import sigmoid_focal_loss
    expected = sigmoid_focal_loss(logits[valid], pos[valid].float(), reduction='sum') / pos.sum()
    assert pos.sum() >= 1 and (~valid).sum() > 0  # some anchors ignored (IoU 0.4-0.5)
    assert losses['loss_cls'].item() == pytest.approx(expected.item(), rel=1e-5)


def test_predict_takes_the_best_per_level_then_nms():
    head = build_head(num_classes=2).eval()
    torch.nn.init.normal_(head.retina_cls.bias, 0.0, 2.0)  # confident, varied scores
    head.test_cfg.update(nms_pre=5, max_per_img=7)
    with torch.no_grad():
        (result,) = head.predict_by_feat(head(feats(n=1)), [make_sample([])])
    assert 0 < len(result) <= 7 and set(result.labels.tolist()) <= {0, 1}
    assert (result.scores > head.test_cfg['score_thr']).all()
    assert (result.scores[:-1] >= result.scores[1:]).all()
    assert (result.bboxes >= 0).all() and (result.bboxes <= 64).all()
    head.test_cfg.update(score_thr=0.9999)
    with torch.no_grad():
        (none,) = head.predict_by_feat(head(feats(n=1)), [make_sample([])])
    assert len(none) == 0 and none.bboxes.shape == (0, 4)
