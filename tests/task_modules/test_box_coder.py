import torch

from plugins.task_modules import DeltaXYWHBBoxCoder


def test_round_trip_and_stds():
    coder = DeltaXYWHBBoxCoder(stds=(0.1, 0.1, 0.2, 0.2))
    priors = torch.tensor([[0., 0, 10, 10], [5, 5, 25, 45]])
    gts = torch.tensor([[1., 2, 12, 9], [0, 10, 30, 40]])
    deltas = coder.encode(priors, gts)
    torch.testing.assert_close(deltas[0, 0], torch.tensor((6.5 - 5) / 10 / 0.1))
    torch.testing.assert_close(coder.decode(priors, deltas), gts)


def test_class_specific_deltas_and_clipping():
    coder = DeltaXYWHBBoxCoder()
    priors = torch.tensor([[0., 0, 10, 10]])
    deltas = torch.tensor([[0., 0, 0, 0, 0.5, 0.5, 0, 0]])  # two classes
    boxes = coder.decode(priors, deltas, max_shape=(12, 12))
    assert boxes.shape == (1, 8)
    torch.testing.assert_close(boxes[0, :4], priors[0])
    torch.testing.assert_close(boxes[0, 4:], torch.tensor([5., 5, 12, 12]))


def test_empty():
    coder = DeltaXYWHBBoxCoder()
    assert coder.encode(torch.zeros(0, 4), torch.zeros(0, 4)).shape == (0, 4)
    assert coder.decode(torch.zeros(0, 4), torch.zeros(0, 8)).shape == (0, 8)


def test_ltrb_round_trip_normalised_and_clipped():
    from plugins.task_modules import LTRBBBoxCoder
    points = torch.tensor([[4., 4., 12., 12.], [0., 0., 16., 16.]])  # centres (8, 8), (8, 8)
    boxes = torch.tensor([[2., 5., 20., 9.], [6., 6., 10., 10.]])
    deltas = LTRBBBoxCoder().encode(points, boxes)
    torch.testing.assert_close(deltas[0], torch.tensor([6., 3., 12., 1.]) / 8)
    torch.testing.assert_close(LTRBBBoxCoder().decode(points, deltas), boxes)
    raw = LTRBBBoxCoder(normalize=False).encode(points, boxes)
    torch.testing.assert_close(raw[1], torch.tensor([2., 2., 2., 2.]))
    clipped = LTRBBBoxCoder().decode(points, deltas, max_shape=(8, 16))
    assert clipped[0].tolist() == [2., 5., 16., 8.]
    assert LTRBBBoxCoder().decode(points[:0], deltas[:0]).shape == (0, 4)
