"""Where a model runs in bf16 and where it stops: the one precision boundary.

A detector or segmentor runs its network (backbone, neck, each head's ``forward``)
under the autocast of the step that calls it: ``BackboneModel._run_forward`` for
inference at ``precision`` 'bf16', ``BF16OptimWrapper`` for training. What
comes after a head's ``forward`` (anchors and priors, box encoding and decoding,
matching, NMS, the final softmax and the losses) is called through ``fp32_call``:
the network's outputs cast to fp32 and autocast switched off. A head therefore writes
no casts of its own; one that forgets nothing still computes its losses in fp32.

Shapes: anything; ``fp32_call`` casts every floating tensor it is given (also inside
lists and tuples) and leaves the rest as it is.

bf16 autocast is entered only where the hardware computes bf16 (``native_bf16``): a
CPU with AVX512-BF16 or AMX, a CUDA GPU that has it. Elsewhere bf16 is emulated and
far slower than fp32 (on an AVX2-only EPYC: 3x3 convs 150 -> 17 GFLOP/s, a 2048
matmul 166 -> 0.3), so ``bf16`` then runs the network in fp32 and says so once in
the log.
"""
import contextlib
import logging

import torch
from mmengine.logging import print_log

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
    """bf16 autocast on ``device_type`` for 'bf16', else nothing (int8 runs on the
    exported backends: ``plugins.deploy``)."""
    if precision == 'bf16':
        return bf16_autocast(device_type)
    return contextlib.nullcontext()


def _fp32(value, devices: set):
    if isinstance(value, torch.Tensor):
        devices.add(value.device.type)
        return value.float() if value.is_floating_point() else value
    if isinstance(value, (list, tuple)):
        return type(value)(_fp32(v, devices) for v in value)
    return value


def fp32_call(fn, *args):
    """``fn(*args)`` with every floating tensor in ``args`` cast to fp32 and autocast
    off on their device: a head's loss or predict after its (possibly bf16) forward."""
    devices = set()
    args = [_fp32(a, devices) for a in args]
    with contextlib.ExitStack() as stack:
        for device in devices:
            stack.enter_context(torch.autocast(device_type=device, enabled=False))
        return fn(*args)
