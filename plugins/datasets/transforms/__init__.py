from .loading import LoadImage
from .augment import ColorJitter, RandomRot90
from .packing import PackDetInputs

__all__ = ['LoadImage', 'ColorJitter', 'RandomRot90', 'PackDetInputs']
