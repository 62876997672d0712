"""An exported model checked against PyTorch at several input sizes.

For each size, one real image resized to it goes through the PyTorch model (fp32) and
the backend model (same weights). Two figures per size:
- each network part: the largest difference of its outputs from its own PyTorch
  method on the very inputs the backend got, over the largest output magnitude
  (``rel``; fp32 runtimes: about 1e-6, bf16: about 1e-2);
- the final outputs: detections, the share of PyTorch's boxes matched at IoU >= 0.9
  with the same label (and the largest score difference); segmentation, the share of
  pixels with the same class.
"""
from typing import Iterable, List, Tuple

import mmcv
import numpy as np
import torch

from plugins.apis.inference import inference
from plugins.deploy.backend import RuntimePart
from plugins.deploy.parts import flatten, network_parts, unflatten
from plugins.evaluation.agreement import matched_boxes


def part_differences(model) -> dict:
    """{part: max |backend - torch| / max |torch|} for the last call of each part."""
    result = {}
    for part in network_parts(model):
        runtime = getattr(part.owner, part.attr)
        if not isinstance(runtime, RuntimePart) or runtime.last is None:
            continue
        leaves, outputs = runtime.last
        with torch.no_grad():
            ref, _ = flatten(runtime.torch_call(*unflatten(leaves, runtime.in_nesting)))
        scale = max(r.abs().max().item() for r in ref) or 1.0
        result[part.name] = max((r - o).abs().max().item() for r, o in zip(ref, outputs)) / scale
    return result


def agreement(ref_sample, sample) -> str:
    if 'pred_instances' in ref_sample:
        matched, total, diff = matched_boxes(ref_sample.pred_instances, sample.pred_instances)
        return f'{matched}/{total} boxes matched, max score diff {diff:.1e}'
    same = (ref_sample.pred_sem_seg.data == sample.pred_sem_seg.data).float().mean().item()
    return f'{same:.2%} pixels'


def check_sizes(reference, model, image: np.ndarray,
                sizes: Iterable[Tuple[int, int]]) -> List[str]:
    """One line per (H, W): part differences and agreement of ``model`` (a backend
    model) with ``reference`` (the same weights in PyTorch fp32)."""
    for part in network_parts(model):
        runtime = getattr(part.owner, part.attr)
        if isinstance(runtime, RuntimePart):
            runtime.keep_last = True
    lines = []
    for h, w in sizes:
        resized = mmcv.imresize(image, (w, h))
        ref, out = inference(reference, [resized])[0], inference(model, [resized])[0]
        parts = ', '.join(f'{k} {v:.1e}' for k, v in part_differences(model).items())
        lines.append(f'{h}x{w}: {agreement(ref, out)}; rel. difference per part: {parts}')
    return lines
