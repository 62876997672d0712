from .coco import CocoDetDataset, DataError
from .mix_dataset import MixImageDataset
from .repeat_factor_sampler import RepeatFactorSampler
from .seg_dataset import SegDataset

__all__ = ['CocoDetDataset', 'DataError', 'MixImageDataset', 'RepeatFactorSampler',
           'SegDataset']
