"""The data sample that travels with each image through pipeline, model and metric.

``gt_instances``: ``bboxes`` (K, 4) x1y1x2y2 in input-image pixels, ``labels`` (K,),
with ``LoadAnnotations(with_mask=True)`` ``masks`` (K, H, W) bool.
``pred_instances``: ``bboxes`` (D, 4) in original-image pixels, ``scores`` (D,),
``labels`` (D,), for Mask R-CNN ``masks`` (D, H, W) bool at the original size, for
Keypoint R-CNN ``keypoints`` (D, K, 3) (x, y, 1) and ``keypoint_scores`` (D, K).
``ignored_instances``: ``bboxes`` (I, 4) of crowd regions (COCO ``iscrowd``): priors
overlapping them are neither positive nor negative in training.
``proposals``: ``bboxes`` (R, 4) in input-image pixels and ``scores`` (R,), loaded
from a proposal file for Fast R-CNN. Meta keys (``img_id``,
``img_path``, ``ori_shape``, ``img_shape``, ``scale_factor``, ``flip``, ...) are set by
``PackDetInputs``; the model adds ``batch_input_shape``.
"""
from mmengine.structures import BaseDataElement, InstanceData

from plugins.structures.masks import MASK_THRESHOLD, paste_masks


def typed_field(name: str, dtype: type) -> property:
    """A data-sample property stored as ``_<name>`` that only accepts ``dtype``."""

    def get(self):
        return getattr(self, f'_{name}')

    def set_(self, value):
        self.set_field(value, f'_{name}', dtype=dtype)

    def delete(self):
        delattr(self, f'_{name}')

    return property(get, set_, delete)


class DetDataSample(BaseDataElement):
    """Ground truth and predictions of one image."""

    gt_instances = typed_field('gt_instances', InstanceData)
    pred_instances = typed_field('pred_instances', InstanceData)
    proposals = typed_field('proposals', InstanceData)
    ignored_instances = typed_field('ignored_instances', InstanceData)


def set_predictions(data_samples, results) -> list:
    """Set each sample's ``pred_instances`` to its result (boxes in input pixels),
    with the boxes mapped back to the original image by the sample's scale_factor;
    RoI masks (``mask_probs``) become ``masks`` pasted into the original image, and
    ``keypoints`` (D, K, 3) are mapped back like the boxes."""
    for sample, pred in zip(data_samples, results):
        sx, sy = sample.metainfo.get('scale_factor', (1.0, 1.0))
        pred.bboxes = pred.bboxes / pred.bboxes.new_tensor([sx, sy, sx, sy])
        if 'keypoints' in pred:
            pred.keypoints = pred.keypoints / pred.keypoints.new_tensor([sx, sy, 1.0])
        if 'mask_probs' in pred:
            shape = sample.metainfo.get('ori_shape', sample.metainfo.get('img_shape'))
            pred.masks = paste_masks(pred.mask_probs, pred.bboxes, shape) > MASK_THRESHOLD
            del pred.mask_probs
        sample.pred_instances = pred
    return data_samples
