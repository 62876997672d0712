"""MobileNetV2 / V3 backbones: outputs per block, frozen blocks, bad arguments."""
import pytest
import torch

from plugins.backbones.mobilenet import MobileNetV2, MobileNetV3
from plugins.errors import ConfigError


@pytest.mark.parametrize('net, shapes', [
    (MobileNetV3(out_indices=(6, 12, 16)), [(40, 8), (112, 4), (960, 2)]),
    (MobileNetV3(dilated=True, out_indices=(6, 16)), [(40, 8), (960, 4)]),
    (MobileNetV2(out_indices=(6, 13)), [(32, 8), (96, 4)])])
def test_outputs_of_the_chosen_blocks(net, shapes):
    outs = net(torch.randn(1, 3, 64, 64))
    assert [(o.shape[1], o.shape[-1]) for o in outs] == shapes
    assert net.out_channels == [c for c, _ in shapes]


def test_frozen_blocks_get_no_gradients_and_keep_their_statistics():
    net = MobileNetV3(out_indices=(6,), frozen_blocks=4).train()
    frozen, free = net.features[:4], net.features[4:]
    stats = frozen[1].block[0][1].running_mean.clone()
    net(torch.randn(2, 3, 64, 64))[0].sum().backward()
    assert all(p.grad is None and not p.requires_grad for p in frozen.parameters())
    assert all(p.grad is not None for p in free.parameters())
    assert torch.equal(frozen[1].block[0][1].running_mean, stats)  # BatchNorm in eval mode
    assert all(not m.training for b in frozen for m in b.modules())
    assert all(b.training for b in free)


def test_bad_arguments_are_named():
    with pytest.raises(ConfigError, match='exceed the 17 blocks'):
        MobileNetV3(out_indices=(17,))
    with pytest.raises(ConfigError, match='frozen_blocks=9 must be 0 .. 7'):
        MobileNetV3(out_indices=(6,), frozen_blocks=9)
    with pytest.raises(ConfigError, match="arch must be 'large' or 'small'"):
        MobileNetV3(arch='medium')
