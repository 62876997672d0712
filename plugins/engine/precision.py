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
- ``int8``: post-training quantization of the backbone with torch.ao's FX graph mode
  on the ``x86`` backend (oneDNN / fbgemm int8 kernels: VNNI on this CPU), calibrated
  on a few training images; neck and heads then run as in ``bf16`` (the FPN's list
  handling is not FX-traceable). FX is the
  torch.ao flow whose converted model runs real int8 kernels in eager mode; the PT2E
  flow needs ``torch.compile`` for that (minutes of compilation, and a C++ toolchain at
  run time), and ONNX Runtime's quantizer would need the whole detector exported and a
  second runtime for the heads. CPU only: quantized kernels run on the CPU.

``BF16OptimWrapper`` trains the same way: MMEngine's ``AmpOptimWrapper`` with
dtype bfloat16 made device-agnostic (MMEngine's asserts a CUDA / NPU / MLU device and
autocasts on the machine's device, not the model's), fp32 master weights (the
parameters never leave fp32), a disabled loss scaler (bf16 has fp32's exponent range),
and ``FiniteLossOptimWrapper``'s guard on non-finite losses.
"""
import contextlib
import copy
from typing import Iterable, Optional

import torch
from mmcv.cnn import fuse_conv_bn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from plugins.autocast import bf16_autocast
from plugins.engine.optim_wrapper import NonFiniteGuard
from plugins.errors import ConfigError
from plugins.registry import DATASETS, HOOKS, OPTIM_WRAPPERS

PRECISIONS = ('fp32', 'bf16', 'int8')


def quantize(module: torch.nn.Module, calibration: Iterable[torch.Tensor]) -> torch.nn.Module:
    """``module`` (eval) as an int8 FX GraphModule, its activation ranges observed on
    ``calibration`` inputs; takes and returns fp32 tensors."""
    from torch.ao.quantization import get_default_qconfig_mapping, quantize_fx
    torch.backends.quantized.engine = 'x86'
    calibration = list(calibration)
    prepared = quantize_fx.prepare_fx(copy.deepcopy(module).eval(),
                                      get_default_qconfig_mapping('x86'), (calibration[0],))
    with torch.no_grad():
        for x in calibration:
            prepared(x)
    return quantize_fx.convert_fx(prepared)


def calibration_inputs(model, cfg, num_images: int = 8) -> list:
    """The first ``num_images`` training images of ``cfg``, through its test pipeline and
    ``model``'s data preprocessor: one (1, 3, H, W) batch each."""
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset, test_mode=True,
                                  pipeline=cfg.test_dataloader.dataset.pipeline,
                                  indices=num_images))
    with torch.no_grad():
        return [model.data_preprocessor(dict(inputs=[item['inputs']],
                                             data_samples=[item['data_samples']]))['inputs']
                for item in dataset]


def set_precision(model, precision: str,
                  calibration: Optional[Iterable[torch.Tensor]] = None):
    """Prepare a model in eval mode for inference at ``precision``; returns it.
    ``calibration``: preprocessed input batches (N, 3, H, W) for ``int8``."""
    if precision not in PRECISIONS:
        raise ConfigError(f'precision must be one of {", ".join(PRECISIONS)}, got {precision!r}')
    if precision == 'int8':
        if calibration is None:
            raise ConfigError('precision int8 needs calibration images')
        model.backbone = quantize(model.backbone, calibration)
    if precision in ('bf16', 'int8'):
        fuse_conv_bn(model)
        model.to(memory_format=torch.channels_last)
    model.precision = precision
    return model


@HOOKS.register_module()
class InferencePrecisionHook(Hook):
    """Args:
        precision: 'fp32', 'bf16' or 'int8' (calibrated on 8 training images);
            applied when testing starts, after the checkpoint is loaded
            (``tools/test.py --precision``).
    """

    def __init__(self, precision: str = 'bf16'):
        self.precision = precision

    def before_test(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        calibration = (calibration_inputs(model, runner.cfg) if self.precision == 'int8'
                       else None)
        set_precision(model, self.precision, calibration)


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
