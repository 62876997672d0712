import pytest
import torch
from mmengine.structures import InstanceData

from plugins.registry import MODELS
from plugins.roi_heads import BBoxHead, RoIExtractor, StandardRoIHead
from tests.conftest import make_sample


@pytest.mark.parametrize('layer', ['RoIPool', 'RoIAlign'])
def test_extractor_swaps_layer_by_type(layer):
    ext = RoIExtractor(roi_layer=dict(type=layer, output_size=3), featmap_strides=[4])
    assert type(ext.layers[0]).__name__ == layer
    feat = torch.arange(16.).reshape(1, 1, 4, 4).repeat(1, 2, 1, 1)
    out = ext([feat], torch.tensor([[0., 0, 0, 16, 16]]))
    assert out.shape == (1, 2, 3, 3)


def test_roipool_quantises_and_roialign_does_not():
    feat = torch.arange(64.).reshape(1, 1, 8, 8)
    roi = torch.tensor([[0., 2.6, 2.6, 9.4, 9.4]])  # stride 2: a box off the cell grid
    pool = RoIExtractor(dict(type='RoIPool', output_size=1), [2])([feat], roi)
    align = RoIExtractor(dict(type='RoIAlign', output_size=1), [2])([feat], roi)
    assert pool.item() != pytest.approx(align.item())


