"""One network part (``plugins.deploy.parts``) to an ONNX file with dynamic sizes.

Call flow: ``export_part(part, example, path)`` wraps the part's own method as a
module of flat tensors (``FlatPart``), traces it on ``example`` (the input leaves of a
real call) with torch.onnx's TorchScript exporter, and returns the output nesting.
Every input and output dimension but the channels (dim 1) is dynamic: batch, height
and width of feature maps, the number of RoIs. The graph holds only tensor arithmetic
(convolutions, FPN upsampling to the lateral's size, global pooling, FCs), so the
sizes a tracer would freeze are not in it; ``tools/deployment/export.py --check``
compares it with PyTorch at three input sizes.

Why TorchScript's exporter (``dynamo=False``): the default (dynamo) exporter needs
onnxscript, one more dependency, and ``torch.export``'s symbolic shapes; these parts
are plain tensor code that the tracer exports as it is, their sizes dynamic through
``dynamic_axes`` (checked at three sizes by the tests).
"""
import warnings
from typing import Any, List

import torch
import torch.nn as nn

from plugins.deploy.parts import Part, flatten, original, unflatten

OPSET = 17


class FlatPart(nn.Module):
    """``part``'s own method as leaves in -> leaves out (what the exporter traces)."""

    def __init__(self, part: Part, in_nesting):
        super().__init__()
        self.owner = part.owner if isinstance(part.owner, nn.Module) else None
        self.call, self.in_nesting, self.out_nesting = original(part), in_nesting, None

    def forward(self, *leaves):
        leaves, self.out_nesting = flatten(self.call(*unflatten(list(leaves), self.in_nesting)))
        return tuple(leaves)


def _axes(tensors: List[torch.Tensor], prefix: str) -> dict:
    return {f'{prefix}{i}': {d: f'{prefix}{i}_d{d}' for d in range(t.dim()) if d != 1}
            for i, t in enumerate(tensors)}


def export_part(part: Part, example: List[torch.Tensor], in_nesting, path: str) -> Any:
    """Write ``part`` traced on ``example`` (its flat inputs) to ``path``; returns the
    nesting of its outputs."""
    flat = FlatPart(part, in_nesting).eval()  # the exporter leaves the wrapper's mode set
    example = [t.detach().float().cpu() for t in example]
    with torch.no_grad():
        outputs = flat(*example)
    names_in = [f'in{i}' for i in range(len(example))]
    names_out = [f'out{i}' for i in range(len(outputs))]
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')  # the tracer's notes on Python values it records
        torch.onnx.export(flat, tuple(example), path, dynamo=False, opset_version=OPSET,
                          input_names=names_in, output_names=names_out,
                          dynamic_axes={**_axes(example, 'in'), **_axes(outputs, 'out')})
    return flat.out_nesting
