import pytest
import torch
import torch.nn as nn

from plugins.layers import DilatedConv2d, tap_conv, conv_norm_act


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


@pytest.mark.parametrize('dilation,size', [(2, (9, 12)), (12, (10, 10)), (36, (50, 53)),
                                           (60, (50, 50))])
def test_tap_conv_is_the_dilated_conv(dilation, size):
    """One 1x1 conv per tap equals the dilated conv (float64), also where taps see only
    padding (dilation 60 on 50 x 50: the centre tap alone)."""
    conv = torch.nn.Conv2d(5, 4, 3, padding=dilation, dilation=dilation).double()
    x = torch.randn(2, 5, *size, dtype=torch.float64)
    torch.testing.assert_close(tap_conv(x, conv.weight, conv.bias, dilation), conv(x))


def test_dilated_conv2d_takes_the_tap_path_in_bf16_only():
    conv = DilatedConv2d(8, 4, 3, padding=12, dilation=12)
    x = torch.randn(1, 8, 20, 20)
    with torch.no_grad():
        assert torch.equal(conv(x), torch.nn.Conv2d.forward(conv, x))  # fp32: nn.Conv2d's
        with torch.autocast('cpu', torch.bfloat16):
            fast, slow = conv(x), torch.nn.Conv2d.forward(conv, x)
    assert fast.dtype == slow.dtype == torch.bfloat16
    torch.testing.assert_close(fast.float(), slow.float(), atol=0.05, rtol=0.02)
    assert list(conv.state_dict()) == ['weight', 'bias']  # nn.Conv2d's names
