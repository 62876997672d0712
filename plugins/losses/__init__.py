from .losses import CrossEntropyLoss, L1Loss, SmoothL1Loss

__all__ = ['CrossEntropyLoss', 'L1Loss', 'SmoothL1Loss']
