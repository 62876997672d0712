import pytest
import torch

from plugins.task_modules import HardNegativeMiner


def _kept(mask):
    return torch.nonzero(mask).squeeze(1).tolist()


def test_keeps_the_highest_loss_negatives_at_the_ratio():
    loss = torch.tensor([[0.9, 0.1, 5.0, 0.4, 0.3, 2.0, 0.2, 0.8, 0.05, 7.0]])
    pos = torch.zeros_like(loss, dtype=torch.bool)
    pos[0, [2, 9]] = True  # the positives have the highest losses: never kept as negatives
    # 2 positives x 2 = 4 negatives: losses 2.0, 0.9, 0.8, 0.4
    assert _kept(HardNegativeMiner(neg_pos_ratio=2).mine(loss, pos)[0]) == [0, 3, 5, 7]
    # x 3 = 6: adds 0.3 and 0.2
    assert _kept(HardNegativeMiner(neg_pos_ratio=3).mine(loss, pos)[0]) == [0, 3, 4, 5, 6, 7]


def test_each_image_on_its_own_and_fewer_negatives_than_asked():
    loss = torch.tensor([[3.0, 1.0, 2.0, 0.5], [0.1, 0.2, 0.3, 0.4]])
    pos = torch.tensor([[False, False, False, True], [True, True, False, False]])
    neg = HardNegativeMiner(neg_pos_ratio=1).mine(loss, pos)
    assert _kept(neg[0]) == [0]  # 1 positive -> its 1 hardest negative
    assert _kept(neg[1]) == [2, 3]  # 2 positives -> both negatives there are
    assert _kept(HardNegativeMiner(neg_pos_ratio=10).mine(loss, pos)[0]) == [0, 1, 2]


def test_no_positives_keeps_min_neg():
    loss = torch.tensor([[0.5, 0.9, 0.1]])
    none = torch.zeros_like(loss, dtype=torch.bool)
    assert _kept(HardNegativeMiner().mine(loss, none)[0]) == []
    assert _kept(HardNegativeMiner(min_neg=2).mine(loss, none)[0]) == [0, 1]


def test_bad_ratio_is_named():
    with pytest.raises(ValueError, match='neg_pos_ratio'):
        HardNegativeMiner(neg_pos_ratio=-1)
