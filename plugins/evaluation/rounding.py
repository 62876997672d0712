"""What rounding a model's numbers to a few bits costs by itself, before any quantizer.

``rounded_convolutions(model, bits, weights, activations)``: inside the ``with``, every
``nn.Conv2d`` of ``model`` computes in fp32 as before, but

- ``weights``: with its weight rounded to ``bits`` bits per output channel, symmetric
  around 0 (levels ``-(2**(bits-1) - 1) .. 2**(bits-1) - 1`` times the channel's
  ``max |w| / (2**(bits-1) - 1)``), as int8 runtimes store convolution weights;
- ``activations``: with its input rounded to ``2**bits`` levels spread from the input's
  own minimum to its maximum, for this call (per tensor): the tightest range a
  calibrated quantizer could pick for each image, so an optimistic stand-in for it.

Nothing else changes (BatchNorm, FCs, the box arithmetic, NMS), so the agreement of
such a run with the plain one is what ``bits``-bit numbers cost this model whatever
quantizer picks the scales; fold BatchNorm into the convolutions first
(``mmcv.cnn.fuse_conv_bn``), as runtimes do before they quantize. On exit the weights
are the original tensors again and the hooks are gone.
"""
import contextlib

import torch
import torch.nn as nn


def round_per_channel(weight: torch.Tensor, bits: int) -> torch.Tensor:
    """Symmetric rounding of each output channel (dim 0) to ``bits`` bits."""
    top = 2 ** (bits - 1) - 1
    scale = weight.abs().amax(dim=tuple(range(1, weight.dim())), keepdim=True) / top
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    return (weight / scale).round().clamp(-top, top) * scale


def round_per_tensor(x: torch.Tensor, bits: int) -> torch.Tensor:
    """``x`` rounded to ``2**bits`` levels from its minimum to its maximum."""
    low, high = x.min(), x.max()
    if high <= low:
        return x
    step = (high - low) / (2 ** bits - 1)
    return ((x - low) / step).round() * step + low


@contextlib.contextmanager
def rounded_convolutions(model: nn.Module, bits: int, weights: bool = True,
                         activations: bool = True):
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    kept = [conv.weight.data for conv in convs]
    hooks = []
    try:
        for conv in convs:
            if weights:
                conv.weight.data = round_per_channel(conv.weight.data, bits)
            if activations:
                hooks.append(conv.register_forward_pre_hook(
                    lambda module, args: (round_per_tensor(args[0], bits), *args[1:])))
        yield model
    finally:
        for hook in hooks:
            hook.remove()
        for conv, weight in zip(convs, kept):
            conv.weight.data = weight
