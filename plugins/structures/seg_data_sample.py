"""The data sample of one image for semantic segmentation.

``gt_sem_seg``: ``PixelData(data=(1, H, W) long)`` class per pixel of the input
image, 255 (the ignore index) where unlabelled. ``pred_sem_seg``: the same for
the prediction, at the original image size; ``seg_logits``: ``PixelData(data=
(C, H, W))`` before the argmax. Meta keys as for detection (``img_path``,
``ori_shape``, ``img_shape``, ``scale_factor``, ``flip``, ...).
"""
from mmengine.structures import BaseDataElement, PixelData


class SegDataSample(BaseDataElement):
    """Ground truth and prediction of one image."""

    @property
    def gt_sem_seg(self) -> PixelData:
        return self._gt_sem_seg

    @gt_sem_seg.setter
    def gt_sem_seg(self, value: PixelData):
        self.set_field(value, '_gt_sem_seg', dtype=PixelData)

    @property
    def pred_sem_seg(self) -> PixelData:
        return self._pred_sem_seg

    @pred_sem_seg.setter
    def pred_sem_seg(self, value: PixelData):
        self.set_field(value, '_pred_sem_seg', dtype=PixelData)

    @property
    def seg_logits(self) -> PixelData:
        return self._seg_logits

    @seg_logits.setter
    def seg_logits(self, value: PixelData):
        self.set_field(value, '_seg_logits', dtype=PixelData)
