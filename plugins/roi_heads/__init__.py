from .bbox_head import BBoxHead
from .keypoint_head import KeypointHead
from .mask_head import MaskHead
from .roi_extractor import RoIExtractor
from .standard_roi_head import StandardRoIHead

__all__ = ['BBoxHead', 'KeypointHead', 'MaskHead', 'RoIExtractor', 'StandardRoIHead']
