import pytest
import torch

from plugins.backbones import SSDVGG, MobileNetV2


@pytest.mark.parametrize('size,cells', [(300, [38, 19, 10, 5, 3, 1]),
                                        (512, [64, 32, 16, 8, 4, 2, 1])])
def test_ssd_vgg_maps(size, cells):
    model = SSDVGG(input_size=size).eval()
    with torch.no_grad():
        outs = model(torch.rand(1, 3, size, size))
    assert [o.shape[-1] for o in outs] == cells
    assert [o.shape[1] for o in outs] == model.out_channels
    # conv4_3 is L2-normalised then scaled by 20 at every position
    norms = outs[0].norm(dim=1)
    assert torch.allclose(norms[norms > 0], torch.tensor(20.0), rtol=1e-4)


def test_ssd_vgg_atrous_fc6_and_norm_option():
    model = SSDVGG(norm_cfg=dict(type='BN'))
    fc6 = [m for m in model.stages[0] if isinstance(m, torch.nn.Conv2d)][3]
    assert fc6.dilation == (6, 6) and fc6.padding == (6, 6) and fc6.out_channels == 1024
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules()) == 10 + 5 + 8
    with pytest.raises(ValueError, match='input_size must be one of'):
        SSDVGG(input_size=400)


def test_mobilenet_v2_strides_and_channels():
    model = MobileNetV2(out_indices=(6, 13, 17)).eval()
    with torch.no_grad():
        outs = model(torch.rand(1, 3, 64, 96))
    assert [tuple(o.shape[1:]) for o in outs] == [(32, 8, 12), (96, 4, 6), (320, 2, 3)]
    assert model.out_channels == [32, 96, 320]
    with pytest.raises(ValueError, match='exceed'):
        MobileNetV2(out_indices=(19,))


def test_fcn_vgg16_outputs():
    from plugins.backbones import VGG
    model = VGG(base_channels=4, fc_channels=16, out_indices=(2, 3, 5)).eval()
    outs = model(torch.rand(1, 3, 64, 96))
    assert [tuple(o.shape[1:]) for o in outs] == [(16, 8, 12), (32, 4, 6), (16, 2, 3)]
    assert model.out_channels == [16, 32, 16]
    fc6 = model.fc[0]
    assert fc6.kernel_size == (7, 7) and fc6.padding == (3, 3)
    with pytest.raises(ValueError, match='out_indices'):
        VGG(out_indices=(6,))
