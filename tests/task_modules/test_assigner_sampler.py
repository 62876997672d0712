import torch

from plugins.task_modules import AssignResult, MaxIoUAssigner, RandomSampler


def test_one_box():
    assigner = MaxIoUAssigner(pos_iou_thr=0.5, neg_iou_thr=0.4, min_pos_iou=0.1)
    priors = torch.tensor([[0., 0, 10, 10], [0, 0, 10, 9], [20, 20, 30, 30], [0, 0, 10, 6]])
    result = assigner.assign(priors, torch.tensor([[0., 0, 10, 10]]), torch.tensor([3]))
    # IoUs 1.0, 0.9, 0, 0.6 -> positive, positive, negative, positive
    assert result.gt_inds.tolist() == [1, 1, 0, 1]
    assert result.labels.tolist() == [3, 3, -1, 3]


def test_ignore_band_and_low_quality_match():
    priors = torch.tensor([[0., 0, 10, 10], [0, 0, 10, 4.5]])
    gt = torch.tensor([[0., 0, 10, 4.5]])
    strict = MaxIoUAssigner(pos_iou_thr=0.7, neg_iou_thr=0.3, match_low_quality=False)
    assert strict.assign(priors[:1], gt, torch.tensor([0])).gt_inds.tolist() == [-1]  # IoU 0.45
    loose = MaxIoUAssigner(pos_iou_thr=0.7, neg_iou_thr=0.3, min_pos_iou=0.3)
    assert loose.assign(priors[:1], gt, torch.tensor([0])).gt_inds.tolist() == [1]


def test_empty_ground_truth_makes_all_negative():
    result = MaxIoUAssigner().assign(torch.rand(5, 4) * 10 + torch.tensor([0., 0, 10, 10]),
                                     torch.zeros(0, 4), torch.zeros(0, dtype=torch.long))
    assert result.gt_inds.tolist() == [0] * 5
    sampled = RandomSampler(num=4, pos_fraction=0.5).sample(result)
    assert sampled.pos_inds.numel() == 0 and sampled.neg_inds.numel() == 4


def test_sampler_fractions_and_bounds():
    gt_inds = torch.tensor([1] * 10 + [0] * 100 + [-1] * 5)

    result = AssignResult(1, gt_inds, torch.zeros(115), torch.zeros(115, dtype=torch.long))
    sampled = RandomSampler(num=32, pos_fraction=0.25).sample(result)
    assert sampled.pos_inds.numel() == 8 and sampled.neg_inds.numel() == 24
    assert (gt_inds[sampled.neg_inds] == 0).all() and (sampled.pos_assigned_gt_inds == 0).all()
    bounded = RandomSampler(num=32, pos_fraction=0.5, neg_pos_ub=1).sample(result)
    assert bounded.pos_inds.numel() == 10 and bounded.neg_inds.numel() == 10


def test_ssd_rule_gives_each_gt_only_its_first_best_prior():
    # gt 0 overlaps priors 0 and 1 equally (IoU 0.25); gt 1 best matches prior 2 (0.3)
    priors = torch.tensor([[0., 0, 10, 10], [0, 0, 10, 10], [20, 20, 30, 30], [50, 50, 60, 60]])
    gts = torch.tensor([[0., 0, 5, 5], [20, 20, 23, 30]])
    ssd = MaxIoUAssigner(pos_iou_thr=0.5, neg_iou_thr=0.5, min_pos_iou=0.0,
                         gt_max_assign_all=False)
    assert ssd.assign(priors, gts, torch.tensor([4, 7])).gt_inds.tolist() == [1, 0, 2, 0]
    rpn = MaxIoUAssigner(pos_iou_thr=0.5, neg_iou_thr=0.5, min_pos_iou=0.0)
    assert rpn.assign(priors, gts, torch.tensor([4, 7])).gt_inds.tolist() == [1, 1, 2, 0]


def test_a_gts_best_prior_goes_to_the_gt_it_overlaps_most():
    """torchvision's Matcher: prior 0 is gt 0's best (IoU 0.25) but overlaps gt 1 more
    (0.4): it becomes positive, matched to gt 1; the SSD rule gives it to gt 0. (Prior 2
    is gt 1's best, 0.67.)"""
    priors = torch.tensor([[0., 0, 10, 10], [50, 50, 60, 60], [2, 0, 12, 4]])
    gts = torch.tensor([[0., 0, 5, 5], [0, 0, 10, 4]])
    rpn = MaxIoUAssigner(pos_iou_thr=0.7, neg_iou_thr=0.3, min_pos_iou=0.0)
    assert rpn.assign(priors, gts, torch.tensor([4, 7])).gt_inds.tolist() == [2, 0, 2]
    ssd = MaxIoUAssigner(pos_iou_thr=0.7, neg_iou_thr=0.3, min_pos_iou=0.0,
                         gt_max_assign_all=False)
    assert ssd.assign(priors, gts, torch.tensor([4, 7])).gt_inds.tolist() == [1, 0, 2]
