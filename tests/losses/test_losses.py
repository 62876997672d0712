import torch
import torch.nn.functional as F

from plugins.losses import CrossEntropyLoss, L1Loss, SmoothL1Loss


def test_softmax_ce_with_avg_factor_and_weights():
    logits, target = torch.tensor([[2., 0.], [0., 1.]]), torch.tensor([0, 1])
    expected = F.cross_entropy(logits, target, reduction='sum') / 4
    torch.testing.assert_close(CrossEntropyLoss()(logits, target, avg_factor=4), expected)
    weighted = CrossEntropyLoss(class_weight=[0., 1.], loss_weight=2.)(logits, target)
    torch.testing.assert_close(weighted, 2 * F.cross_entropy(logits, target, reduction='none')[1] / 2)


def test_sigmoid_ce():
    logits, target = torch.tensor([0., 3.]), torch.tensor([1, 0])
    torch.testing.assert_close(CrossEntropyLoss(use_sigmoid=True)(logits, target),
                               F.binary_cross_entropy_with_logits(logits, target.float()))


def test_smooth_l1_and_l1_on_empty_input_are_zero():
    for loss in (SmoothL1Loss(beta=1 / 9), L1Loss()):
        empty = torch.zeros(0, 4, requires_grad=True)
        value = loss(empty, torch.zeros(0, 4), avg_factor=8)
        assert value.item() == 0 and value.requires_grad


def test_smooth_l1_beta():
    pred, target = torch.tensor([0.05, 2.0]), torch.zeros(2)
    torch.testing.assert_close(SmoothL1Loss(beta=0.1)(pred, target),
                               torch.tensor((0.5 * 0.05**2 / 0.1 + (2.0 - 0.05)) / 2))
