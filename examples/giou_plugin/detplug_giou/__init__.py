"""An outside detplug plugin. Importing it (a config's ``custom_imports``) registers
``DIoULoss`` in detplug's model registry and ``DetectionCountHook`` in its hook
registry; detplug itself is not changed. The DIoU box head is a config: detplug's
``BBoxHead`` with ``reg_decoded_bbox=True`` and ``loss_bbox=dict(type='DIoULoss')``.
(The package is named for the GIoU loss it first added; GIoU is now detplug's own
``GIoULoss``, which FCOS uses.)"""
from .detection_count_hook import DetectionCountHook
from .diou_loss import DIoULoss

__all__ = ['DIoULoss', 'DetectionCountHook']
