"""RoIAlign whose backward pass is fast on a CPU.

Shapes: feat (N, C, H, W), rois (R, 5) as (batch index, x1, y1, x2, y2) in input
pixels -> (R, C, S, S) for output size S, sampling ratio g.

torchvision's CPU ``roi_align`` backward runs one thread and recomputes every
bilinear weight for every channel: in the default detector's training step it was
a third of the time (157 ms of 480). Bilinear interpolation and the average over
a bin's g x g samples are separable, so for each RoI the output is
``A_y @ window @ A_x^T``: ``window`` (K_y, K_x, C) is the patch of feature cells
the RoI's samples touch (gathered with ``index_select``, whose backward is one
``index_add``), ``A_y`` (S, K_y) and ``A_x`` (S, K_x) hold the interpolation weights
(torchvision's sampling and border rules, so forward and gradient agree with it to
rounding). While gradients are off, or with an adaptive sampling ratio (0), the
forward pass is torchvision's: for large RoIs it gathers less. Runs in fp32 under
autocast, like torchvision's op.

On a CPU that op also runs on one thread, and under autocast it first turns a
bf16 channels_last map into fp32 NCHW (for P2 at 800 px, more time than the
pooling). Channels are pooled independently, so inference splits them into one
slice per torch thread, each converted and pooled in its own Python thread
(``pooled_in_threads``): the same values, about twice as fast on 2 cores.
"""
import torch
import torch.nn as nn
from torchvision.ops import roi_align

from plugins.registry import MODELS
from plugins.utils.threads import in_threads

# RoIs per chunk are chosen so that a chunk's windows hold at most this many values
MAX_WINDOW_ELEMENTS = 1 << 24


def axis_samples(start, size, out_size: int, ratio: int, length: int):
    """Sample positions of each RoI along one axis -> (low, high, frac, weight), each
    (R, out_size * ratio): the two neighbouring cells, the fraction towards ``high``
    and the sample's weight (1 / ratio, 0 outside the map)."""
    bin_size = size / out_size
    i = torch.arange(out_size * ratio, dtype=start.dtype, device=start.device)
    pos = (start[:, None] + torch.div(i, ratio, rounding_mode='floor') * bin_size[:, None]
           + (i % ratio + 0.5) * (bin_size / ratio)[:, None])
    weight = ((pos >= -1.0) & (pos <= length)).to(start.dtype) / ratio
    pos = pos.clamp(min=0)
    edge = pos.floor() >= length - 1
    low = pos.floor().clamp(max=length - 1)
    pos = torch.where(edge, low, pos)
    high = torch.where(edge, low, low + 1)
    return low.long(), high.long(), pos - low, weight


def axis_matrix(low, high, frac, weight, out_size: int, ratio: int, origin, k: int):
    """(R, out_size, k) weights of the window cells origin .. origin + k - 1."""
    rows = frac.new_zeros(low.shape[0], low.shape[1], k)
    rows.scatter_add_(2, (low - origin[:, None])[..., None], ((1 - frac) * weight)[..., None])
    rows.scatter_add_(2, (high - origin[:, None])[..., None], (frac * weight)[..., None])
    return rows.view(low.shape[0], out_size, ratio, k).sum(2)


def pooled_in_threads(feat, rois, *args):
    """torchvision's ``roi_align`` on a CPU, one channel slice per torch thread, in fp32
    NCHW (converted inside each thread), returned in ``feat``'s dtype."""
    dtype = torch.promote_types(feat.dtype, torch.float32)
    rois = rois.to(dtype)
    parts = feat.chunk(min(torch.get_num_threads(), feat.shape[1]), 1)
    pooled = in_threads(lambda part: roi_align(part.contiguous().to(dtype), rois, *args), parts)
    return torch.cat(pooled, 1).to(feat.dtype)


def window_roi_align(feat, rois, out_size: int, scale: float, ratio: int, aligned: bool):
    n, c, h, w = feat.shape
    offset = 0.5 if aligned else 0.0
    x1, y1 = rois[:, 1] * scale - offset, rois[:, 2] * scale - offset
    rw, rh = rois[:, 3] * scale - offset - x1, rois[:, 4] * scale - offset - y1
    if not aligned:
        rw, rh = rw.clamp(min=1), rh.clamp(min=1)
    ys, xs = axis_samples(y1, rh, out_size, ratio, h), axis_samples(x1, rw, out_size, ratio, w)
    ky = min(int((ys[1].amax(1) - ys[0].amin(1)).max()) + 1, h)
    kx = min(int((xs[1].amax(1) - xs[0].amin(1)).max()) + 1, w)
    oy, ox = ys[0].amin(1).clamp(max=h - ky), xs[0].amin(1).clamp(max=w - kx)
    ay = axis_matrix(*ys, out_size, ratio, oy, ky)
    ax = axis_matrix(*xs, out_size, ratio, ox, kx)
    cells = ((rois[:, 0].long()[:, None, None] * h + oy[:, None, None]
              + torch.arange(ky, device=feat.device)[:, None]) * w
             + ox[:, None, None] + torch.arange(kx, device=feat.device))
    table = feat.permute(0, 2, 3, 1).reshape(n * h * w, c)
    step = max(1, MAX_WINDOW_ELEMENTS // (ky * kx * c))
    return torch.cat([
        torch.einsum('rph,rhwc,rqw->rcpq', ay[i:i + step],
                     table.index_select(0, cells[i:i + step].reshape(-1))
                     .view(-1, ky, kx, c), ax[i:i + step])
        for i in range(0, rois.shape[0], step)])


@MODELS.register_module()
class RoIAlign(nn.Module):
    """Args (torchvision's ``RoIAlign``):
        output_size: side S of the pooled feature.
        spatial_scale: feature cells per input pixel (1 / stride).
        sampling_ratio: samples per bin side (0: adaptive, torchvision's op only).
        aligned: shift the box by half a cell (pixel centres), as Detectron2.
    """

    def __init__(self, output_size: int, spatial_scale: float, sampling_ratio: int = 2,
                 aligned: bool = True):
        super().__init__()
        self.output_size, self.spatial_scale = output_size, spatial_scale
        self.sampling_ratio, self.aligned = sampling_ratio, aligned

    def forward(self, feat: torch.Tensor, rois: torch.Tensor) -> torch.Tensor:
        args = (self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned)
        needs_grad = torch.is_grad_enabled() and feat.requires_grad
        tracing = torch.jit.is_tracing() or torch.compiler.is_compiling()  # one thread
        if not needs_grad and feat.device.type == 'cpu' and torch.get_num_threads() > 1 \
                and len(rois) and not tracing:
            return pooled_in_threads(feat, rois, *args)
        if not needs_grad or self.sampling_ratio <= 0:
            return roi_align(feat, rois, *args)
        dtype = torch.promote_types(feat.dtype, torch.float32)
        if not len(rois):
            return feat.new_zeros(0, feat.shape[1], self.output_size, self.output_size, dtype=dtype)
        with torch.autocast(feat.device.type, enabled=False):
            return window_roi_align(feat.to(dtype), rois.to(dtype), *args)
