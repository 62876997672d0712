from .augment import ColorJitter, RandomRot90
from .loading import LoadImage
from .packing import PackDetInputs

__all__ = ['ColorJitter', 'LoadImage', 'PackDetInputs', 'RandomRot90']
