"""The network parts of a detector or segmentor: what an exported graph stands in for.

A model's network is its tensors-in, tensors-out code: the model's ``network``
(backbone, neck and the first head: RPN, RetinaNet, FCOS or SSD convs, a segmentor's
decode head; a two-stage detector's features too, which its RoI head pools), and the
RoI heads' networks on the pooled RoIs (box, mask, keypoint). Everything between them
stays detplug's Python, whatever the backend: normalising and padding, anchors and
priors, box decoding, NMS, RoI pooling, mask pasting, resizing logits. So a backend's
outputs are scored by the same code as PyTorch's, and the graphs take any input size
(each is fully convolutional, or works on a batch of RoIs). RoI pooling stays in
PyTorch because it is faster there: OpenVINO 2026.4's ROIAlign on a feature map that
enters its graph (f32, planar) took 0.14 s for 1,000 RoIs where detplug's RoIAlign
(``embedding_bag`` over the map's cells) takes 0.03 s on the bf16 maps the network
graph returns (Faster R-CNN R50-FPN, 800 px, AMX Xeon, 2 threads).

A part is swapped by an instance attribute (``model.network = f``,
``head.forward = f``): the class's own method stays reachable as ``original(part)``,
and deleting the attribute restores it.

Shapes: a part's inputs and outputs are tensors nested in lists and tuples; ``flatten``
gives the leaves (a graph's inputs or outputs, in order) and the nesting that
``unflatten`` rebuilds them with.
"""
from typing import Any, List, NamedTuple, Tuple

import torch

# (owner path from the model, attribute): the order in which a prediction calls them
PARTS = (('', 'network'), ('roi_head.bbox_head', 'forward'),
         ('roi_head.mask_head', 'forward'), ('roi_head.keypoint_head', 'forward'))


class Part(NamedTuple):
    name: str        # 'network', 'roi_head.bbox_head', 'roi_head.mask_head', ...
    owner: Any       # the model or the head whose attribute is swapped
    attr: str


def network_parts(model) -> List[Part]:
    """The parts ``model`` has (``roi_head=None``, no mask branch, ...: left out)."""
    parts = []
    for path, attr in PARTS:
        owner = model
        for name in filter(None, path.split('.')):
            owner = getattr(owner, name, None)
        if owner is not None:
            parts.append(Part(path or attr, owner, attr))
    return parts


def original(part: Part):
    """The part's own method (the class's), bound to its owner."""
    return getattr(type(part.owner), part.attr).__get__(part.owner)


def flatten(value) -> Tuple[List[torch.Tensor], Any]:
    """Tensors nested in lists / tuples -> (leaves, nesting)."""
    if isinstance(value, torch.Tensor):
        return [value], None
    if not isinstance(value, (list, tuple)):
        raise TypeError(f'a network part passes tensors in lists and tuples, got {type(value)}')
    leaves, nesting = [], []
    for item in value:
        sub, spec = flatten(item)
        leaves += sub
        nesting.append((len(sub), spec))
    return leaves, (type(value), nesting)


def unflatten(leaves, nesting):
    """The inverse of ``flatten``."""
    if nesting is None:
        return leaves[0]
    kind, items = nesting
    out, start = [], 0
    for count, spec in items:
        out.append(unflatten(leaves[start:start + count], spec))
        start += count
    return kind(out)
