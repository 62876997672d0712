"""Inference and training precision on any device (CPU first: AVX-512 BF16 runs bf16
convolutions at about twice the fp32 rate).

bf16 autocast is entered only where the hardware computes bf16 (``native_bf16``): a
CPU with AVX512-BF16 or AMX, a CUDA GPU that has it. Elsewhere bf16 is emulated and
far slower than fp32 (on an AVX2-only EPYC: 3x3 convs 150 -> 17 GFLOP/s, a 2048
matmul 166 -> 0.3), so ``bf16`` then runs the network in fp32 and says so once in the
log; fusion and channels_last still apply.

- ``fp32``: the model as trained; exact parity with torchvision.
- ``bf16``: BatchNorm folded into the convolutions (mmcv's ``fuse_conv_bn``), weights
  and activations in channels_last, and the network under
  ``torch.autocast(<device of the data>, torch.bfloat16)`` (``BackboneModel``'s
  ``precision``). The heads hand fp32 to everything numerically sensitive (their
  outputs are cast back): anchors and priors, box encoding and decoding, RoI
  coordinates and pooling (torchvision's RoI ops run in fp32 under autocast), NMS,
  the final softmax and the losses.
- ``int8``: post-training quantization of the backbone with torch.ao's FX graph mode
  on the ``x86`` backend (oneDNN / fbgemm int8 kernels: VNNI on this CPU), calibrated
  on a few training images; neck and heads then run as in ``bf16`` (the FPN's list
  handling is not FX-traceable). FX is the
  torch.ao flow whose converted model runs real int8 kernels in eager mode; the PT2E
  flow needs ``torch.compile`` for that (minutes of compilation, and a C++ toolchain at
  run time), and ONNX Runtime's quantizer would need the whole detector exported and a
  second runtime for the heads. CPU only: quantized kernels run on the CPU.

``BF16OptimWrapper`` trains the same way: the forward pass under bf16 autocast, fp32
master weights (the parameters never leave fp32), no loss scaler (bf16 has fp32's
exponent range), and ``FiniteLossOptimWrapper``'s guard on non-finite losses.
"""
import contextlib
import copy
import logging
from typing import Iterable, Optional

import torch
from mmcv.cnn import fuse_conv_bn
from mmengine.logging import print_log
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from plugins.engine.optim_wrapper import FiniteLossOptimWrapper
from plugins.errors import ConfigError
from plugins.registry import DATASETS, HOOKS, OPTIM_WRAPPERS

PRECISIONS = ('fp32', 'bf16', 'int8')
_WARNED = set()


def native_bf16(device_type: str) -> bool:
    """Whether ``device_type`` computes bf16 in hardware rather than emulating it."""
    if device_type == 'cpu':
        return torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    if device_type == 'cuda':
        return torch.cuda.is_bf16_supported(including_emulation=False)
    return True


def bf16_autocast(device_type: str):
    """bf16 autocast on ``device_type`` where it is native; else fp32, logged once."""
    if native_bf16(device_type):
        return torch.autocast(device_type=device_type, dtype=torch.bfloat16)
    if device_type not in _WARNED:
        _WARNED.add(device_type)
        print_log(f'bf16 is not native on this {device_type} (no AVX512-BF16 or AMX on a '
                  'CPU): emulated bf16 is slower than fp32, so the network runs in fp32',
                  logger='current', level=logging.WARNING)
    return contextlib.nullcontext()


def autocast(device_type: str, precision: str):
    """bf16 autocast on ``device_type`` for 'bf16' and 'int8' (whose unquantized parts
    run as in bf16), else nothing."""
    if precision in ('bf16', 'int8'):
        return bf16_autocast(device_type)
    return contextlib.nullcontext()


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
class BF16OptimWrapper(FiniteLossOptimWrapper):
    """``FiniteLossOptimWrapper`` (same arguments) whose forward pass runs under bf16
    autocast on the device of the model's parameters (CPU or CUDA alike; fp32 where
    that device has no native bf16)."""

    @contextlib.contextmanager
    def optim_context(self, model):
        device = next(model.parameters()).device.type
        with super().optim_context(model), bf16_autocast(device):
            yield
