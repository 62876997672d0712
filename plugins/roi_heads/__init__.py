from .bbox_head import BBoxHead
from .roi_extractor import RoIExtractor
from .standard_roi_head import StandardRoIHead

__all__ = ['BBoxHead', 'RoIExtractor', 'StandardRoIHead']
