"""The data sample that travels with each image through pipeline, model and metric.

``gt_instances``: ``bboxes`` (K, 4) x1y1x2y2 in input-image pixels, ``labels`` (K,).
``pred_instances``: ``bboxes`` (D, 4) in original-image pixels, ``scores`` (D,),
``labels`` (D,). ``proposals``: ``bboxes`` (R, 4) in input-image pixels and
``scores`` (R,), loaded from a proposal file for Fast R-CNN. Meta keys (``img_id``, ``img_path``, ``ori_shape``,
``img_shape``, ``scale_factor``, ``flip``, ...) are set by ``PackDetInputs``.
"""
from mmengine.structures import BaseDataElement, InstanceData


class DetDataSample(BaseDataElement):
    """Ground truth and predictions of one image."""

    @property
    def gt_instances(self) -> InstanceData:
        return self._gt_instances

    @gt_instances.setter
    def gt_instances(self, value: InstanceData):
        self.set_field(value, '_gt_instances', dtype=InstanceData)

    @gt_instances.deleter
    def gt_instances(self):
        del self._gt_instances

    @property
    def pred_instances(self) -> InstanceData:
        return self._pred_instances

    @pred_instances.setter
    def pred_instances(self, value: InstanceData):
        self.set_field(value, '_pred_instances', dtype=InstanceData)

    @pred_instances.deleter
    def pred_instances(self):
        del self._pred_instances

    @property
    def proposals(self) -> InstanceData:
        return self._proposals

    @proposals.setter
    def proposals(self, value: InstanceData):
        self.set_field(value, '_proposals', dtype=InstanceData)

    @proposals.deleter
    def proposals(self):
        del self._proposals


def set_predictions(data_samples, results) -> list:
    """Set each sample's ``pred_instances`` to its result (boxes in input pixels),
    with the boxes mapped back to the original image by the sample's scale_factor."""
    for sample, pred in zip(data_samples, results):
        sx, sy = sample.metainfo.get('scale_factor', (1.0, 1.0))
        pred.bboxes = pred.bboxes / pred.bboxes.new_tensor([sx, sy, sx, sy])
        sample.pred_instances = pred
    return data_samples
