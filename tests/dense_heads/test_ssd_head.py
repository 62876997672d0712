import pytest
import torch

from plugins.dense_heads import SSDHead
from tests.conftest import make_sample


def build_head(separable=False, num_classes=3):
    return SSDHead(num_classes=num_classes, in_channels=[8, 16], separable=separable,
                   prior_generator=dict(type='SSDPriorGenerator', input_size=(64, 64),
                                        steps=[8, 16], ratios=[[2], [2, 3]],
                                        scales=[0.2, 0.4, 0.8]))


@pytest.mark.parametrize('separable', [False, True])
def test_forward_shapes(separable):
    head = build_head(separable)
    feats = [torch.rand(2, 8, 8, 8), torch.rand(2, 16, 4, 4)]
    logits, deltas = head(feats)
    assert [tuple(t.shape) for t in logits] == [(2, 4 * 4, 8, 8), (2, 6 * 4, 4, 4)]
    assert [tuple(t.shape) for t in deltas] == [(2, 4 * 4, 8, 8), (2, 6 * 4, 4, 4)]
    if separable:
        assert head.cls_convs[0][0].groups == 8


def test_loss_with_empty_and_one_box():
    head = build_head()
    feats = [torch.rand(2, 8, 8, 8, requires_grad=True), torch.rand(2, 16, 4, 4)]
    losses = head.loss_by_feat(head(feats),
                               [make_sample([]), make_sample([[10., 12, 30, 34]], [2])])
    assert set(losses) == {'loss_cls', 'loss_bbox'}
    assert losses['loss_bbox'] > 0 and losses['loss_cls'] > 0
    sum(losses.values()).backward()
    assert feats[0].grad.abs().sum() > 0
    empty = head.loss_by_feat(head(feats), [make_sample([]), make_sample([])])
    assert empty['loss_cls'] == 0 and empty['loss_bbox'] == 0  # no positives, no mined negatives


def test_loss_is_the_positives_and_three_times_as_many_negatives():
    head = build_head(num_classes=1)
    feats = [torch.zeros(1, 8, 8, 8), torch.zeros(1, 16, 4, 4)]
    for conv in list(head.cls_convs) + list(head.reg_convs):  # every prior: logits (0, 0)
        torch.nn.init.zeros_(conv.weight)
        torch.nn.init.zeros_(conv.bias)
    sample = make_sample([[16., 16, 28.8, 28.8]])  # exactly the prior of cell (2, 2), level 0
    losses = head.loss_by_feat(head(feats), [sample])
    priors = torch.cat(head.prior_generator.grid_anchors([(8, 8), (4, 4)]))
    num_pos = int((head.assigner.assign(priors, sample.gt_instances.bboxes,
                                        sample.gt_instances.labels).gt_inds > 0).sum())
    ce = torch.log(torch.tensor(2.0))  # every prior's CE with equal logits
    expected = (num_pos + 3 * num_pos) * ce / num_pos
    assert losses['loss_cls'].item() == pytest.approx(expected.item())


def test_predict_filters_and_labels():
    head = build_head(num_classes=2).eval()
    feats = [torch.rand(1, 8, 8, 8), torch.rand(1, 16, 4, 4)]
    head.test_cfg.update(nms_pre=5, max_per_img=7)
    (result,) = head.predict_by_feat(head(feats), [make_sample([])])
    assert len(result) <= 7 and set(result.labels.tolist()) <= {0, 1}
    assert (result.scores > head.test_cfg['score_thr']).all()
    assert (result.scores[:-1] >= result.scores[1:]).all()
    assert (result.bboxes >= 0).all() and (result.bboxes <= 64).all()


def test_predict_is_torchvisions_per_class_loop():
    """Per class the nms_pre best above the threshold, NMS per class, the best overall:
    torchvision's SSD postprocess written as its loop, on 320 priors x 5 classes."""
    from torchvision.ops import batched_nms

    from plugins.dense_heads.utils import flatten_levels
    torch.manual_seed(0)
    head = build_head(num_classes=5).eval()
    head.test_cfg.update(score_thr=0.1, nms_pre=30, max_per_img=40)
    outs = head([torch.rand(1, 8, 8, 8) * 4, torch.rand(1, 16, 4, 4) * 4])
    (result,) = head.predict_by_feat(outs, [make_sample([])])
    probs = flatten_levels(outs[0], 6).softmax(-1)[0]
    sample = make_sample([])
    boxes = head.bbox_coder.decode(torch.cat(head.priors(outs[0], [sample])),
                                   flatten_levels(outs[1], 4)[0], sample.metainfo['img_shape'])
    kept_boxes, kept_scores, kept_labels = [], [], []
    for c in range(5):
        above = torch.nonzero(probs[:, c] > 0.1).squeeze(1)
        best = probs[above, c].topk(min(30, len(above))).indices
        kept_boxes.append(boxes[above[best]])
        kept_scores.append(probs[above[best], c])
        kept_labels.append(torch.full((len(best),), c))
    b, s, lab = torch.cat(kept_boxes), torch.cat(kept_scores), torch.cat(kept_labels)
    keep = batched_nms(b, s, lab, head.test_cfg['iou_threshold'])[:40]
    assert len(b) > 40 and len(keep) == 40  # the top-k, the threshold and the cut all matter
    assert torch.equal(result.bboxes, b[keep]) and torch.equal(result.scores, s[keep])
    assert torch.equal(result.labels, lab[keep])


def test_mismatched_levels_are_named():
    with pytest.raises(ValueError, match='2 levels'):
        SSDHead(num_classes=1, in_channels=[8, 16, 32],
                prior_generator=dict(type='SSDPriorGenerator', input_size=(64, 64),
                                     steps=[8, 16], ratios=[[2], [2]]))
