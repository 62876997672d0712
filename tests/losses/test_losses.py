import pytest
import torch
import torch.nn.functional as F

from plugins.losses import CrossEntropyLoss, FocalLoss, GIoULoss, L1Loss, SmoothL1Loss


def test_softmax_ce_with_avg_factor_and_weights():
    logits, target = torch.tensor([[2., 0.], [0., 1.]]), torch.tensor([0, 1])
    expected = F.cross_entropy(logits, target, reduction='sum') / 4
    torch.testing.assert_close(CrossEntropyLoss()(logits, target, avg_factor=4), expected)
    weighted = CrossEntropyLoss(class_weight=[0., 1.], loss_weight=2.)(logits, target)
    expected = 2 * F.cross_entropy(logits, target, reduction='none')[1] / 2
    torch.testing.assert_close(weighted, expected)


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


def test_ce_ignore_index_counts_nothing():
    from plugins.losses import CrossEntropyLoss
    logits = torch.rand(1, 3, 2, 2)
    target = torch.tensor([[[0, 255], [2, 255]]])
    loss = CrossEntropyLoss(ignore_index=255)(logits, target, avg_factor=2)
    keep = F.cross_entropy(logits, target.clamp(max=2), reduction='none')[0][[0, 1], [0, 0]]
    torch.testing.assert_close(loss, keep.sum() / 2)


def test_dice_loss_perfect_wrong_and_ignored():
    from plugins.losses import DiceLoss
    target = torch.tensor([[[0, 1], [1, 255]]])
    perfect = F.one_hot(target.clamp(max=1), 2).permute(0, 3, 1, 2).float() * 100
    assert DiceLoss(smooth=0)(perfect, target) < 1e-6
    wrong = perfect.flip(1)
    assert DiceLoss(smooth=0)(wrong, target) > 0.99
    # the ignored pixel's prediction does not matter
    other = perfect.clone()
    other[0, :, 1, 1] = torch.tensor([100., -100.])
    torch.testing.assert_close(DiceLoss()(other, target), DiceLoss()(perfect, target))


def test_focal_loss_is_torchvisions_and_down_weights_easy_entries():
    from torchvision.ops import sigmoid_focal_loss
    logits = torch.tensor([[4., -4.], [-4., 0.]])
    target = torch.tensor([[1., 0.], [0., 1.]])
    expected = sigmoid_focal_loss(logits, target, 0.25, 2.0, reduction='sum') / 2
    torch.testing.assert_close(FocalLoss()(logits, target, avg_factor=2), expected)
    plain = FocalLoss(alpha=-1, gamma=0.0)(logits, target)
    torch.testing.assert_close(plain, F.binary_cross_entropy_with_logits(logits, target))
    # the confident, right entries weigh far less than the uncertain one
    per_entry = sigmoid_focal_loss(logits, target, 0.25, 2.0)
    assert per_entry[1, 1] > 100 * per_entry[0, 0]


def test_giou_loss_values_and_empty_input():
    box = torch.tensor([[0., 0., 2., 2.]])
    assert GIoULoss()(box, box).item() == pytest.approx(0.0)
    far = torch.tensor([[4., 0., 6., 2.]])  # IoU 0; enclosing 12, union 8: GIoU = -4/12
    assert GIoULoss()(box, far).item() == pytest.approx(1 + 4 / 12)
    empty = torch.zeros(0, 4, requires_grad=True)
    assert GIoULoss()(empty, empty, avg_factor=0).item() == 0.0
