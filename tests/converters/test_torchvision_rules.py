"""plugins/converters/torchvision.py: rules chosen by builder name, for each of
torchvision's 18 builders; keys no rule maps are named."""
import pytest
import torch
import torchvision.models as tvm

from plugins.converters.torchvision import BUILDERS, builder_named, convert, guess_builder

TORCHVISION_BUILDERS = sorted(tvm.list_models(module=tvm.detection)
                              + tvm.list_models(module=tvm.segmentation))


def tv_state(name):
    """A builder's state dict, its tensors on the meta device (names and shapes only)."""
    kwargs = dict(weights=None, weights_backbone=None)
    if name.startswith(('fcn', 'deeplab')):
        kwargs['aux_loss'] = True
    with torch.device('meta'):
        return tvm.get_model(name, **kwargs).state_dict()


def test_every_torchvision_builder_has_rules():
    assert sorted(BUILDERS) == TORCHVISION_BUILDERS and len(BUILDERS) == 18


@pytest.mark.parametrize('name', TORCHVISION_BUILDERS)
def test_each_builder_converts_by_name_and_is_recognised_by_its_keys(name):
    state = tv_state(name)
    out = convert(state, name)
    assert out and all(not k.startswith(('roi_heads.', 'head.', 'classifier.')) for k in out)
    # the 320 px Faster R-CNN differs only in its input size: same keys, same shapes
    assert guess_builder(state) == name.replace('_320_fpn', '_fpn')


def test_the_name_a_source_carries():
    assert builder_named('torchvision://maskrcnn_resnet50_fpn_v2') == 'maskrcnn_resnet50_fpn_v2'
    assert builder_named('/w/fasterrcnn_resnet50_fpn_coco-258fb6c6.pth') == \
        'fasterrcnn_resnet50_fpn'
    assert builder_named('ssdlite320_mobilenet_v3_large_coco-a79551df.pth') == \
        'ssdlite320_mobilenet_v3_large'
    assert builder_named('tv.pth') is None


def test_keys_no_rule_maps_are_named():
    state = tv_state('lraspp_mobilenet_v3_large')
    with pytest.raises(KeyError, match=r"not a fcn_resnet50 state dict: no rule for \['classif"):
        convert(state, 'fcn_resnet50')
    # a Faster R-CNN file converted as Mask R-CNN is fine key by key, but the reverse is not
    with pytest.raises(KeyError, match='fasterrcnn_resnet50_fpn.*roi_heads.mask'):
        convert(tv_state('maskrcnn_resnet50_fpn'), 'fasterrcnn_resnet50_fpn')
    with pytest.raises(KeyError, match="no converter for the torchvision builder 'resnet50'"):
        convert(state, 'resnet50')
