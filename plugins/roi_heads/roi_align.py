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
rounding). With an adaptive sampling ratio (0), and while tracing for ONNX (its
RoiAlign), the op is torchvision's. Pools in fp32 under autocast, like torchvision's op.

Without gradients, RoIAlign is a weighted sum of feature cells: each output cell
averages g x g samples of 4 bilinear taps, so with the map as an (N * H * W, C) table
it is ``embedding_bag`` over the 4 g^2 taps of each bin (``bag_roi_align``), which
reads whole C-vectors where torchvision's op reads one value at a time on one thread.
The same values (to fp32 rounding); the levels of a pyramid are one table, so the
RoI extractor pools every RoI in one call, in RoI order (no scatter of the output).
A bf16 map is pooled in bf16 (fp32 sums; the weights rounded to bf16). Cost: one
copy of the maps into the table (none for one channels_last map); the index and
weight tables are smaller than the output (4 g^2 entries per bin against C channels).
Faster R-CNN R50-FPN at 800 px, 1,000 RoIs, 2 threads, AMX Xeon: see
docs/performance.md (0.10-0.13 s before, torchvision's op split over the threads).
"""
import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.ops import roi_align

from plugins.registry import MODELS

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


def bag_taps(rois, out_size: int, scale: float, ratio: int, aligned: bool, h: int, w: int):
    """Each bin's 4 g^2 bilinear taps -> (cells, weights), each (R, S * S * 4 g^2): the
    tapped cell of an (N * H * W)-row table of the map, and its weight (fp32 or wider)."""
    (ylo, yhi, fy, wy), (xlo, xhi, fx, wx) = _sample_axes(rois, out_size, scale, ratio,
                                                           aligned, h, w)
    r, taps = rois.shape[0], 2 * ratio  # per bin and axis: ratio samples x (low, high)
    rows = torch.stack([ylo, yhi], -1).view(r, out_size, 1, taps, 1)
    cols = torch.stack([xlo, xhi], -1).view(r, 1, out_size, 1, taps)
    row_w = torch.stack([(1 - fy) * wy, fy * wy], -1).view(r, out_size, 1, taps, 1)
    col_w = torch.stack([(1 - fx) * wx, fx * wx], -1).view(r, 1, out_size, 1, taps)
    cells = (rois[:, 0].long().view(r, 1, 1, 1, 1) * h + rows) * w + cols
    per_roi = out_size * out_size * taps * taps
    return cells.reshape(r, per_roi), (row_w * col_w).reshape(r, per_roi)


def _cell_table(feats, dtype):
    """The maps (N, C, H, W) as one (sum N H W, C) table of ``dtype``: no copy for a single
    channels_last map, else each copied into its rows (for the NCHW bf16 maps of an
    OpenVINO graph, half the time of a ``torch.cat`` of their NHWC permutes: 5 ms vs 11 ms
    for Faster R-CNN's at 800 px)."""
    rows = [f.shape[0] * f.shape[2] * f.shape[3] for f in feats]
    if len(feats) == 1 and feats[0].dtype == dtype and feats[0].permute(0, 2, 3, 1).is_contiguous():
        return feats[0].permute(0, 2, 3, 1).reshape(rows[0], -1)
    table = feats[0].new_empty(sum(rows), feats[0].shape[1], dtype=dtype)
    for f, start, n in zip(feats, itertools.accumulate([0] + rows), rows):
        table[start:start + n].view(f.shape[0], f.shape[2], f.shape[3], -1).copy_(
            f.permute(0, 2, 3, 1))
    return table


def bag_roi_align(feats, rois, levels, layers):
    """RoI i pooled from ``feats[levels[i]]`` by ``layers[levels[i]]`` (RoIAligns of one
    output size and sampling ratio) -> (R, C, S, S) with channels_last strides, in RoI
    order: the maps are one (cells, C) table, each bin's taps summed by one
    ``embedding_bag``. In bf16 for bf16 maps (sums in fp32: its rounding is the maps'),
    else in fp32 or wider."""
    size, ratio = layers[0].output_size, layers[0].sampling_ratio
    dtype = feats[0].dtype if feats[0].dtype == torch.bfloat16 else torch.promote_types(
        feats[0].dtype, torch.float32)
    table = _cell_table(feats, dtype)
    per_roi = size * size * 4 * ratio * ratio
    cells = rois.new_empty(len(rois), per_roi, dtype=torch.long)
    weights = rois.new_empty(len(rois), per_roi)
    offset = 0
    for lvl, (feat, layer) in enumerate(zip(feats, layers)):
        idx = torch.nonzero(levels == lvl).squeeze(1)
        n, _, h, w = feat.shape
        c, wt = bag_taps(rois[idx], size, layer.spatial_scale, ratio, layer.aligned, h, w)
        cells[idx], weights[idx] = c + offset, wt
        offset += n * h * w
    pooled = F.embedding_bag(cells.view(-1, 4 * ratio * ratio), table, mode='sum',
                             per_sample_weights=weights.view(-1, 4 * ratio * ratio).to(dtype))
    return pooled.view(len(rois), size, size, table.shape[1]).permute(0, 3, 1, 2)


def _sample_axes(rois, out_size: int, scale: float, ratio: int, aligned: bool, h: int, w: int):
    """``axis_samples`` along y and x for RoIs in input pixels."""
    offset = 0.5 if aligned else 0.0
    x1, y1 = rois[:, 1] * scale - offset, rois[:, 2] * scale - offset
    rw, rh = rois[:, 3] * scale - offset - x1, rois[:, 4] * scale - offset - y1
    if not aligned:
        rw, rh = rw.clamp(min=1), rh.clamp(min=1)
    return axis_samples(y1, rh, out_size, ratio, h), axis_samples(x1, rw, out_size, ratio, w)


def window_roi_align(feat, rois, out_size: int, scale: float, ratio: int, aligned: bool):
    n, c, h, w = feat.shape
    ys, xs = _sample_axes(rois, out_size, scale, ratio, aligned, h, w)
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

    def bags(self, feat: torch.Tensor) -> bool:
        """Whether this call pools by ``bag_roi_align``: no gradient wanted, a fixed
        sampling ratio, not tracing (the ONNX graph gets torchvision's op, RoiAlign)."""
        needs_grad = torch.is_grad_enabled() and feat.requires_grad
        tracing = torch.jit.is_tracing() or torch.compiler.is_compiling()
        return not needs_grad and self.sampling_ratio > 0 and not tracing

    @staticmethod
    def pool_levels(feats, rois, levels, layers) -> torch.Tensor:
        """``bag_roi_align``, returned in the maps' dtype under autocast, as torchvision's
        op does."""
        device = feats[0].device.type
        autocast = torch.is_autocast_enabled(device)
        with torch.autocast(device, enabled=False):
            out = bag_roi_align(feats, rois.to(torch.promote_types(rois.dtype, torch.float32)),
                                levels, layers)
        return out.to(feats[0].dtype) if autocast else out

    def forward(self, feat: torch.Tensor, rois: torch.Tensor) -> torch.Tensor:
        if self.bags(feat):
            return self.pool_levels([feat], rois, rois.new_zeros(len(rois), dtype=torch.long),
                                    [self])
        args = (self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned)
        if self.sampling_ratio <= 0 or not (torch.is_grad_enabled() and feat.requires_grad):
            return roi_align(feat, rois, *args)  # adaptive, or tracing
        dtype = torch.promote_types(feat.dtype, torch.float32)
        if not len(rois):
            return feat.new_zeros(0, feat.shape[1], self.output_size, self.output_size,
                                  dtype=dtype)
        with torch.autocast(feat.device.type, enabled=False):
            return window_roi_align(feat.to(dtype), rois.to(dtype), *args)
