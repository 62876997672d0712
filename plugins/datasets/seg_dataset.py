"""Semantic segmentation dataset: a folder of images and a folder of PNG label maps.

Each image ``<img dir>/<stem><img_suffix>`` pairs with ``<label dir>/<stem>
<seg_map_suffix>``, a single-channel PNG of class indices (0 .. C-1), with
``ignore_index`` (255) for unlabelled pixels. Class names and a palette come
from ``metainfo``. The images are those of the folder, or the stems listed in an
``ann_file`` (Pascal VOC's ``ImageSets/Segmentation/val.txt``). A missing label map, a
missing list or an empty image folder is an error naming the path. Every label map is
read once when the dataset is built (``label_maps.count_labels``: values outside the
classes, the 0/255 trap) and the pixels per class are logged.
"""
import os
import os.path as osp
from typing import List, Optional

from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from plugins.datasets.label_maps import count_labels
from plugins.errors import DataError
from plugins.registry import DATASETS


@DATASETS.register_module()
class SegDataset(BaseDataset):
    """Args:
        data_root: folder the prefixes are relative to.
        data_prefix: ``dict(img_path=..., seg_map_path=...)`` folders.
        ann_file: a text file of image stems, one per line (relative to ``data_root``);
            empty: every image of the folder.
        img_suffix, seg_map_suffix: file name endings of images and label maps.
        metainfo: ``dict(classes=(...), palette=[(b, g, r), ...])``.
        ignore_index: label of unlabelled pixels.
        check_labels: read every label map once at build time (values, the 0/255
            trap, pixels per class logged); False skips it for very large sets.
        pipeline, test_mode, ...: as MMEngine's ``BaseDataset``.
    """

    def __init__(self, data_root: str, data_prefix: dict, metainfo: dict, ann_file: str = '',
                 img_suffix: str = '.png', seg_map_suffix: str = '.png', ignore_index: int = 255,
                 pipeline=(), test_mode: bool = False, lazy_init: bool = False,
                 max_refetch: int = 1000, indices: Optional[int] = None,
                 check_labels: bool = True):
        self.img_suffix, self.seg_map_suffix = img_suffix, seg_map_suffix
        self.ignore_index, self.check_labels = ignore_index, check_labels
        super().__init__(ann_file=ann_file, data_root=data_root, data_prefix=data_prefix,
                         metainfo=metainfo, pipeline=list(pipeline), test_mode=test_mode,
                         lazy_init=lazy_init, max_refetch=max_refetch, indices=indices)

    def load_data_list(self) -> List[dict]:
        img_dir, seg_dir = self.data_prefix['img_path'], self.data_prefix['seg_map_path']
        if not osp.isdir(img_dir):
            raise DataError(f'{img_dir}: image folder not found')
        if self.ann_file:
            if not osp.isfile(self.ann_file):
                raise DataError(f'{self.ann_file}: image list not found')
            with open(self.ann_file, encoding='utf-8') as f:
                stems = [line.strip() for line in f if line.strip()]
        else:
            stems = sorted(f[:-len(self.img_suffix)] for f in os.listdir(img_dir)
                           if f.endswith(self.img_suffix))
        if not stems:
            raise DataError(f'{self.ann_file or img_dir}: no *{self.img_suffix} images')
        data = []
        for stem in stems:
            img = osp.join(img_dir, stem + self.img_suffix)
            if self.ann_file and not osp.isfile(img):
                raise DataError(f'{self.ann_file}: image {img} not found')
            seg = osp.join(seg_dir, stem + self.seg_map_suffix)
            if not osp.isfile(seg):
                raise DataError(f'{seg}: label map not found (for {stem}{self.img_suffix})')
            data.append(dict(img_path=img, seg_map_path=seg, seg_fields=[],
                             reduce_zero_label=False))
        if self.check_labels:
            classes = self.metainfo['classes']
            counts = count_labels([d['seg_map_path'] for d in data], len(classes),
                                  self.ignore_index)
            print_log(f'{seg_dir}: {len(data)} label maps, pixels per class: ' + ', '.join(
                f'{name} {n}' for name, n in zip([*classes, 'ignored'], counts.tolist())),
                logger='current')
        return data