def test_multi_level_mapping():
    ext = RoIExtractor(dict(type='RoIAlign', output_size=2), featmap_strides=[4, 8, 16, 32])
    rois = torch.tensor([[0., 0, 0, 50, 50], [0, 0, 0, 150, 150], [0, 0, 0, 300, 300],
                         [0, 0, 0, 900, 900]])
    assert ext.map_levels(rois).tolist() == [0, 1, 2, 3]
    feats = [torch.full((1, 1, 256 // s, 256 // s), float(i)) for i, s in enumerate([4, 8, 16, 32])]
    out = ext(feats, torch.tensor([[0., 0, 0, 40, 40], [0, 0, 0, 250, 250]]))
    assert out[0].mean().item() == 0 and out[1].mean().item() == 2


def test_multi_level_training_on_bf16_features():
    # bf16 training: the backbone's maps are bf16, RoIAlign pools in fp32 for its backward
    ext = RoIExtractor(dict(type='RoIAlign', output_size=2), featmap_strides=[4, 8])
    feats = [torch.ones(1, 2, 128 // s, 128 // s, dtype=torch.bfloat16, requires_grad=True)
             for s in (4, 8)]
    out = ext(feats, torch.tensor([[0., 0, 0, 20, 20], [0, 0, 0, 120, 120]]))  # P2, P3
    out.sum().backward()
    assert out.shape == (2, 2, 2, 2) and (out == 1).all()
    assert all(f.grad.abs().sum() > 0 for f in feats)


def build_roi_head(layer='RoIAlign'):
    return StandardRoIHead(
        roi_extractor=dict(type='RoIExtractor', roi_layer=dict(type=layer, output_size=3),
                           featmap_strides=[8]),
        bbox_head=dict(type='BBoxHead', num_classes=2, in_channels=4, roi_size=3,
                       fc_channels=16),
        assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.5,
                      match_low_quality=False),
        sampler=dict(type='RandomSampler', num=16, pos_fraction=0.25))


@pytest.mark.parametrize('layer', ['RoIPool', 'RoIAlign'])
def test_roi_head_loss_empty_and_one_box(layer):
    head = build_roi_head(layer)
    feats = [torch.rand(2, 4, 8, 8, requires_grad=True)]
    proposals = [InstanceData(bboxes=torch.tensor([[0., 0, 20, 20], [30, 30, 60, 60]]))] * 2
    samples = [make_sample([]), make_sample([[28., 30, 58, 62]], [1])]
    losses = head.loss(feats, proposals, samples)
    assert set(losses) == {'loss_cls', 'loss_bbox'} and losses['loss_bbox'] > 0
    sum(losses.values()).backward()
    empty = head.loss(feats, [InstanceData(bboxes=torch.zeros(0, 4))], [make_sample([])])
    assert empty['loss_bbox'].item() == 0


@pytest.mark.parametrize('num_convs,num_fcs', [(0, 2), (2, 1)])
def test_bbox_head_shapes_with_convs_and_fcs(num_convs, num_fcs):
    head = BBoxHead(num_classes=3, in_channels=4, roi_size=3, fc_channels=16, num_fcs=num_fcs,
                    num_convs=num_convs, conv_channels=6, norm_cfg=dict(type='BN'))
    scores, deltas = head(torch.rand(5, 4, 3, 3))
    assert scores.shape == (5, 4) and deltas.shape == (5, 12)
    assert len(head.shared_convs) == num_convs and len(head.shared_fcs) == 2 * num_fcs
    assert head.shared_fcs[0].in_features == (6 if num_convs else 4) * 9
    assert head(torch.rand(0, 4, 3, 3))[0].shape == (0, 4)  # no RoIs


def test_bbox_head_predict_filters_and_labels():
    head = BBoxHead(num_classes=2, in_channels=1, roi_size=1, fc_channels=4,
                    test_cfg=dict(score_thr=0.5, max_per_img=5))
    scores = torch.tensor([[10., 0, 0], [0, 0, 10], [0, 0, 0]])  # class 0, background, none
    deltas = torch.zeros(3, 8)
    rois = torch.tensor([[0., 0, 10, 10], [5, 5, 15, 15], [20, 20, 30, 30]])
    pred = head.predict(scores, deltas, rois, (64, 64))
    assert pred.labels.tolist() == [0] and pred.bboxes.tolist() == [[0., 0, 10, 10]]
    assert head.predict(scores[:0], deltas[:0], rois[:0], (64, 64)).bboxes.shape == (0, 4)
    head.test_cfg.update(score_thr=0.0, max_per_img=10)  # every (RoI, class) pair
    pred = head.predict(scores, deltas, rois, (64, 64))
    assert sorted(zip(pred.labels.tolist(), pred.bboxes[:, 0].tolist())) == [
        (0, 0.), (0, 5.), (0, 20.), (1, 0.), (1, 5.), (1, 20.)]


def test_class_specific_regression_targets_only_gt_class():
    head = BBoxHead(num_classes=2, in_channels=1, roi_size=1, fc_channels=4)
    deltas = torch.zeros(2, 8, requires_grad=True)
    rois = torch.tensor([[0., 0, 10, 10], [5, 5, 15, 15]])
    losses = head.loss(torch.zeros(2, 3), deltas, rois, torch.tensor([1, 2]),
                       torch.tensor([[1., 1, 12, 12], [0, 0, 0, 0]]))
    losses['loss_bbox'].backward()
    assert deltas.grad[0, 4:].abs().sum() > 0 and deltas.grad[0, :4].abs().sum() == 0
    assert deltas.grad[1].abs().sum() == 0  # background RoI: no box loss


def test_registered_names():
    assert MODELS.get('StandardRoIHead') is StandardRoIHead


def test_bbox_head_takes_bf16_channels_last_rois_as_they_lie():
    """At inference, bf16 RoIs in channels_last go through the first FC without a
    transpose (its columns reordered once): the same outputs as the flattened NCHW ones,
    and the reordered weight follows a change of the weights."""
    torch.manual_seed(0)
    head = BBoxHead(num_classes=3, in_channels=4, roi_size=3, fc_channels=8).eval()
    x = torch.randn(5, 4, 3, 3)
    with torch.no_grad(), torch.autocast('cpu', torch.bfloat16):
        planar = head(x.bfloat16())
        laid_out = head(x.bfloat16().contiguous(memory_format=torch.channels_last))
        assert head._laid_out is not None
        for a, b in zip(planar, laid_out):
            assert torch.allclose(a.float(), b.float(), atol=0.05)
    with torch.no_grad():
        head.shared_fcs[0].weight.mul_(2)  # outside autocast, which caches its casts
    with torch.no_grad(), torch.autocast('cpu', torch.bfloat16):
        again = head(x.bfloat16().contiguous(memory_format=torch.channels_last))
        assert not torch.allclose(again[0].float(), laid_out[0].float(), atol=0.05)
        assert torch.allclose(again[0].float(), head(x.bfloat16())[0].float(), atol=0.05)
