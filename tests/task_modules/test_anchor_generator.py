import pytest
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


def test_torchvision_rounding_and_input_strides():
    gen = AnchorGenerator(strides=[32, 64], ratios=[0.5, 1.0, 2.0], scales=[8], round_base=True,
                          strides_from_input=True)
    assert torch.equal(gen.base_anchors[0], gen.base_anchors[0].round())
    assert gen.base_anchors[0][0].tolist() == [-181., -91., 181., 91.]  # 256 / sqrt(2) rounded
    # 800 px padded input: P5 has 25 cells (stride 32), P6 13 cells -> stride 800 // 13 = 61
    p5, p6 = gen.grid_anchors([(25, 25), (13, 13)], input_size=(800, 800))
    assert (p6[3] - p6[0]).tolist() == [61., 0, 61, 0]
    assert (p5[3] - p5[0]).tolist() == [32., 0, 32, 0]
    (p6_fixed,) = AnchorGenerator(strides=[64], scales=[8]).grid_anchors([(13, 13)], 'cpu',
                                                                         (800, 800))
    assert (p6_fixed[3] - p6_fixed[0]).tolist() == [64., 0, 64, 0]


def test_sizes_per_level_as_torchvision_retinanet():
    from torchvision.models.detection.retinanet import _default_anchorgen
    sizes = [[32, 40, 50], [64, 80, 101]]
    gen = AnchorGenerator(strides=[8, 16], sizes=sizes, round_base=True)
    assert gen.num_anchors == 9
    tv = _default_anchorgen()
    for base, tv_base in zip(gen.base_anchors, tv.cell_anchors):
        assert torch.equal(base, tv_base)
    with pytest.raises(ValueError, match='one list per level'):
        AnchorGenerator(strides=[8, 16], sizes=[[32, 40], [64]])
