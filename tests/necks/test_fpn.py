import pytest
import torch

from plugins.necks import FPN

IN = [8, 16, 32]


def _inputs(n=2, size=32):
    return [torch.rand(n, c, size // 2**i, size // 2**i) for i, c in enumerate(IN)]


@pytest.mark.parametrize('extra, num_outs', [(None, 3), (None, 5), ('on_input', 5),
                                             ('on_output', 4)])
def test_levels_halve_and_share_channels(extra, num_outs):
    outs = FPN(IN, 6, num_outs, add_extra_convs=extra)(_inputs())
    assert len(outs) == num_outs
    for i, o in enumerate(outs):
        assert o.shape == (2, 6, -(-32 // 2**i), -(-32 // 2**i))


def test_start_level_and_odd_sizes():
    fpn = FPN(IN, 4, num_outs=3, start_level=1)
    feats = [torch.rand(1, 8, 26, 38), torch.rand(1, 16, 13, 19), torch.rand(1, 32, 7, 10)]
    assert [tuple(o.shape[-2:]) for o in fpn(feats)] == [(13, 19), (7, 10), (4, 5)]


def test_top_down_path_reaches_the_finest_level():
    fpn = FPN(IN, 4, num_outs=3)
    x = _inputs(1)
    x[2] = x[2].requires_grad_()
    fpn(x)[0].sum().backward()
    assert x[2].grad.abs().sum() > 0  # the coarsest input feeds P2


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='add_extra_convs'):
        FPN(IN, 4, 5, add_extra_convs='on_lateral')
    with pytest.raises(ValueError, match='num_outs=2'):
        FPN(IN, 4, 2)
