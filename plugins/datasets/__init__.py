from .coco import CocoDetDataset, DataError
from .repeat_factor_sampler import RepeatFactorSampler
from .seg_dataset import SegDataset

__all__ = ['CocoDetDataset', 'DataError', 'RepeatFactorSampler', 'SegDataset']
