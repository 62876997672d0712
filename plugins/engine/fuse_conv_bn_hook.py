"""Fold each BatchNorm into the convolution before it, once, when testing starts.

At inference a BatchNorm is an affine map per channel, so it can be merged into
the preceding convolution's weight and bias (mmcv's ``fuse_conv_bn``): one pass
over each activation instead of two. The result equals the unfused model up to
float rounding. The hook runs after the Runner has loaded the checkpoint.
"""
from mmcv.cnn import fuse_conv_bn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from plugins.registry import HOOKS


@HOOKS.register_module()
class FuseConvBNHook(Hook):
    """No arguments; ``tools/test.py --fuse-conv-bn`` adds it."""

    def before_test(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        fuse_conv_bn(model)
