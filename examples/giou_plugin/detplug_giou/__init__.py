"""An outside detplug plugin. Importing it (a config's ``custom_imports``) registers
``GIoULoss`` and ``GIoUBBoxHead`` in detplug's model registry and
``DetectionCountHook`` in its hook registry; detplug itself is not changed."""
from .detection_count_hook import DetectionCountHook
from .giou_bbox_head import GIoUBBoxHead, GIoULoss

__all__ = ['GIoULoss', 'GIoUBBoxHead', 'DetectionCountHook']
