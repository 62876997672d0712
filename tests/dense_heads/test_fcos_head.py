import pytest
import torch
from torchvision.ops import generalized_box_iou_loss, sigmoid_focal_loss

from plugins.dense_heads import FCOSHead
from tests.conftest import make_sample


def build_head(num_classes=3):
    head = FCOSHead(num_classes=num_classes, in_channels=8, feat_channels=8, stacked_convs=2,
                    norm_cfg=dict(type='GN', num_groups=4),
                    point_generator=dict(type='AnchorGenerator', strides=[8, 16], ratios=[1.0],
                                         sizes=[[8], [16]]))
    head.init_weights()
    return head


def feats(n=2, requires_grad=False):
    return [torch.rand(n, 8, 8, 8, requires_grad=requires_grad), torch.rand(n, 8, 4, 4)]


def test_forward_shapes_layout_and_prior_probability():
    head = build_head()
    logits, distances, centerness = head(feats())
    assert [tuple(t.shape) for t in logits] == [(2, 3, 8, 8), (2, 3, 4, 4)]
    assert [tuple(t.shape) for t in distances] == [(2, 4, 8, 8), (2, 4, 4, 4)]
    assert [tuple(t.shape) for t in centerness] == [(2, 1, 8, 8), (2, 1, 4, 4)]
    assert all((d >= 0).all() for d in distances)  # ReLU'd side distances
    # torchvision's flat tower: conv, norm, ReLU, conv, ...; convs with bias
    assert [type(m).__name__ for m in head.cls_convs] == ['Conv2d', 'GroupNorm', 'ReLU'] * 2
    assert head.cls_convs[0].bias is not None
    assert logits[0].sigmoid().mean().item() == pytest.approx(0.01, abs=2e-3)


def test_loss_with_empty_and_one_box():
    head = build_head()
    x = feats(requires_grad=True)
    losses = head.loss_by_feat(head(x), [make_sample([]), make_sample([[10., 12, 30, 34]], [2])])
    assert set(losses) == {'loss_cls', 'loss_bbox', 'loss_centerness'}
    assert all(v > 0 for v in losses.values())
    sum(losses.values()).backward()
    assert x[0].grad.abs().sum() > 0
    empty = head.loss_by_feat(head(x), [make_sample([]), make_sample([])])
    assert empty['loss_cls'] > 0 and empty['loss_bbox'] == 0 and empty['loss_centerness'] == 0


def test_losses_are_over_the_batch_positives():
    head = build_head(num_classes=1)
    x = feats(n=1)
    sample = make_sample([[4., 4., 28., 20.]])
    losses = head.loss_by_feat(head(x), [sample])
    pts = torch.cat(head.priors(x, [sample]))
    assign = head.assigner.assign(pts, sample.gt_instances.bboxes, sample.gt_instances.labels)
    pos = assign.gt_inds > 0
    logits, distances, ctr = (torch.cat([m.permute(0, 2, 3, 1).reshape(-1, m.shape[1])
                                         for m in maps]) for maps in head(x))
    n = pos.sum()
    assert n >= 2
    expected_cls = sigmoid_focal_loss(logits[:, 0], pos.float(), reduction='sum') / n
    assert losses['loss_cls'].item() == pytest.approx(expected_cls.item(), rel=1e-5)
    boxes = head.bbox_coder.decode(pts[pos], distances[pos])
    expected_box = generalized_box_iou_loss(boxes, sample.gt_instances.bboxes.expand(n, 4),
                                            reduction='sum') / n
    assert losses['loss_bbox'].item() == pytest.approx(expected_box.item(), rel=1e-5)
    # centre-ness target: 1 at the box centre, sqrt(min/max ratios) elsewhere
    assert FCOSHead.centerness_target(torch.tensor([[2., 3., 2., 3.]])).item() == 1.0
    assert FCOSHead.centerness_target(torch.tensor([[1., 2., 3., 2.]])).item() == \
        pytest.approx((1 / 3) ** 0.5)


def test_predict_scores_are_class_times_centerness():
    head = build_head(num_classes=2).eval()
    torch.nn.init.normal_(head.conv_cls.bias, 2.0, 1.0)  # confident classes
    head.test_cfg.update(nms_pre=5, max_per_img=7)
    with torch.no_grad():
        (result,) = head.predict_by_feat(head(feats(n=1)), [make_sample([])])
    assert 0 < len(result) <= 7 and set(result.labels.tolist()) <= {0, 1}
    assert (result.scores > head.test_cfg['score_thr']).all()
    assert (result.scores <= 0.75).all()  # centre-ness logits near 0: sqrt(p * 0.5)
    assert (result.scores[:-1] >= result.scores[1:]).all()
    assert (result.bboxes >= 0).all() and (result.bboxes <= 64).all()
