import torch
import torch.nn as nn

from plugins.layers import conv_norm_act


def test_conv_norm_act_layers_names_and_shapes():
    block = conv_norm_act(3, 8, 3, norm_cfg=dict(type='BN'))
    assert [type(m) for m in block] == [nn.Conv2d, nn.BatchNorm2d, nn.ReLU]
    assert block[0].bias is None  # a norm follows
    assert set(block.state_dict()) >= {'0.weight', '1.weight', '1.running_var'}
    assert block(torch.rand(2, 3, 9, 9)).shape == (2, 8, 9, 9)


def test_options_dilation_stride_groups_and_no_act():
    block = conv_norm_act(4, 4, 3, stride=2, dilation=2, groups=4, act=None)
    assert len(block) == 1 and block[0].bias is not None and block[0].padding == (2, 2)
    assert block(torch.rand(1, 4, 8, 8)).shape == (1, 4, 4, 4)
    six = conv_norm_act(4, 4, 1, act='ReLU6', bias=False)
    assert isinstance(six[1], nn.ReLU6) and six[0].bias is None
