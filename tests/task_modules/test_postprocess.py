import pytest
import torch

from plugins.errors import ConfigError
from plugins.task_modules.postprocess import NMS_DEFAULTS, multiclass_nms, nms_config


def boxes_scores():
    boxes = torch.tensor([[0., 0, 10, 10], [1, 1, 10, 10], [0, 0, 10, 10], [20, 20, 20.5, 30],
                          [30, 30, 40, 40]])
    scores = torch.tensor([0.9, 0.8, 0.7, 0.6, 0.05])
    groups = torch.tensor([0, 0, 1, 1, 1])
    return boxes, scores, groups


def test_nms_per_group_and_order():
    boxes, scores, groups = boxes_scores()
    keep = multiclass_nms(boxes, scores, groups, nms_config(dict(iou_threshold=0.5), 't'))
    # box 1 overlaps box 0 of its group; box 2 is the same box but another group
    assert keep.tolist() == [0, 2, 3, 4]


def test_threshold_top_k_min_size_and_max():
    boxes, scores, groups = boxes_scores()
    cfg = nms_config(dict(score_thr=0.1, iou_threshold=1.0), 't')
    assert multiclass_nms(boxes, scores, groups, cfg).tolist() == [0, 1, 2, 3]
    cfg.update(nms_pre=1)  # the best of each group
    assert multiclass_nms(boxes, scores, groups, cfg).tolist() == [0, 2]
    cfg.update(nms_pre=None, min_size=1.0)  # box 3 is 0.5 px wide
    assert multiclass_nms(boxes, scores, groups, cfg).tolist() == [0, 1, 2]
    cfg.update(max_per_img=2)
    assert multiclass_nms(boxes, scores, groups, cfg).tolist() == [0, 1]


def test_empty_and_one_box():
    cfg = nms_config(dict(score_thr=0.1, nms_pre=3, min_size=1), 't')
    empty = multiclass_nms(torch.zeros(0, 4), torch.zeros(0), torch.zeros(0, dtype=torch.long), cfg)
    assert empty.shape == (0,)
    one = multiclass_nms(torch.tensor([[0., 0, 5, 5]]), torch.tensor([0.5]),
                         torch.tensor([2]), cfg)
    assert one.tolist() == [0]


def test_config_schema():
    assert nms_config(None, 't') == NMS_DEFAULTS
    with pytest.raises(ConfigError, match='RPNHead test_proposals: unknown key "nms_pree"'):
        nms_config(dict(nms_pree=10), 'RPNHead test_proposals')


def test_threaded_batched_nms_equals_torchvisions():
    """Many boxes in 90 groups (SSD's case) on several threads: the same indices in the
    same order, ties of score included."""
    from torchvision.ops import batched_nms as torchvision_batched_nms

    from plugins.task_modules.postprocess import batched_nms
    torch.manual_seed(0)
    xy = torch.rand(6000, 2) * 200
    boxes = torch.cat([xy, xy + torch.rand(6000, 2) * 40 + 1], 1)
    scores = (torch.rand(6000) * 20).round() / 20  # many equal scores
    groups = torch.randint(0, 90, (6000,))
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        keep = batched_nms(boxes, scores, groups, 0.45)
    finally:
        torch.set_num_threads(threads)
    assert torch.equal(keep, torchvision_batched_nms(boxes, scores, groups, 0.45))


def test_nms_pre_keeps_the_best_of_each_group_as_a_topk_per_group_would():
    from plugins.task_modules.postprocess import _best_per_group
    g = torch.Generator().manual_seed(0)
    scores = torch.rand(5000, generator=g)
    groups = torch.randint(0, 7, (5000,), generator=g)
    groups[groups == 3] = 4  # a group without members
    keep = _best_per_group(scores, groups, 300, 7)
    expected = [i for c in range(7) for i in
                torch.nonzero(groups == c).squeeze(1)[scores[groups == c].topk(
                    min(300, int((groups == c).sum()))).indices].tolist()]
    assert keep.tolist() == expected  # group by group, best first
    small = _best_per_group(scores[:5], groups[:5], 300, 7)  # fewer than k: all kept
    assert sorted(small.tolist()) == [0, 1, 2, 3, 4]
    logits = torch.tensor([-3., 5, 2, -1, 40])  # any range of scores, not only [0, 1]
    assert _best_per_group(logits, torch.tensor([1, 0, 0, 1, 1]), 2, 2).tolist() == [1, 2, 4, 3]
    assert _best_per_group(torch.zeros(0), torch.zeros(0, dtype=torch.long), 2, 2).numel() == 0


@pytest.mark.parametrize('ties', [False, True])
def test_max_per_img_from_the_best_candidates_equals_nms_of_all(ties):
    """NMS on the best candidates first (grown until max_per_img survive) keeps what NMS of
    all of them keeps, best first; with tied scores, boxes of the same scores, and where
    they tie at the cut, the very boxes (NMS of all decides)."""
    from torchvision.ops import batched_nms as torchvision_batched_nms
    g = torch.Generator().manual_seed(1)
    for n, iou, most in [(9000, 0.45, 200), (3000, 0.9, 50), (5000, 0.7, 1000), (300, 0.5, 5)]:
        xy = torch.rand(n, 2, generator=g) * 300
        boxes = torch.cat([xy, xy + torch.rand(n, 2, generator=g) * 40 + 1], 1)
        scores = torch.rand(n, generator=g)
        scores = (scores * 20).round() / 20 if ties else scores
        groups = torch.randint(0, 90, (n,), generator=g)
        keep = multiclass_nms(boxes, scores, groups,
                              nms_config(dict(iou_threshold=iou, max_per_img=most), 't'))
        every = torchvision_batched_nms(boxes, scores, groups, iou)
        assert len(keep) == min(most, len(every))
        assert torch.equal(scores[keep], scores[every[:most]])
        cut_tie = len(every) > most and scores[every[most - 1]] == scores[every[most]]
        assert torch.equal(keep, every[:most]) or (ties and not cut_tie)
        assert set(keep.tolist()) <= set(every.tolist())
    # 4,000 boxes jittered around 80 places, 2 groups: NMS keeps 156 of them, fewer than 150
    # of the best 300, so the candidates must grow
    centres = (torch.rand(80, 2, generator=g) * 500).repeat(50, 1)
    xy = centres + torch.rand(4000, 2, generator=g) * 3
    boxes, scores = torch.cat([xy, xy + 30], 1), torch.rand(4000, generator=g)
    groups = torch.randint(0, 2, (4000,), generator=g)
    keep = multiclass_nms(boxes, scores, groups, nms_config(dict(max_per_img=150), 't'))
    assert torch.equal(keep, torchvision_batched_nms(boxes, scores, groups, 0.5)[:150])
