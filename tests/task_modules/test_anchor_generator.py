import torch

from plugins.task_modules import AnchorGenerator


def test_counts_and_order():
    gen = AnchorGenerator(strides=[8, 16], ratios=[0.5, 1.0, 2.0], scales=[2, 4])
    assert gen.num_anchors == 6
    a8, a16 = gen.grid_anchors([(3, 4), (2, 2)])
    assert a8.shape == (3 * 4 * 6, 4) and a16.shape == (2 * 2 * 6, 4)
    # the second cell of row 0 is the first cell shifted by one stride in x
    torch.testing.assert_close(a8[6:12], a8[:6] + torch.tensor([8., 0, 8, 0]))
    # the first cell of row 1 is shifted by one stride in y
    torch.testing.assert_close(a8[24:30], a8[:6] + torch.tensor([0., 8, 0, 8]))


def test_sizes_ratios_and_center_offset():
    gen = AnchorGenerator(strides=[8], ratios=[1.0, 4.0], scales=[4], center_offset=0.5)
    (a,) = gen.grid_anchors([(1, 1)])
    w, h = a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]
    torch.testing.assert_close(w * h, torch.tensor([1024., 1024.]))
    torch.testing.assert_close(h / w, torch.tensor([1.0, 4.0]))
    torch.testing.assert_close((a[:, 0] + a[:, 2]) / 2, torch.tensor([4., 4.]))
