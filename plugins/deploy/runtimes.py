"""The CPU runtimes an exported part runs on: ONNX Runtime and OpenVINO, each at its
precisions; int8 through each runtime's own maintained post-training quantizer.

- onnxruntime: fp32 on its CPU provider; int8 by ``onnxruntime.quantization
  .quantize_static`` (QDQ, per-channel int8 weights, uint8 activations); no bf16 (its
  CPU provider has no bf16 kernels).
- openvino: ``INFERENCE_PRECISION_HINT`` f32 or bf16 (bf16 only where native, else f32,
  said once); int8 by NNCF's ``quantize`` (what it leaves unquantized runs as bf16).

int8 is calibrated on the inputs the part received from real images (``calibration``:
lists of input leaves). Both runtimes use ``torch.get_num_threads()`` threads.
``compile_part(path, backend, precision, calibration)`` -> a callable from input
leaves (tensors) to output leaves (fp32 CPU tensors).
"""
import os.path as osp
from typing import Callable, Dict, List, Optional

import numpy as np
import torch

from plugins.autocast import bf16_autocast, native_bf16
from plugins.errors import ConfigError

BACKENDS = ('torch', 'onnxruntime', 'openvino')
PRECISIONS = dict(torch=('fp32', 'bf16'), onnxruntime=('fp32', 'int8'),
                  openvino=('fp32', 'bf16', 'int8'))
EXTRA = dict(onnxruntime='onnxruntime', openvino='openvino nncf')


def check_backend(backend: str, precision: str) -> None:
    """One line for a backend or precision detplug does not run, or a runtime not
    installed."""
    if backend not in BACKENDS:
        raise ConfigError(f'backend must be one of {", ".join(BACKENDS)}, got {backend!r}')
    if precision not in PRECISIONS[backend]:
        hint = (' (int8 runs on --backend openvino or onnxruntime: post-training '
                "quantization by NNCF or ONNX Runtime; torch.ao's FX quantization is deprecated)"
                if precision == 'int8' else '')
        raise ConfigError(f'backend {backend} runs precision {", ".join(PRECISIONS[backend])}, '
                          f'not {precision!r}{hint}')
    if backend != 'torch':
        for module in EXTRA[backend].split():
            try:
                __import__(module)
            except ImportError:
                raise ConfigError(f'backend {backend} needs the package {module}: pip install '
                                  f'{EXTRA[backend]} (or detplug[{backend}])') from None


def _feed(leaves, names: List[str]) -> Dict[str, np.ndarray]:
    """Input leaf i is graph input ``in<i>``; the exporter drops the inputs a graph does
    not read (a decode head that takes one level of several)."""
    return {name: leaves[int(name[2:])].detach().float().cpu().contiguous().numpy()
            for name in names}


def _tensors(arrays) -> List[torch.Tensor]:
    return [torch.from_numpy(np.asarray(a, dtype=np.float32)) for a in arrays]


def compile_part(path: str, backend: str, precision: str,
                 calibration: Optional[List[list]] = None) -> Callable:
    return (_onnxruntime if backend == 'onnxruntime' else _openvino)(path, precision,
                                                                     calibration)


def _onnxruntime(path: str, precision: str, calibration) -> Callable:
    import onnx
    import onnxruntime as ort
    names = [i.name for i in onnx.load(path).graph.input]
    if precision == 'int8':
        from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                              quantize_static)

        class Reader(CalibrationDataReader):
            def __init__(self):
                self.items = iter([_feed(leaves, names) for leaves in calibration])

            def get_next(self):
                return next(self.items, None)

        quantized = osp.splitext(path)[0] + '.int8.onnx'
        quantize_static(path, quantized, Reader(), quant_format=QuantFormat.QDQ,
                        per_channel=True, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8)
        path = quantized
    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=['CPUExecutionProvider'])

    def run(leaves):
        return _tensors(session.run(None, _feed(leaves, names)))
    return run


def _openvino(path: str, precision: str, calibration) -> Callable:
    import openvino as ov
    model = ov.Core().read_model(path)
    if precision == 'int8':
        import nncf
        names = [i.get_any_name() for i in model.inputs]
        model = nncf.quantize(model, nncf.Dataset([_feed(leaves, names) for leaves in calibration]),
                              subset_size=len(calibration))
    return openvino_compiled(model, precision)


def openvino_compiled(model, precision: str) -> Callable:
    """An OpenVINO ``Model`` compiled for this CPU at ``precision`` -> run(leaves)."""
    import openvino as ov
    bf16 = precision in ('bf16', 'int8')
    if bf16 and not native_bf16('cpu'):
        bf16_autocast('cpu')  # says once that bf16 is emulated here: f32 instead
        bf16 = False
    compiled = ov.Core().compile_model(model, 'CPU', {
        'INFERENCE_PRECISION_HINT': 'bf16' if bf16 else 'f32',
        'INFERENCE_NUM_THREADS': torch.get_num_threads(), 'PERFORMANCE_HINT': 'LATENCY'})
    request = compiled.create_infer_request()
    names = [i.get_any_name() for i in compiled.inputs]

    def run(leaves):
        request.infer(_feed(leaves, names))
        return [torch.from_numpy(request.get_output_tensor(i).data.copy())
                for i in range(len(compiled.outputs))]
    return run
