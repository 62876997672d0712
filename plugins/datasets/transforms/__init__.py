from .augment import ColorJitter, RandomRescale, RandomRot90
from .loading import LoadImage
from .masks import LoadAnnotations, Pad, RandomFlip, Resize
from .mix import MixUp, Mosaic
from .packing import PackDetInputs, PackSegInputs
from .ssd_augment import Expand, MinIoURandomCrop, PhotoMetricDistortion

__all__ = ['ColorJitter', 'Expand', 'LoadAnnotations', 'LoadImage', 'MinIoURandomCrop', 'MixUp',
           'Mosaic', 'PackDetInputs', 'PackSegInputs', 'Pad', 'PhotoMetricDistortion',
           'RandomFlip', 'RandomRescale', 'RandomRot90', 'Resize']
