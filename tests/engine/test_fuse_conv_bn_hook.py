import torch
from mmengine.config import ConfigDict

from plugins.engine import FuseConvBNHook
from plugins.registry import MODELS


class _Runner:
    def __init__(self, model):
        self.model, self.hooks = model, []


def test_fused_model_gives_the_same_features_without_batchnorm():
    torch.manual_seed(0)
    model = MODELS.build(ConfigDict(type='ResNet', depth=18, base_channels=8, num_stages=2,
                                    out_indices=(1,)))
    model.train()
    with torch.no_grad():  # give the BatchNorms non-trivial statistics and affine parts
        model(torch.rand(4, 3, 32, 32) * 3)
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
    model.eval()
    x = torch.rand(2, 3, 32, 32)
    with torch.no_grad():
        before = model(x)[0]
        FuseConvBNHook().before_test(_Runner(model))
        after = model(x)[0]
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())
    assert torch.allclose(before, after, atol=1e-5)
