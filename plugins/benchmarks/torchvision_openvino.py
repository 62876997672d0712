"""The peer a deploying user reaches for without detplug: torchvision's own model
converted whole by OpenVINO (``openvino.convert_model`` on the PyTorch module, its
recommended route; resizing, NMS and mask pasting inside the graph) and run on it.
Not through ONNX: torchvision's ONNX export of Mask R-CNN pastes the masks in an ONNX
``Loop`` that OpenVINO 2026.4 fails to convert ("Accessing out-of-range dimension").

Call flow: ``openvino_peer(tv, example, precision)`` -> a callable on the same input as
``tv`` (a detector: one RGB float image (3, H, W) 0-255; a segmentor: the normalised
batch (1, 3, H, W)) returning what ``tv`` returns for it (a detector's dict of boxes,
labels, scores [, masks]; a segmentor's ``out`` logits (C, H, W)). The graph is traced
at the example's size, which the benchmark keeps for every image.
"""
import warnings

import torch
import torch.nn as nn

from plugins.deploy.runtimes import openvino_compiled

DETECTION_KEYS = ('boxes', 'labels', 'scores', 'masks')


class _Whole(nn.Module):
    def __init__(self, tv):
        super().__init__()
        self.tv, self.keys = tv, None

    def forward(self, x):
        if x.dim() == 4:  # a segmentor
            return self.tv(x)['out']
        out = self.tv([x])[0]
        self.keys = [k for k in DETECTION_KEYS if k in out]
        return tuple(out[k] for k in self.keys)


def openvino_peer(tv, example: torch.Tensor, precision: str):
    import openvino as ov
    whole = _Whole(tv).eval()
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the tracer's notes
        model = ov.convert_model(whole, example_input=(example,))
        whole(example)  # the output keys
    for i, graph_input in enumerate(model.inputs):
        graph_input.get_tensor().set_names({f'in{i}'})
    run = openvino_compiled(model, precision)

    def call(x):
        outputs = run([x])
        if x.dim() == 4:
            return outputs[0][0]
        result = dict(zip(whole.keys, outputs))
        result['labels'] = result['labels'].long()
        return result
    return call
