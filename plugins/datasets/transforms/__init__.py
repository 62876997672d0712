from .augment import ColorJitter, RandomRescale, RandomRot90
from .loading import LoadImage
from .packing import PackDetInputs, PackSegInputs
from .ssd_augment import Expand, MinIoURandomCrop, PhotoMetricDistortion

__all__ = ['ColorJitter', 'Expand', 'LoadImage', 'MinIoURandomCrop', 'PackDetInputs',
           'PackSegInputs', 'PhotoMetricDistortion', 'RandomRescale', 'RandomRot90']
