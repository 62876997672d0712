from .coco import CocoDetDataset, DataError
from .seg_dataset import SegDataset

__all__ = ['CocoDetDataset', 'DataError', 'SegDataset']
