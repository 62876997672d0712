import math

import pytest
import torch

from plugins.task_modules import SSDPriorGenerator

SSD300 = dict(input_size=(300, 300), steps=[8, 16, 32, 64, 100, 300],
              ratios=[[2], [2, 3], [2, 3], [2, 3], [2], [2]],
              scales=[0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05])


def test_ssd300_counts_and_first_cell():
    gen = SSDPriorGenerator(**SSD300)
    assert gen.num_priors == [4, 6, 6, 6, 4, 4]
    priors = gen.grid_anchors([(38, 38), (19, 19), (10, 10), (5, 5), (3, 3), (1, 1)])
    assert sum(len(p) for p in priors) == 8732  # the paper's count
    first = priors[0][:4]  # cell (0, 0), centre (4, 4): s, s', 2:1, 1:2
    s, s2 = 0.07 * 300, math.sqrt(0.07 * 0.15) * 300
    w, h = s * math.sqrt(2), s / math.sqrt(2)
    expected = [[4 - s / 2, 4 - s / 2, 4 + s / 2, 4 + s / 2],
                [4 - s2 / 2, 4 - s2 / 2, 4 + s2 / 2, 4 + s2 / 2],
                [4 - w / 2, 4 - h / 2, 4 + w / 2, 4 + h / 2],
                [4 - h / 2, 4 - w / 2, 4 + h / 2, 4 + w / 2]]
    assert torch.allclose(first, torch.tensor(expected), atol=1e-4)
    # next cell moves one step right; the last map's one cell is centred, clipped to the image
    assert torch.allclose(priors[0][4:8, 0::2] - first[:, 0::2], torch.full((4, 2), 8.))
    h = 0.87 / math.sqrt(2) * 300  # its 2:1 box is 0.87 * sqrt(2) > 1 wide: clipped to 300
    assert torch.allclose(priors[5][2], torch.tensor([0., 150 - h / 2, 300, 150 + h / 2]))


def test_sizes_from_a_ratio_range_and_no_clip():
    gen = SSDPriorGenerator((100, 100), steps=[10, 50], ratios=[[], []], min_ratio=0.2,
                            max_ratio=0.8, clip=False)
    priors = gen.grid_anchors([(10, 10), (2, 2)])
    sides = [(p[:2, 2] - p[:2, 0]).tolist() for p in priors]
    assert sides[0] == pytest.approx([20, math.sqrt(0.2 * 0.8) * 100])
    assert sides[1] == pytest.approx([80, math.sqrt(0.8) * 100])


def test_batch_input_size_overrides_the_default():
    gen = SSDPriorGenerator((100, 100), steps=[10], ratios=[[]], scales=[0.2, 0.2])
    (priors,) = gen.grid_anchors([(4, 8)], input_size=(40, 80))
    centres = (priors[::2, :2] + priors[::2, 2:]) / 2
    assert centres[:3].tolist() == [[5, 5], [15, 5], [25, 5]]
    assert (priors[0, 2] - priors[0, 0]).item() == pytest.approx(16)  # 0.2 x 80 wide


def test_bad_lengths_are_named():
    with pytest.raises(ValueError, match='one entry per level'):
        SSDPriorGenerator((300, 300), steps=[8, 16], ratios=[[2]])
    with pytest.raises(ValueError, match='scales needs 3 entries'):
        SSDPriorGenerator((300, 300), steps=[8, 16], ratios=[[2], [2]], scales=[0.1, 0.2])
