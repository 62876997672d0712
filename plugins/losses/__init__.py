from .losses import CrossEntropyLoss, DiceLoss, L1Loss, SmoothL1Loss

__all__ = ['CrossEntropyLoss', 'DiceLoss', 'L1Loss', 'SmoothL1Loss']
