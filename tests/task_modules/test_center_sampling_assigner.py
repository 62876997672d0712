import torch

from plugins.task_modules import CenterSamplingAssigner


def points(xy, size):
    xy = torch.as_tensor(xy, dtype=torch.float32)
    return torch.cat([xy - size / 2, xy + size / 2], dim=1)


def test_centre_sampling_inside_and_empty():
    a = CenterSamplingAssigner(radius=1.5)
    pri = points([[20, 20], [31, 20], [35, 20], [12, 20]], 8)  # radius 12 around (20, 20)
    gt = torch.tensor([[10., 10., 40., 30.]])  # centre (25, 20)
    r = a.assign(pri, gt, torch.tensor([3]))
    # (35, 20) is 10 from the centre but (12, 20) 13: outside the sampling radius
    assert r.gt_inds.tolist() == [1, 1, 1, 0]
    assert r.labels.tolist() == [3, 3, 3, -1]
    empty = a.assign(pri, gt[:0], torch.zeros(0, dtype=torch.long))
    assert empty.gt_inds.tolist() == [0, 0, 0, 0] and empty.num_gts == 0


def test_size_range_per_level_and_smallest_box_on_a_tie():
    a = CenterSamplingAssigner(radius=10.0)
    # two levels: 8 px priors regress (0, 64), 16 px priors (64, inf)
    pri = torch.cat([points([[50, 50]], 8), points([[50, 50]], 16)])
    small = torch.tensor([[30., 30., 70., 70.]])  # largest side distance 20
    big = torch.tensor([[0., 0., 200., 200.]])  # 150: the coarse level only
    assert a.assign(pri, small, torch.tensor([0])).gt_inds.tolist() == [1, 0]
    assert a.assign(pri, big, torch.tensor([0])).gt_inds.tolist() == [0, 1]
    both = torch.cat([big, small])
    r = a.assign(pri, both, torch.tensor([1, 2]))
    assert r.gt_inds.tolist() == [2, 1] and r.labels.tolist() == [2, 1]
    overlapping = torch.tensor([[20., 20., 80., 80.], [40., 40., 60., 60.]])  # both fit
    assert a.assign(pri, overlapping, torch.tensor([0, 0])).gt_inds[0] == 2  # the smaller
