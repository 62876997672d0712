"""Inference and training precision on any device (CPU first: AVX-512 BF16 runs bf16
convolutions at about twice the fp32 rate).

bf16 autocast and where it stops: ``plugins.autocast`` (native bf16 only, else fp32).

- ``fp32``: the model as trained; exact parity with torchvision.
- ``bf16``: BatchNorm folded into the convolutions (mmcv's ``fuse_conv_bn``), weights
  and activations in channels_last, and the network under
  ``torch.autocast(<device of the data>, torch.bfloat16)`` (``BackboneModel``'s
  ``precision``). Everything after a head's network runs in fp32 through
  ``plugins.autocast.fp32_call``: anchors and priors, box encoding and decoding, NMS,
  the final softmax and the losses (torchvision's RoI ops run in fp32 under autocast).
- ``int8``: on ``--backend openvino`` (NNCF) or ``onnxruntime`` (its quantizer):
  ``plugins.deploy``. torch.ao's FX quantization, detplug's int8 until 2026-12-06, is
  deprecated by PyTorch; the PT2E flow that replaces it runs int8 kernels only under
  ``torch.compile`` (minutes of compilation and a C++ toolchain at run time).

``BF16OptimWrapper`` trains the same way: MMEngine's ``AmpOptimWrapper`` with
dtype bfloat16 made device-agnostic (MMEngine's asserts a CUDA / NPU / MLU device and
autocasts on the machine's device, not the model's), fp32 master weights (the
parameters never leave fp32), a disabled loss scaler (bf16 has fp32's exponent range),
and ``FiniteLossOptimWrapper``'s guard on non-finite losses.
"""
import contextlib
from typing import Optional

import torch
from mmcv.cnn import fuse_conv_bn
from mmengine.hooks import Hook
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from plugins.autocast import bf16_autocast
from plugins.deploy.backend import set_backend
from plugins.deploy.runtimes import check_backend
from plugins.engine.optim_wrapper import NonFiniteGuard
from plugins.engine.test_weights import model_to_convert
from plugins.errors import ConfigError
from plugins.registry import DATASETS, HOOKS, OPTIM_WRAPPERS

PRECISIONS = ('fp32', 'bf16', 'int8')


def calibration_inputs(model, cfg, num_images: int = 8) -> list:
    """``num_images`` training images of ``cfg`` spread evenly over its training set (the
    first ones are often tiles of one scene), through its test pipeline and ``model``'s
    data preprocessor: one batch (``dict(inputs (1, 3, H, W), data_samples)``) each."""
    source = cfg.train_dataloader.dataset
    while isinstance(source.get('dataset'), dict):  # a wrapper (MixImageDataset): its images
        source = source['dataset']
    dataset = DATASETS.build(dict(source, test_mode=True,
                                  pipeline=cfg.test_dataloader.dataset.pipeline))
    n = len(dataset)
    step = (n - 1) / max(num_images - 1, 1)
    indices = range(n) if n <= num_images else [round(i * step) for i in range(num_images)]
    items = [dataset[i] for i in indices]  # each image loaded and transformed once
    with torch.no_grad():
        return [model.data_preprocessor(dict(inputs=[item['inputs']],
                                             data_samples=[item['data_samples']]))
                for item in items]


def set_precision(model, precision: str):
    """Prepare a model in eval mode for PyTorch inference at ``precision``; returns it."""
    if precision not in PRECISIONS:
        raise ConfigError(f'precision must be one of {", ".join(PRECISIONS)}, got {precision!r}')
    check_backend('torch', precision)
    if precision == 'bf16':
        fuse_conv_bn(model)
        model.to(memory_format=torch.channels_last)
    model.precision = precision
    return model


@HOOKS.register_module()
class InferencePrecisionHook(Hook):
    """Args:
        precision: 'fp32', 'bf16' or 'int8' (calibrated on 8 training images).
        backend: 'torch', 'onnxruntime' or 'openvino' (``plugins.deploy``).
    Applied when testing starts, after the checkpoint is loaded (``tools/test.py
    --precision --backend``).
    """

    def __init__(self, precision: str = 'bf16', backend: str = 'torch'):
        check_backend(backend, precision)
        self.precision, self.backend = precision, backend

    def before_test(self, runner) -> None:
        model = model_to_convert(runner)  # an EMA hook's average in first
        calibration = (calibration_inputs(model, runner.cfg) if self.precision == 'int8'
                       else None)
        set_backend(model, self.backend, self.precision, calibration)


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(NonFiniteGuard, AmpOptimWrapper):
    """``AmpOptimWrapper(dtype='bfloat16')`` on any device, with the guard.

    Args:
        optimizer, accumulative_counts, clip_grad: as MMEngine's ``OptimWrapper``.
        on_nonfinite, max_skips_in_a_row: as ``FiniteLossOptimWrapper``.
    """

    def __init__(self, optimizer, accumulative_counts: int = 1, clip_grad: Optional[dict] = None,
                 on_nonfinite: str = 'stop', max_skips_in_a_row: int = 20):
        # not AmpOptimWrapper.__init__: it asserts a CUDA / NPU / MLU device and builds the
        # GradScaler that fp16 needs; bf16 keeps fp32's exponent range, so the scaler is off
        OptimWrapper.__init__(self, optimizer, accumulative_counts, clip_grad)
        self.guard(on_nonfinite, max_skips_in_a_row)
        self.cast_dtype, self._scale_update_param = torch.bfloat16, None
        self.loss_scaler = torch.amp.GradScaler(enabled=False)

    @contextlib.contextmanager
    def optim_context(self, model):
        """The forward pass under bf16 autocast on the device of the model's parameters
        (AmpOptimWrapper's takes the machine's), fp32 where that device emulates bf16."""
        self.save_batchnorm(model)
        device = next(model.parameters()).device.type
        with OptimWrapper.optim_context(self, model), bf16_autocast(device):
            yield
