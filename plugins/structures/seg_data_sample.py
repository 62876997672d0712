"""The data sample of one image for semantic segmentation.

``gt_sem_seg``: ``PixelData(data=(1, H, W) long)`` class per pixel of the input
image, 255 (the ignore index) where unlabelled. ``pred_sem_seg``: the same for
the prediction, at the original image size; ``seg_logits``: ``PixelData(data=
(C, H, W))`` before the argmax. Meta keys as for detection (``img_path``,
``ori_shape``, ``img_shape``, ``scale_factor``, ``flip``, ...).
"""
from mmengine.structures import BaseDataElement, PixelData

from plugins.structures.det_data_sample import typed_field


class SegDataSample(BaseDataElement):
    """Ground truth and prediction of one image."""

    gt_sem_seg = typed_field('gt_sem_seg', PixelData)
    pred_sem_seg = typed_field('pred_sem_seg', PixelData)
    seg_logits = typed_field('seg_logits', PixelData)
