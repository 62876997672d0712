"""torchvision's ImageNet state-dict layouts load into detplug's backbones as
``torchvision://NAME`` gives them: resnet18/34/50/101 into ``ResNet``, mobilenet_v2 into
``MobileNetV2``, mobilenet_v3_large / _small into ``MobileNetV3``, and vgg16
(``features.N``, ``classifier.0/3/6``) into the FCN ``VGG``
and SSD's ``SSDVGG``. The ResNet and MobileNet state dicts are torchvision's own models'
(random weights), saved to a file; the VGG
state dicts are built from torchvision's own layers (``torchvision.models.vgg.make_layers``)
and saved to a file; the FCN one at an eighth of the width, so the test stays small."""
import pytest
import torch
import torch.nn as nn
import torchvision
from mmengine.runner import load_checkpoint
from torchvision.models.vgg import make_layers

from plugins.registry import MODELS

@pytest.mark.parametrize('depth', [18, 34, 50, 101])
def test_resnet_loads_torchvision_weights_with_the_same_features(depth, tmp_path):
    tv = getattr(torchvision.models, f'resnet{depth}')().eval()
    path = tmp_path / f'resnet{depth}.pth'
    torch.save(tv.state_dict(), path)
    ours = MODELS.build(dict(type='ResNet', depth=depth, out_indices=(3,))).eval()
    load_checkpoint(ours, str(path))  # torchvision's fc is the one unexpected key
    x = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        expected = tv.layer4(tv.layer3(tv.layer2(tv.layer1(tv.maxpool(tv.relu(tv.bn1(
            tv.conv1(x))))))))
        torch.testing.assert_close(ours(x)[0], expected)


def test_mobilenet_v2_loads_torchvision_weights(tmp_path):
    tv = torchvision.models.mobilenet_v2().eval()
    torch.save(tv.state_dict(), tmp_path / 'mnv2.pth')
    ours = MODELS.build(dict(type='MobileNetV2', out_indices=(18,))).eval()
    load_checkpoint(ours, str(tmp_path / 'mnv2.pth'))
    x = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(ours(x)[0], tv.features(x))


@pytest.mark.parametrize('arch,dilated', [('large', False), ('large', True), ('small', False)])
def test_mobilenet_v3_loads_torchvision_weights(arch, dilated, tmp_path):
    tv = getattr(torchvision.models, f'mobilenet_v3_{arch}')(dilated=dilated).eval()
    torch.save(tv.state_dict(), tmp_path / 'mnv3.pth')
    last = len(tv.features) - 1
    ours = MODELS.build(dict(type='MobileNetV3', arch=arch, dilated=dilated,
                             out_indices=(4, last))).eval()
    load_checkpoint(ours, str(tmp_path / 'mnv3.pth'))  # its classifier is unexpected
    x = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        low, high = ours(x)
        torch.testing.assert_close(high, tv.features(x))
        torch.testing.assert_close(low, tv.features[:5](x))
    assert high.shape[-1] == (4 if dilated else 2) and ours.out_channels[1] == high.shape[1]


def test_ssdlite_backbone_is_torchvisions_feature_extractor():
    tv = torchvision.models.detection.ssdlite320_mobilenet_v3_large(
        weights=None, weights_backbone=None).backbone.eval()
    ours = MODELS.build(dict(type='SSDLiteMobileNetV3')).eval()
    ours.load_state_dict(tv.state_dict())  # the same names, strictly
    x = torch.rand(1, 3, 320, 320)
    with torch.no_grad():
        expected, got = list(tv(x).values()), ours(x)
    assert [f.shape[-1] for f in got] == [20, 10, 5, 3, 2, 1]
    assert [f.shape[1] for f in got] == ours.out_channels == [672, 480, 512, 256, 256, 128]
    for a, b in zip(got, expected):
        torch.testing.assert_close(a, b)


WIDTHS = [8, 8, 'M', 16, 16, 'M', 32, 32, 32, 'M', 64, 64, 64, 'M', 64, 64, 64, 'M']


def torchvision_vgg16_file(tmp_path, fc=32):
    features = make_layers(WIDTHS)
    classifier = nn.Sequential(nn.Linear(64 * 7 * 7, fc), nn.ReLU(), nn.Dropout(),
                               nn.Linear(fc, fc), nn.ReLU(), nn.Dropout(), nn.Linear(fc, 10))
    state = {**{f'features.{k}': v for k, v in features.state_dict().items()},
             **{f'classifier.{k}': v for k, v in classifier.state_dict().items()}}
    path = tmp_path / 'vgg16-tiny.pth'
    torch.save(state, path)
    return str(path), features.eval(), classifier.eval()


def test_fcn_vgg_gets_the_convs_and_fc6_fc7_as_convs(tmp_path):
    path, features, classifier = torchvision_vgg16_file(tmp_path)
    model = MODELS.build(dict(type='VGG', base_channels=8, fc_channels=32, out_indices=(4, 5),
                              dropout=0.0, init_cfg=dict(type='Pretrained', checkpoint=path)))
    model.init_weights()
    x = torch.rand(1, 3, 224, 224)
    with torch.no_grad():
        pool5, fc7 = model.eval()(x)
        torch.testing.assert_close(pool5, features(x))
        # pool5 is 7x7 at 224 px, so the 7x7 fc6 conv at the centre is the Linear
        expected = classifier[:5](features(x).flatten(1))[0]
    torch.testing.assert_close(fc7[0, :, 3, 3], expected, rtol=1e-4, atol=1e-5)


def test_ssd_vgg_gets_conv1_to_conv5_3(tmp_path):
    """Full-width convs (torchvision's vgg16 ``features``, 15M parameters, no classifier)."""
    features = make_layers([w * 8 if w != 'M' else w for w in WIDTHS])
    path = tmp_path / 'vgg16-features.pth'
    torch.save({f'features.{k}': v for k, v in features.state_dict().items()}, path)
    model = MODELS.build(dict(type='SSDVGG', init_cfg=dict(type='Pretrained',
                                                           checkpoint=str(path))))
    model.init_weights()
    state = features.state_dict()
    torch.testing.assert_close(model.features[0].weight, state['0.weight'])
    torch.testing.assert_close(model.features[21].bias, state['21.bias'])  # conv4_3
    torch.testing.assert_close(model.stages[0][5].weight, state['28.weight'])  # conv5_3
