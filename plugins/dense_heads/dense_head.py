"""What the one-stage heads (SSD, RetinaNet, FCOS) share: priors on every level, the
match of priors to ground truth with regression targets, the NMS config, and the
per-level selection of detections.

Shapes: N images, level l a (H_l, W_l) map with P_l priors, P priors per image over
all levels, C classes, G gt boxes per image, P+ matched (positive) priors.
Call flow of a subclass: forward (the network) -> per-level maps; the detector
hands them, cast to fp32, to loss_by_feat -> ``priors`` and, per image, ``match``;
or to predict_by_feat -> ``priors``, per-image scores, ``detections``.
"""
from typing import List, Tuple

import torch
from mmengine.model import BaseModule
from mmengine.structures import InstanceData

from plugins.dense_heads.utils import batch_input_size
from plugins.registry import TASK_UTILS
from plugins.task_modules.assigner import AssignResult
from plugins.task_modules.postprocess import multiclass_nms, nms_config
from plugins.task_modules.targets import ignored_bboxes


class DenseHead(BaseModule):
    """Args:
        num_classes: foreground classes C.
        prior_generator, bbox_coder, assigner: task-util configs (anchors or default
            boxes, delta coder, matching).
        test_cfg: NMS config (``postprocess.NMS_DEFAULTS``).
    """

    def __init__(self, num_classes: int, prior_generator: dict, bbox_coder: dict, assigner: dict,
                 test_cfg: dict, init_cfg=None):
        super().__init__(init_cfg)
        self.num_classes = num_classes
        self.prior_generator = TASK_UTILS.build(prior_generator)
        self.bbox_coder = TASK_UTILS.build(bbox_coder)
        self.assigner = TASK_UTILS.build(assigner)
        self.test_cfg = nms_config(test_cfg, f'{type(self).__name__} test_cfg')

    def priors(self, maps, data_samples) -> List[torch.Tensor]:
        """Per level (H_l * W_l * A_l, 4) x1y1x2y2, in the order of ``flatten_levels``;
        ``maps``: one (N, *, H_l, W_l) map per level (features or the head's outputs)."""
        # plain ints: while tracing (ONNX export) the priors become constants
        sizes = [(int(f.shape[-2]), int(f.shape[-1])) for f in maps]
        return self.prior_generator.grid_anchors(sizes, maps[0].device,
                                                 batch_input_size(data_samples))

    def match(self, priors: torch.Tensor, data_sample
              ) -> Tuple[AssignResult, torch.Tensor, torch.Tensor]:
        """priors (P, 4), a training sample -> (the assignment (priors in its crowd
        regions ignored), positive indices (P+,), their encoded regression targets (P+, 4))."""
        gt_instances = data_sample.gt_instances
        assign = self.assigner.assign(priors, gt_instances.bboxes, gt_instances.labels,
                                      ignored_bboxes(data_sample))
        pos = torch.nonzero(assign.gt_inds > 0).squeeze(1)
        targets = self.bbox_coder.encode(priors[pos], gt_instances.bboxes[assign.gt_inds[pos] - 1])
        return assign, pos, targets

    def detections(self, level_scores: List[torch.Tensor], level_deltas: List[torch.Tensor],
                   level_priors: List[torch.Tensor], img_shape) -> InstanceData:
        """One image: per level, scores (P_l * C,) of the (prior, class) pairs, deltas
        (P_l, 4) and priors (P_l, 4) -> per level the ``nms_pre`` best pairs above
        ``score_thr``, decoded and clipped; then ``multiclass_nms`` over all levels (NMS
        per class, the ``max_per_img`` best): torchvision's RetinaNet and FCOS rule."""
        cfg, boxes, scores, labels = self.test_cfg, [], [], []
        for s, deltas, priors in zip(level_scores, level_deltas, level_priors):
            cand = torch.nonzero(s > cfg['score_thr']).squeeze(1)
            s, top = s[cand].topk(min(cfg['nms_pre'] or cand.numel(), cand.numel()))
            cand = cand[top]
            prior = torch.div(cand, self.num_classes, rounding_mode='floor')
            boxes.append(self.bbox_coder.decode(priors[prior], deltas[prior], img_shape))
            scores.append(s)
            labels.append(cand % self.num_classes)
        boxes, scores, labels = torch.cat(boxes), torch.cat(scores), torch.cat(labels)
        keep = multiclass_nms(boxes, scores, labels, dict(cfg, score_thr=0.0, nms_pre=None))
        return InstanceData(bboxes=boxes[keep], scores=scores[keep], labels=labels[keep])
