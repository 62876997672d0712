"""An outside detplug plugin. Importing it (a config's ``custom_imports``) registers
``GIoULoss`` in detplug's model registry and ``DetectionCountHook`` in its hook
registry; detplug itself is not changed. The GIoU box head is a config: detplug's
``BBoxHead`` with ``reg_decoded_bbox=True`` and ``loss_bbox=dict(type='GIoULoss')``."""
from .detection_count_hook import DetectionCountHook
from .giou_loss import GIoULoss

__all__ = ['GIoULoss', 'DetectionCountHook']
