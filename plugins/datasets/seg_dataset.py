"""Semantic segmentation dataset: a folder of images and a folder of PNG label maps.

Each image ``<img dir>/<stem><img_suffix>`` pairs with ``<label dir>/<stem>
<seg_map_suffix>``, a single-channel PNG of class indices (0 .. C-1), with
``ignore_index`` (255) for unlabelled pixels. Class names and a palette come
from ``metainfo``. A missing label map or an empty image folder is an error
naming the path.
"""
import os
import os.path as osp
from typing import List, Optional

from mmengine.dataset import BaseDataset

from plugins.errors import DataError
from plugins.registry import DATASETS


@DATASETS.register_module()
class SegDataset(BaseDataset):
    """Args:
        data_root: folder the prefixes are relative to.
        data_prefix: ``dict(img_path=..., seg_map_path=...)`` folders.
        img_suffix, seg_map_suffix: file name endings of images and label maps.
        metainfo: ``dict(classes=(...), palette=[(b, g, r), ...])``.
        ignore_index: label of unlabelled pixels.
        pipeline, test_mode, ...: as MMEngine's ``BaseDataset``.
    """

    def __init__(self, data_root: str, data_prefix: dict, metainfo: dict,
                 img_suffix: str = '.png', seg_map_suffix: str = '.png', ignore_index: int = 255,
                 pipeline=(), test_mode: bool = False, lazy_init: bool = False,
                 max_refetch: int = 1000, indices: Optional[int] = None):
        self.img_suffix, self.seg_map_suffix = img_suffix, seg_map_suffix
        self.ignore_index = ignore_index
        super().__init__(data_root=data_root, data_prefix=data_prefix, metainfo=metainfo,
                         pipeline=list(pipeline), test_mode=test_mode, lazy_init=lazy_init,
                         max_refetch=max_refetch, indices=indices)

    def load_data_list(self) -> List[dict]:
        img_dir, seg_dir = self.data_prefix['img_path'], self.data_prefix['seg_map_path']
        if not osp.isdir(img_dir):
            raise DataError(f'{img_dir}: image folder not found')
        stems = sorted(f[:-len(self.img_suffix)] for f in os.listdir(img_dir)
                       if f.endswith(self.img_suffix))
        if not stems:
            raise DataError(f'{img_dir}: no *{self.img_suffix} images')
        data = []
        for stem in stems:
            seg = osp.join(seg_dir, stem + self.seg_map_suffix)
            if not osp.isfile(seg):
                raise DataError(f'{seg}: label map not found (for {stem}{self.img_suffix})')
            data.append(dict(img_path=osp.join(img_dir, stem + self.img_suffix),
                             seg_map_path=seg, seg_fields=[], reduce_zero_label=False))
        return data
