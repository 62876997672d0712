import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData

from plugins.decode_heads import ASPPHead, FCNHead, FCNSkipHead, LRASPPHead
from plugins.errors import ConfigError
from plugins.decode_heads.decode_head import label_map
from plugins.decode_heads.fcn_skip_head import upsample
from plugins.structures import SegDataSample


def _sample(label, batch_input_shape=(16, 16)):
    s = SegDataSample(metainfo=dict(batch_input_shape=batch_input_shape))
    s.gt_sem_seg = PixelData(data=torch.as_tensor(label)[None])
    return s


@pytest.mark.parametrize('num_convs,concat', [(1, False), (2, True), (0, False)])
def test_fcn_head_shapes(num_convs, concat):
    channels = 8 if num_convs else 16
    head = FCNHead(in_channels=16, channels=channels, num_classes=5, num_convs=num_convs,
                   concat_input=concat)
    assert head([torch.rand(2, 16, 6, 7)]).shape == (2, 5, 6, 7)


@pytest.mark.parametrize('pool', [True, False])
def test_aspp_head_shapes_and_branches(pool):
    head = ASPPHead(in_channels=16, channels=8, num_classes=3, dilations=(1, 2), image_pool=pool)
    assert len(head.aspp) == 3 and (head.image_pool is not None) == pool
    assert head.aspp[2][0].dilation == (2, 2)
    assert head([torch.rand(2, 16, 5, 5)]).shape == (2, 3, 5, 5)


def test_lraspp_head_fuses_low_and_high_at_the_low_size():
    head = LRASPPHead(in_channels=(4, 16), channels=8, num_classes=3, in_index=(0, 2))
    low, high = torch.rand(2, 4, 10, 12), torch.rand(2, 16, 5, 6)
    out = head([low, torch.rand(2, 1, 1, 1), high])
    assert out.shape == (2, 3, 10, 12)
    with torch.no_grad():  # a constant high map adds the same to every low pixel's logits
        flat = head([low, None, torch.ones(2, 16, 5, 6)]) - head.low_classifier(low)
    assert torch.allclose(flat, flat[..., :1, :1].expand_as(flat), atol=1e-5)
    with pytest.raises(ConfigError, match=r'reads two maps \(low, high\): in_index=1'):
        LRASPPHead(in_channels=(4, 16), num_classes=3, in_index=1)


@pytest.mark.parametrize('in_index,strides', [([2], [32]), ([1, 2], [16, 32]),
                                              ([0, 1, 2], [8, 16, 32])])
def test_skip_heads_upsample_to_the_input(in_index, strides):
    maps = [torch.rand(1, 4, 64 // s, 96 // s) for s in (8, 16, 32)]
    head = FCNSkipHead(in_channels=[4] * len(strides), strides=strides, num_classes=3,
                       in_index=in_index)
    assert head(maps).shape == (1, 3, 64, 96)
    assert len(head.ups) == len(strides) - 1 and head.final_up.stride == (strides[0],) * 2


def test_transposed_conv_starts_bilinear_and_learns():
    up = upsample(2, 4)
    x = torch.rand(1, 2, 5, 6)
    ref = F.interpolate(x, scale_factor=4, mode='bilinear', align_corners=False)
    assert torch.allclose(up(x)[..., 4:-4, 4:-4], ref[..., 4:-4, 4:-4], atol=1e-6)
    assert up.weight.requires_grad
    head = FCNSkipHead(in_channels=[4, 4], strides=[16, 32], num_classes=2, in_index=[0, 1])
    head.init_weights()  # keeps the bilinear start
    assert torch.allclose(head.final_up.weight, upsample(2, 16).weight)


def test_skip_head_bad_strides_are_named():
    with pytest.raises(ValueError, match='double'):
        FCNSkipHead(in_channels=[4, 4], strides=[8, 32], num_classes=2, in_index=[0, 1])
    with pytest.raises(ValueError, match='one entry per used map'):
        FCNSkipHead(in_channels=[4], strides=[16, 32], num_classes=2, in_index=[0, 1])


def test_loss_ignores_unlabelled_pixels_and_pads():
    head = FCNHead(in_channels=4, channels=4, num_classes=3, dropout=0)
    feats = [torch.rand(2, 4, 4, 4, requires_grad=True)]
    label = torch.randint(0, 3, (14, 16))
    label[:2] = 255
    losses = head.loss_by_feat(head(feats), [_sample(label), _sample(torch.full((16, 16), 255))])
    assert set(losses) == {'loss_ce'} and losses['loss_ce'] > 0
    losses['loss_ce'].backward()
    none = head.loss_by_feat(head(feats), [_sample(torch.full((16, 16), 255))] * 2)
    assert none['loss_ce'] == 0


def test_combined_losses_are_named_and_summed():
    head = FCNHead(in_channels=4, channels=4, num_classes=3, dropout=0,
                   loss_decode=[dict(type='CrossEntropyLoss', ignore_index=255),
                                dict(type='DiceLoss', loss_weight=0.5)])
    losses = head.loss_by_feat(head([torch.rand(1, 4, 4, 4)]),
                               [_sample(torch.randint(0, 3, (8, 8)), (8, 8))])
    assert set(losses) == {'loss_ce', 'loss_dice'}
    assert 0 < losses['loss_dice'] < 0.5


def test_label_map_is_argmax_with_the_first_of_tied_maxima():
    logits = torch.randint(0, 3, (21, 30, 40)).float()  # many ties
    assert torch.equal(label_map(logits), logits.argmax(0, keepdim=True))
    assert label_map(torch.zeros(4, 2, 3)).eq(0).all()
