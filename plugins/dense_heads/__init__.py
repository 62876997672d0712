from .fcos_head import FCOSHead
from .retina_head import RetinaHead
from .rpn_head import RPNHead
from .ssd_head import SSDHead

__all__ = ['FCOSHead', 'RetinaHead', 'RPNHead', 'SSDHead']
