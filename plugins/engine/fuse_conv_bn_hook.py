"""Fold each BatchNorm into the convolution before it, once, when testing starts.

At inference a BatchNorm is an affine map per channel, so it can be merged into
the preceding convolution's weight and bias (mmcv's ``fuse_conv_bn``): one pass
over each activation instead of two. The result equals the unfused model up to
float rounding. The hook runs after the Runner has loaded the checkpoint (an EMA
hook's average taken in first: ``plugins.engine.test_weights``).
"""
from mmcv.cnn import fuse_conv_bn
from mmengine.hooks import Hook

from plugins.engine.test_weights import model_to_convert
from plugins.registry import HOOKS


@HOOKS.register_module()
class FuseConvBNHook(Hook):
    """No arguments; ``tools/test.py --fuse-conv-bn`` adds it."""

    def before_test(self, runner) -> None:
        fuse_conv_bn(model_to_convert(runner))  # an EMA's weights in first
