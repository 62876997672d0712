"""Fast R-CNN box head: optional shared convs, shared FCs, then class scores and
class-specific deltas.

Shapes: R RoIs, C foreground classes (label C is background), S the pooled size.
- forward: (R, in_channels, S, S) -> [3x3 convs] -> flatten -> FCs -> scores (R, C + 1),
  deltas (R, 4 * C).
- loss: softmax CE over all sampled RoIs + the box loss on the positives' deltas
  of their gt class (encoded targets), or on the boxes decoded from them
  (``reg_decoded_bbox``, for IoU losses); both averaged over the R sampled RoIs.
- predict: softmax, decode per class, clip, ``multiclass_nms`` with ``test_cfg``.
"""
from typing import Dict, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.structures import InstanceData

from plugins.layers import conv_tower
from plugins.registry import MODELS, TASK_UTILS
from plugins.task_modules.postprocess import multiclass_nms, nms_config


@MODELS.register_module()
class BBoxHead(BaseModule):
    """Args:
        num_classes: foreground classes C.
        in_channels: channels of the pooled feature; roi_size: its side S.
        fc_channels, num_fcs: the shared fully connected layers.
        num_convs, conv_channels, norm_cfg: shared 3x3 conv [-> norm] -> ReLU blocks
            before them (torchvision's v2 head: 4 x 256 with BatchNorm, one FC).
        bbox_coder: delta coder (usually stds 0.1, 0.1, 0.2, 0.2).
        loss_cls, loss_bbox: losses.
        reg_decoded_bbox: ``loss_bbox`` compares decoded boxes (e.g. ``GIoULoss``)
            instead of deltas.
        test_cfg: NMS config (``postprocess.NMS_DEFAULTS``).
    """

    def __init__(self, num_classes: int, in_channels: int, roi_size: int = 7,
                 fc_channels: int = 1024, num_fcs: int = 2, num_convs: int = 0,
                 conv_channels: int = 256, norm_cfg: Optional[dict] = None,
                 bbox_coder: dict = dict(type='DeltaXYWHBBoxCoder', stds=(0.1, 0.1, 0.2, 0.2)),
                 loss_cls: dict = dict(type='CrossEntropyLoss'),
                 loss_bbox: dict = dict(type='SmoothL1Loss', beta=1.0),
                 reg_decoded_bbox: bool = False,
                 test_cfg: dict = dict(score_thr=0.05, iou_threshold=0.5, max_per_img=100,
                                       min_size=1e-2),
                 init_cfg=(dict(type='Xavier', layer='Linear', distribution='uniform'),
                           dict(type='Normal', std=0.01, override=dict(name='fc_cls')),
                           dict(type='Normal', std=0.001, override=dict(name='fc_reg')))):
        super().__init__(list(init_cfg))
        self.num_classes = num_classes
        self.bbox_coder = TASK_UTILS.build(bbox_coder)
        self.loss_cls, self.loss_bbox = MODELS.build(loss_cls), MODELS.build(loss_bbox)
        self.reg_decoded_bbox = reg_decoded_bbox
        self.test_cfg = nms_config(test_cfg, 'BBoxHead test_cfg')
        self.shared_convs = conv_tower(in_channels, conv_channels, num_convs, norm_cfg)
        flat = (conv_channels if num_convs else in_channels) * roi_size * roi_size
        dims = [flat] + [fc_channels] * num_fcs
        self.shared_fcs = nn.Sequential(*[m for a, b in zip(dims[:-1], dims[1:])
                                          for m in (nn.Linear(a, b), nn.ReLU(inplace=True))])
        self.fc_cls = nn.Linear(dims[-1], num_classes + 1)
        self.fc_reg = nn.Linear(dims[-1], num_classes * 4)
        self._laid_out = None  # (key, the first FC's weight for channels_last RoIs)

    def forward(self, roi_feats: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        x = self.shared_convs(roi_feats)
        if (x.dtype == torch.bfloat16 and len(self.shared_fcs) and not self.training
                and not x.is_contiguous() and x.is_contiguous(memory_format=torch.channels_last)
                and not torch.jit.is_tracing()):
            # bf16 RoIs pooled channels_last (RoIAlign at inference): flattened as they
            # lie, against the first FC's columns put in that order once: no transpose of
            # the (R, C, S, S) features (Faster R-CNN: 1,000 x 12,544), no cast of the
            # weight at each call (box head 27 ms instead of 33, AMX Xeon, 2 threads)
            x = self.shared_fcs[1:](F.linear(x.permute(0, 2, 3, 1).flatten(1),
                                             self._weight_as_laid_out(x),
                                             self.shared_fcs[0].bias.to(x.dtype)))
        else:
            x = self.shared_fcs(x.flatten(1))
        return self.fc_cls(x), self.fc_reg(x)

    def _weight_as_laid_out(self, x: torch.Tensor) -> torch.Tensor:
        """The first FC's weight, columns in (S, S, C) order and in ``x``'s dtype; made
        again when the weight changes (loaded, moved, trained)."""
        weight = self.shared_fcs[0].weight
        key = (x.shape[1:], x.dtype, weight.data_ptr(), weight._version)
        if self._laid_out is None or self._laid_out[0] != key:
            columns = weight.detach().view(len(weight), *x.shape[1:]).permute(0, 2, 3, 1)
            self._laid_out = (key, columns.reshape(len(weight), -1).to(x.dtype))
        return self._laid_out[1]

    def loss(self, scores, deltas, rois, labels, gt_bboxes) -> Dict[str, torch.Tensor]:
        """rois (R, 4); labels (R,) in [0, C]; gt_bboxes (R, 4), used where labels < C."""
        num = labels.numel()
        pos = torch.nonzero(labels < self.num_classes).squeeze(1)
        pos_deltas = deltas.reshape(num, self.num_classes, 4)[pos, labels[pos]]
        if self.reg_decoded_bbox:
            pred, target = self.bbox_coder.decode(rois[pos], pos_deltas), gt_bboxes[pos]
        else:
            pred, target = pos_deltas, self.bbox_coder.encode(rois[pos], gt_bboxes[pos])
        return dict(loss_cls=self.loss_cls(scores, labels, num),
                    loss_bbox=self.loss_bbox(pred, target, num))

    def predict(self, scores, deltas, rois: torch.Tensor, img_shape) -> InstanceData:
        """One image: rois (R, 4) -> InstanceData(bboxes, scores, labels)."""
        probs = scores.softmax(-1)[:, :-1]
        # only the (RoI, class) pairs above the threshold are decoded, in the grid's order
        thr = self.test_cfg['score_thr']
        roi, labels = torch.nonzero(probs > thr if thr > 0 else probs >= 0).unbind(1)  # 0: all
        probs = probs[roi, labels]
        boxes = self.bbox_coder.decode(
            rois[roi], deltas.reshape(len(rois), self.num_classes, 4)[roi, labels], img_shape)
        keep = multiclass_nms(boxes, probs, labels, self.test_cfg)
        return InstanceData(bboxes=boxes[keep], scores=probs[keep], labels=labels[keep])
