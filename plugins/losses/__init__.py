from .losses import CrossEntropyLoss, DiceLoss, FocalLoss, GIoULoss, L1Loss, SmoothL1Loss

__all__ = ['CrossEntropyLoss', 'DiceLoss', 'FocalLoss', 'GIoULoss', 'L1Loss', 'SmoothL1Loss']
