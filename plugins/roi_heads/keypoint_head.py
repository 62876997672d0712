"""Keypoint R-CNN's keypoint head: a deeper FCN on each RoI, one heatmap per keypoint.

Shapes: R RoIs, K keypoints, S the pooled side (14), M = 4S the heatmap side (56).
- forward: (R, in_channels, S, S) -> ``num_convs`` 3x3 conv -> ReLU -> 4x4 stride-2
  transposed conv to K maps -> bilinear x2 -> logits (R, K, M, M).
- loss: for each positive RoI and each visible keypoint of its gt inside it, softmax
  cross-entropy over the M x M cells against the keypoint's cell (``keypoint_targets``),
  averaged over those pairs.
- predict: per detection, each heatmap resized (bicubic) to the box's size in pixels,
  its argmax cell centre -> ``keypoints`` (D, K, 3) as (x, y, 1) in input pixels and
  ``keypoint_scores`` (D, K), the map's value there (torchvision's rule).
"""
from typing import Dict, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from plugins.errors import ConfigError
from plugins.layers import conv_tower
from plugins.registry import MODELS
from plugins.task_modules.targets import keypoint_targets


def heatmap_peaks(maps: torch.Tensor, boxes: torch.Tensor):
    """maps (D, K, M, M) of one image's boxes (D, 4) -> keypoints (D, K, 3), scores (D, K)."""
    d, k = maps.shape[:2]
    points = maps.new_zeros((d, k, 3), dtype=torch.float32)
    scores = maps.new_zeros((d, k), dtype=torch.float32)
    sizes = (boxes[:, 2:] - boxes[:, :2]).clamp(min=1)
    cells = sizes.ceil()
    for i in range(d):
        w, h = int(cells[i, 0]), int(cells[i, 1])
        up = F.interpolate(maps[i][:, None], size=(h, w), mode='bicubic',
                           align_corners=False)[:, 0]
        best = up.reshape(k, -1).argmax(1)
        x, y = best % w, torch.div(best, w, rounding_mode='floor')
        points[i, :, 0] = (x.float() + 0.5) * (sizes[i, 0] / w) + boxes[i, 0]
        points[i, :, 1] = (y.float() + 0.5) * (sizes[i, 1] / h) + boxes[i, 1]
        points[i, :, 2] = 1
        scores[i] = up[torch.arange(k, device=up.device), y, x]
    return points, scores


@MODELS.register_module()
class KeypointHead(BaseModule):
    """Args:
        num_keypoints: K (COCO's person: 17).
        in_channels: channels of the pooled feature.
        conv_channels, num_convs: the 3x3 conv -> ReLU blocks (torchvision: 8 x 512).
        loss_weight: weight of the keypoint loss.
    """

    def __init__(self, num_keypoints: int, in_channels: int, conv_channels: int = 512,
                 num_convs: int = 8, loss_weight: float = 1.0,
                 init_cfg=dict(type='Kaiming', mode='fan_out', nonlinearity='relu',
                               distribution='normal', layer=['Conv2d', 'ConvTranspose2d'])):
        super().__init__(init_cfg)
        self.num_keypoints, self.loss_weight = num_keypoints, loss_weight
        self.convs = conv_tower(in_channels, conv_channels, num_convs)
        self.deconv = nn.ConvTranspose2d(conv_channels, num_keypoints, 4, stride=2, padding=1)

    def forward(self, roi_feats: torch.Tensor) -> torch.Tensor:
        return F.interpolate(self.deconv(self.convs(roi_feats)), scale_factor=2.0,
                             mode='bilinear', align_corners=False)

    def loss(self, logits: torch.Tensor, pos_boxes: List[torch.Tensor], labels: torch.Tensor,
             gt_instances: list, gt_inds: List[torch.Tensor]) -> Dict[str, torch.Tensor]:
        """logits (P, K, M, M) of the positive RoIs (per image ``pos_boxes`` (P_i, 4) matched
        to gt ``gt_inds`` (P_i,)); each image's ``gt_instances.keypoints`` (G, K, 3)."""
        if not all('keypoints' in gt for gt in gt_instances):
            raise ConfigError('the keypoint head needs gt keypoints (G, K, 3) in gt_instances')
        size = logits.shape[-1]
        cells, valid = zip(*[keypoint_targets(gt.keypoints[i], b, size)
                             for gt, b, i in zip(gt_instances, pos_boxes, gt_inds)])
        cells, valid = torch.cat(cells).reshape(-1), torch.cat(valid).reshape(-1)
        if not valid.any():
            return dict(loss_keypoint=logits.sum() * 0)
        flat = logits.reshape(-1, size * size)
        return dict(loss_keypoint=self.loss_weight * F.cross_entropy(flat[valid], cells[valid]))

    def predict(self, logits: torch.Tensor, results: list) -> None:
        """logits (D, K, M, M) of all images' detections -> each result's ``keypoints`` and
        ``keypoint_scores``."""
        for r, lg in zip(results, logits.split([len(r) for r in results])):
            r.keypoints, r.keypoint_scores = heatmap_peaks(lg, r.bboxes)
