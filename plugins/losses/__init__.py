from .losses import CrossEntropyLoss, DiceLoss, FocalLoss, L1Loss, SmoothL1Loss

__all__ = ['CrossEntropyLoss', 'DiceLoss', 'FocalLoss', 'L1Loss', 'SmoothL1Loss']
