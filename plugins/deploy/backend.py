"""Run a detector or segmentor's network on ONNX Runtime or OpenVINO, with detplug's
own pre- and post-processing around it.

Call flow: ``set_backend(model, backend, precision, calibration)`` puts a
``RuntimePart`` in place of each network part (``plugins.deploy.parts``). A part is
exported (``onnx_export.export_part``) and compiled (``runtimes.compile_part``) from
the inputs of a real call: the first prediction's, or, when ``calibration`` batches are
given (int8 needs them), those of a first pass over them in PyTorch fp32, which also
calibrate the quantizer. After that every call runs the compiled graph: input leaves
-> numpy -> runtime -> fp32 tensors on the input's device, nested as the part's own
outputs. A call with an empty input (no RoI left for the mask head) runs the part's
own method: graphs get no zero-sized inputs. Under OpenVINO bf16 and int8 a part of FCs
only runs PyTorch bf16 instead (``TorchBf16Part``), where the CPU has native bf16, unless
``export_dir`` asks for every part's file.
``export_dir``: keep the ONNX files there (``<part>.onnx``); else each part is written
to a temporary folder that is removed once the runtime has compiled it (both runtimes
hold the compiled model in memory).
"""
import os
import os.path as osp
import shutil
import tempfile
from typing import List, Optional

import torch
import torch.nn as nn

from plugins.autocast import bf16_autocast, native_bf16
from plugins.deploy.onnx_export import export_part
from plugins.deploy.parts import Part, flatten, network_parts, original, unflatten
from plugins.deploy.runtimes import check_backend, compile_part
from plugins.errors import ConfigError


class RuntimePart:
    """Stands in for one part: records inputs, then runs its compiled graph."""

    def __init__(self, part: Part, backend: str, precision: str, export_dir: Optional[str]):
        self.part, self.backend, self.precision = part, backend, precision
        self.export_dir = export_dir
        self.torch_call = original(part)
        self.recorded: Optional[List[list]] = None  # a list while calibrating
        self.run = self.in_nesting = self.out_nesting = None
        self.keep_last, self.last = False, None  # (input, output leaves) for check.py

    def __call__(self, *args):
        leaves, self.in_nesting = flatten(args)
        if any(t.numel() == 0 for t in leaves):
            return self.torch_call(*args)
        if self.recorded is not None:
            self.recorded.append([t.detach().float().cpu() for t in leaves])
            return self.torch_call(*args)
        if self.run is None:
            self.build([leaves])
        outputs = self.run(leaves)
        if self.keep_last:
            self.last = leaves, outputs
        return unflatten([o.to(leaves[0].device) for o in outputs], self.out_nesting)

    def build(self, samples: List[list]) -> None:
        """Export on the first sample, compile (int8: calibrated on all of them)."""
        folder = self.export_dir or tempfile.mkdtemp(prefix='detplug_export_')
        try:
            path = osp.join(folder, f'{self.part.name}.onnx')
            self.out_nesting = export_part(self.part, samples[0], self.in_nesting, path)
            self.run = compile_part(path, self.backend, self.precision, samples)
        finally:
            if not self.export_dir:
                shutil.rmtree(folder, ignore_errors=True)


class TorchBf16Part:
    """Stands in for a part of fully connected layers only (the box head of Faster and
    Mask R-CNN) under OpenVINO bf16 or int8, on a CPU with native bf16: PyTorch bf16 runs
    it faster than either graph (1,000 RoIs of 256 x 7 x 7: 27 ms against 40-47 ms
    OpenVINO bf16 and 51 ms int8, whose quantization of the RoIs cost more than its FCs
    saved; AMX Xeon, 2 threads)."""

    def __init__(self, part: Part):
        self.torch_call = original(part)

    def __call__(self, *args):
        with bf16_autocast(flatten(args)[0][0].device.type):
            return self.torch_call(*args)


def _runs_in_torch(part: Part, backend: str, precision: str) -> bool:
    return (backend == 'openvino' and precision != 'fp32' and native_bf16('cpu')
            and isinstance(part.owner, nn.Module)
            and not any(isinstance(m, nn.modules.conv._ConvNd) for m in part.owner.modules()))


def set_backend(model, backend: str = 'onnxruntime', precision: str = 'fp32',
                calibration: Optional[List[dict]] = None, export_dir: Optional[str] = None):
    """``model`` (eval, fp32) with its network on ``backend`` at ``precision``; returns
    it. ``calibration``: preprocessed batches (``dict(inputs, data_samples)``).
    ``backend='torch'``: ``plugins.engine.precision.set_precision``."""
    check_backend(backend, precision)
    if backend == 'torch':
        from plugins.engine.precision import set_precision  # it imports this module
        return set_precision(model, precision)
    if precision == 'int8' and not calibration:
        raise ConfigError('precision int8 needs calibration images')
    if export_dir:
        os.makedirs(export_dir, exist_ok=True)
    parts = []
    for part in network_parts(model.eval()):
        if not export_dir and _runs_in_torch(part, backend, precision):
            setattr(part.owner, part.attr, TorchBf16Part(part))
        else:
            parts.append(RuntimePart(part, backend, precision, export_dir))
            setattr(part.owner, part.attr, parts[-1])
    if calibration:
        for runtime in parts:
            runtime.recorded = []
        with torch.no_grad():
            for batch in calibration:
                model(batch['inputs'], batch['data_samples'], mode='predict')
        for runtime in parts:
            samples, runtime.recorded = runtime.recorded, None
            if samples:  # a mask head that saw no detection builds at its first call
                runtime.build(samples)
    model.backend = backend
    return model
