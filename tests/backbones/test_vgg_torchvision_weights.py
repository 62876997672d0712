"""torchvision's vgg16 state-dict layout (``features.N``, ``classifier.0/3/6``) loads into
detplug's FCN VGG and SSD's VGG by name, as ``torchvision://vgg16`` gives it. The
state dicts are built from torchvision's own layers (``torchvision.models.vgg.make_layers``)
and saved to a file; the FCN one at an eighth of the width, so the test stays small."""
import torch
import torch.nn as nn
from torchvision.models.vgg import make_layers

from plugins.registry import MODELS

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
