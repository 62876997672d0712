"""Inference and training precision on any device (CPU first: AVX-512 BF16 runs bf16
convolutions at about twice the fp32 rate).

- ``fp32``: the model as trained; exact parity with torchvision.
- ``bf16``: BatchNorm folded into the convolutions (mmcv's ``fuse_conv_bn``), weights
  and activations in channels_last, and the network under
  ``torch.autocast(<device of the data>, torch.bfloat16)`` (``BackboneModel``'s
  ``precision``). The heads hand fp32 to everything numerically sensitive (their
  outputs are cast back): anchors and priors, box encoding and decoding, RoI
  coordinates and pooling (torchvision's RoI ops run in fp32 under autocast), NMS,
  the final softmax and the losses.

``BF16OptimWrapper`` trains the same way: the forward pass under bf16 autocast, fp32
master weights (the parameters never leave fp32), no loss scaler (bf16 has fp32's
exponent range), and ``FiniteLossOptimWrapper``'s guard on non-finite losses.
"""
import contextlib

import torch
from mmcv.cnn import fuse_conv_bn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from plugins.engine.optim_wrapper import FiniteLossOptimWrapper
from plugins.errors import ConfigError
from plugins.registry import HOOKS, OPTIM_WRAPPERS

PRECISIONS = ('fp32', 'bf16')


def autocast(device_type: str, precision: str):
    """bf16 autocast on ``device_type`` for ``precision='bf16'``, else nothing."""
    if precision == 'bf16':
        return torch.autocast(device_type=device_type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def set_precision(model, precision: str):
    """Prepare a model in eval mode for inference at ``precision``; returns it."""
    if precision not in PRECISIONS:
        raise ConfigError(f'precision must be one of {", ".join(PRECISIONS)}, got {precision!r}')
    if precision == 'bf16':
        fuse_conv_bn(model)
        model.to(memory_format=torch.channels_last)
    model.precision = precision
    return model


@HOOKS.register_module()
class InferencePrecisionHook(Hook):
    """Args:
        precision: 'fp32' or 'bf16'; applied when testing starts, after the
            checkpoint is loaded (``tools/test.py --precision``).
    """

    def __init__(self, precision: str = 'bf16'):
        self.precision = precision

    def before_test(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        set_precision(model, self.precision)


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(FiniteLossOptimWrapper):
    """``FiniteLossOptimWrapper`` (same arguments) whose forward pass runs under bf16
    autocast on the device of the model's parameters (CPU or CUDA alike)."""

    @contextlib.contextmanager
    def optim_context(self, model):
        device = next(model.parameters()).device.type
        with super().optim_context(model), torch.autocast(device_type=device,
                                                          dtype=torch.bfloat16):
            yield
