"""Box <-> delta encodings: R-CNN's centre-size deltas, and FCOS's side distances.

DeltaXYWHBBoxCoder: for a prior (px, py, pw, ph) and target (gx, gy, gw, gh) in centre form:
dx = (gx - px) / pw, dy = (gy - py) / ph, dw = log(gw / pw), dh = log(gh / ph),
then normalised by ``means`` and ``stds``. Shapes: priors (K, 4), targets or
deltas (K, 4), or (K, 4 * C) when deltas are class-specific.
"""
import math
from typing import Optional, Sequence, Tuple

import torch

from plugins.registry import TASK_UTILS


@TASK_UTILS.register_module()
class DeltaXYWHBBoxCoder:
    """Args:
        means, stds: normalisation of the four deltas.
        wh_ratio_clip: dw, dh are clamped from above at log(1 / wh_ratio_clip)
            (as torchvision and Detectron do; shrinking is not limited).
    """

    def __init__(self, means: Sequence[float] = (0., 0., 0., 0.),
                 stds: Sequence[float] = (1., 1., 1., 1.), wh_ratio_clip: float = 16 / 1000):
        self.means = torch.tensor(means, dtype=torch.float32)
        self.stds = torch.tensor(stds, dtype=torch.float32)
        self.max_ratio = abs(math.log(wh_ratio_clip))

    @staticmethod
    def _centre_form(b: torch.Tensor):
        w, h = b[..., 2] - b[..., 0], b[..., 3] - b[..., 1]
        return b[..., 0] + 0.5 * w, b[..., 1] + 0.5 * h, w, h

    def encode(self, priors: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        px, py, pw, ph = self._centre_form(priors.float())
        gx, gy, gw, gh = self._centre_form(targets.float())
        deltas = torch.stack([(gx - px) / pw, (gy - py) / ph, torch.log(gw / pw),
                              torch.log(gh / ph)], dim=-1)
        return (deltas - self.means.to(deltas)) / self.stds.to(deltas)

    def decode(self, priors: torch.Tensor, deltas: torch.Tensor,
               max_shape: Optional[Tuple[int, int]] = None) -> torch.Tensor:
        """priors (K, 4), deltas (K, 4 * C) -> boxes (K, 4 * C), clipped to (H, W)."""
        k = deltas.shape[0]
        d = deltas.reshape(k, deltas.shape[1] // 4, 4)
        d = d * self.stds.to(deltas) + self.means.to(deltas)
        px, py, pw, ph = (t[:, None] for t in self._centre_form(priors.to(deltas)))
        dw, dh = d[..., 2].clamp(max=self.max_ratio), d[..., 3].clamp(max=self.max_ratio)
        cx, cy = px + d[..., 0] * pw, py + d[..., 1] * ph
        w, h = pw * dw.exp(), ph * dh.exp()
        boxes = torch.stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h], dim=-1)
        return clip(boxes, max_shape).reshape(k, deltas.shape[1])


def clip(boxes: torch.Tensor, max_shape: Optional[Tuple[int, int]]) -> torch.Tensor:
    """x1y1x2y2 boxes (..., 4) clamped into an (H, W) image (in place), unless None."""
    if max_shape is not None:
        boxes[..., 0::2] = boxes[..., 0::2].clamp(0, max_shape[1])
        boxes[..., 1::2] = boxes[..., 1::2].clamp(0, max_shape[0])
    return boxes


@TASK_UTILS.register_module()
class LTRBBBoxCoder:
    """A box as the distances (l, t, r, b) from a prior's centre to its left, top, right
    and bottom sides (FCOS; torchvision's ``BoxLinearCoder``). Shapes: priors, boxes and
    deltas (K, 4).

    Args:
        normalize: divide the distances by the prior's (w, h, w, h).
    """

    def __init__(self, normalize: bool = True):
        self.normalize = normalize

    @staticmethod
    def _centre_and_size(priors: torch.Tensor):
        w, h = priors[:, 2] - priors[:, 0], priors[:, 3] - priors[:, 1]
        return (0.5 * (priors[:, 0] + priors[:, 2]), 0.5 * (priors[:, 1] + priors[:, 3]),
                torch.stack([w, h, w, h], dim=-1))

    def encode(self, priors: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        cx, cy, size = self._centre_and_size(priors.float())
        t = targets.float()
        deltas = torch.stack([cx - t[:, 0], cy - t[:, 1], t[:, 2] - cx, t[:, 3] - cy], dim=-1)
        return deltas / size if self.normalize else deltas

    def decode(self, priors: torch.Tensor, deltas: torch.Tensor,
               max_shape: Optional[Tuple[int, int]] = None) -> torch.Tensor:
        cx, cy, size = self._centre_and_size(priors.to(deltas))
        d = deltas * size if self.normalize else deltas
        boxes = torch.stack([cx - d[:, 0], cy - d[:, 1], cx + d[:, 2], cy + d[:, 3]], dim=-1)
        return clip(boxes, max_shape)
