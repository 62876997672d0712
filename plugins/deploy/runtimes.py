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
leaves (tensors) to output leaves (CPU tensors: fp32, but an OpenVINO graph computing
in bf16 hands its 4-d maps over in bf16, as the torch backend's bf16 network does; the
heads' post-processing takes them through ``fp32_call``).
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
    compiled = []

    def run(leaves):  # compiled for the layouts and dtypes of the first real call
        if not compiled:
            compiled.append(openvino_compiled(model, precision, fit_to=leaves))
        return compiled[0](leaves)
    return run


def openvino_compiled(model, precision: str, fit_to: Optional[list] = None) -> Callable:
    """An OpenVINO ``Model`` compiled for this CPU at ``precision`` -> run(leaves).

    ``fit_to``: input leaves of a real call (detplug's parts). The graph then takes each
    4-d input in the memory layout and dtype (f32 or bf16) that leaf has, so it goes in
    without a copy: a channels_last tensor, as RoIAlign pools, or a bf16 one (OpenVINO
    converts to its own blocked layout and precision either way). And a graph computing
    in bf16 returns its 4-d tensors in bf16, as computed, instead of converting them to
    f32: half the memory traffic (the default detector's FPN maps at 800 px are 53 MB in
    f32). A later input in another layout or dtype is converted to the fitted one."""
    import openvino as ov
    from openvino.preprocess import PrePostProcessor
    bf16 = precision in ('bf16', 'int8')
    if bf16 and not native_bf16('cpu'):
        bf16_autocast('cpu')  # says once that bf16 is emulated here: f32 instead
        bf16 = False
    fitted = fit_to is not None
    samples = [fit_to[int(p.get_any_name()[2:])] if fitted else None for p in model.inputs]
    half = [t is not None and t.dim() == 4 and t.dtype == torch.bfloat16 for t in samples]
    nhwc = [t is not None and t.dim() == 4 and not t.is_contiguous()
            and t.is_contiguous(memory_format=torch.channels_last) for t in samples]
    maps = [fitted and bf16 and len(p.get_partial_shape()) == 4 for p in model.outputs]
    if any(half + nhwc + maps):
        ppp = PrePostProcessor(model)
        for i in range(len(model.inputs)):
            if nhwc[i]:
                ppp.input(i).model().set_layout(ov.Layout('NCHW'))
                ppp.input(i).tensor().set_layout(ov.Layout('NHWC'))
            if half[i]:
                ppp.input(i).tensor().set_element_type(ov.Type.bf16)
        for i in (i for i, m in enumerate(maps) if m):
            ppp.output(i).tensor().set_element_type(ov.Type.bf16)
        model = ppp.build()
    compiled = ov.Core().compile_model(model, 'CPU', {
        'INFERENCE_PRECISION_HINT': 'bf16' if bf16 else 'f32',
        'INFERENCE_NUM_THREADS': torch.get_num_threads(), 'PERFORMANCE_HINT': 'LATENCY'})
    request = compiled.create_infer_request()
    leaf_of = [int(p.get_any_name()[2:]) for p in compiled.inputs]

    def tensor(i, leaf):
        leaf = (leaf.permute(0, 2, 3, 1) if nhwc[i] else leaf).detach().cpu()
        if half[i]:  # numpy has no bf16: its bits as uint16
            leaf = leaf.to(torch.bfloat16).contiguous()
            return ov.Tensor(leaf.view(torch.uint16).numpy(), ov.Shape(list(leaf.shape)),
                             ov.Type.bf16)
        return leaf.float().contiguous().numpy()

    def output(i):
        data = request.get_output_tensor(i).data  # bf16 comes as 16-bit containers
        if maps[i]:
            return torch.from_numpy(data.view(np.uint16).copy()).view(torch.bfloat16)
        return torch.from_numpy(data.copy())

    def run(leaves):
        request.infer({i: tensor(i, leaves[j]) for i, j in enumerate(leaf_of)})
        return [output(i) for i in range(len(compiled.outputs))]
    return run
