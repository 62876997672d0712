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


@pytest.mark.parametrize('norm', ['GN', 'BN'])
def test_norm_cfg_normalises_every_conv(norm):
    norm_cfg = dict(type='GN', num_groups=2) if norm == 'GN' else dict(type='BN')
    fpn = FPN(IN, 4, num_outs=4, add_extra_convs='on_output', norm_cfg=norm_cfg)
    convs = [m for m in fpn.modules() if isinstance(m, torch.nn.Conv2d)]
    norms = [m for m in fpn.modules() if isinstance(m, (torch.nn.GroupNorm, torch.nn.BatchNorm2d))]
    assert len(convs) == len(norms) == 7 and all(c.bias is None for c in convs)
    outs = fpn(_inputs(size=32))
    assert [o.shape[-1] for o in outs] == [32, 16, 8, 4]
    # Every level ends in its norm: at initialisation (weight 1, bias 0) a GN group of
    # one image, or a BN channel over the batch, has zero mean and unit variance.
    group = outs[2][0, :2] if norm == 'GN' else outs[2][:, 0]
    assert group.mean().abs() < 1e-5 and (group.var(unbiased=False) - 1).abs() < 1e-2


def test_no_norm_keeps_plain_biased_convs():
    fpn = FPN(IN, 4, num_outs=3)
    assert all(isinstance(m, torch.nn.Conv2d) and m.bias is not None for m in fpn.lateral_convs)
