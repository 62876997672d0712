from .coco import CocoDetDataset, DataError

__all__ = ['CocoDetDataset', 'DataError']
