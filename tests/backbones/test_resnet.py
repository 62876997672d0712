import pytest
import torch
import torchvision

from plugins.backbones import ResNet


@pytest.mark.parametrize('depth,expansion', [(18, 1), (34, 1), (50, 4)])
def test_output_shapes_per_depth(depth, expansion):
    model = ResNet(depth=depth, base_channels=8, out_indices=(0, 1, 2, 3)).eval()
    outs = model(torch.rand(1, 3, 64, 64))
    assert [o.shape[1] for o in outs] == [8 * 2**i * expansion for i in range(4)]
    assert [o.shape[-1] for o in outs] == [16, 8, 4, 2]
    assert model.out_channels == [o.shape[1] for o in outs]


def test_dilated_stages_keep_resolution():
    model = ResNet(depth=18, base_channels=8, strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
                   out_indices=(3,)).eval()
    assert model(torch.rand(1, 3, 64, 64))[0].shape[-2:] == (8, 8)


def test_fewer_stages():
    model = ResNet(depth=18, base_channels=8, num_stages=2, out_indices=(1,))
    assert not hasattr(model, 'layer3')
    assert model(torch.rand(2, 3, 32, 32))[0].shape == (2, 16, 4, 4)


def test_frozen_stages_and_norm_eval():
    model = ResNet(depth=18, base_channels=8, frozen_stages=1, norm_eval=True)
    model.train()
    assert not any(p.requires_grad for p in model.conv1.parameters())
    assert not any(p.requires_grad for p in model.layer1.parameters())
    assert all(p.requires_grad for p in model.layer2.parameters())
    assert not model.layer2[0].bn1.training


def test_group_norm_by_config():
    model = ResNet(depth=18, base_channels=8, norm_cfg=dict(type='GN', num_groups=4))
    assert isinstance(model.bn1, torch.nn.GroupNorm)


def test_loads_torchvision_state_dict_unchanged():
    tv = torchvision.models.resnet50(weights=None).eval()
    ours = ResNet(depth=50, out_indices=(3,)).eval()
    state = {k: v for k, v in tv.state_dict().items() if not k.startswith('fc.')}
    ours.load_state_dict(state, strict=True)
    x = torch.rand(1, 3, 64, 64)
    trunk = torch.nn.Sequential(*list(tv.children())[:-2])
    torch.testing.assert_close(ours(x)[0], trunk(x))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match='depth'):
        ResNet(depth=20)
    with pytest.raises(ValueError, match='out_indices'):
        ResNet(depth=18, num_stages=2, out_indices=(3,))


def test_init_cfg_accepts_a_local_pretrained_file(tmp_path):
    tv = torchvision.models.resnet18(weights=None)
    path = tmp_path / 'resnet18_local.pth'
    torch.save(tv.state_dict(), path)
    ours = ResNet(depth=18, out_indices=(3,),
                  init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    ours.init_weights()
    torch.testing.assert_close(ours.layer4[1].conv2.weight, tv.layer4[1].conv2.weight)


def _dilations(layer):
    return [b.conv2.dilation[0] if hasattr(b, 'conv3') else b.conv1.dilation[0] for b in layer]


def test_contract_dilation_and_multi_grid():
    model = ResNet(depth=50, base_channels=8, strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
                   contract_dilation=True)
    assert _dilations(model.layer3) == [1, 2, 2, 2, 2, 2]  # torchvision's first-block rule
    assert _dilations(model.layer4) == [2, 4, 4]
    grid = ResNet(depth=50, base_channels=8, strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
                  multi_grid=(1, 2, 4))
    assert _dilations(grid.layer4) == [4, 8, 16]
    with pytest.raises(ValueError, match='multi_grid'):
        ResNet(depth=18, multi_grid=(1, 2, 4))


def test_same_outputs_as_torchvisions_dilated_resnet50():
    tv = torchvision.models.resnet50(replace_stride_with_dilation=[False, True, True]).eval()
    ours = ResNet(depth=50, strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4), contract_dilation=True,
                  out_indices=(3,)).eval()
    ours.load_state_dict({k: v for k, v in tv.state_dict().items() if not k.startswith('fc.')})
    x = torch.rand(1, 3, 64, 64)
    body = torch.nn.Sequential(*list(tv.children())[:-2])
    with torch.no_grad():
        torch.testing.assert_close(ours(x)[0], body(x))
