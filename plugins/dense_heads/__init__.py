from .rpn_head import RPNHead
from .ssd_head import SSDHead

__all__ = ['RPNHead', 'SSDHead']
