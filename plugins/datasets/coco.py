"""COCO-format detection dataset.

Policy for bad annotations (each case is logged with the file and annotation id):
- a box with non-finite values, zero or negative width/height (x2 <= x1 or
  y2 <= y1 once converted), or lying wholly outside the image: skipped;
- a box partly outside the image: clipped to the image;
- a category id not in the file's ``categories``: error;
- an image file that does not exist, or no image at all: error when the dataset is built;
- an image path (``file_name`` joined to the image prefix) that resolves, symlinks
  included, outside ``data_root`` (without one: the image prefix; without that, the
  annotation file's folder): error, unless ``allow_outside_root=True``;
- more than ``max_instances`` annotations on one image: error (memory in training grows
  with boxes x anchors: 5,000 boxes on one image took 5.8 GB);
- an image with no (valid) boxes: kept for testing, dropped from training
  when ``filter_empty_gt=True``;
- with a ``proposal_file``, an image it has no proposals for: error;
- a ``segmentation`` (kept as the instance's ``mask`` for
  ``LoadAnnotations(with_mask=True)``): ``coco_masks.checked_segmentation`` (polygons of
  fewer than 3 points dropped, logged; non-finite or far-outside vertices, RLE counts
  that are negative or do not cover the image exactly: error);
- ``iscrowd: 1``: a crowd region, ``ignore_flag=1``: not an object to learn but a region
  whose anchors / proposals are neither positive nor negative
  (``LoadAnnotations`` -> ``PackDetInputs`` -> ``ignored_instances``), as the metric
  treats it;
- ``keypoints`` (kept for ``LoadAnnotations(with_keypoints=True)``): not a flat list of
  x, y, visibility triples: error.
The file's structure is checked by ``coco_json.read_coco``; the box and mask rules
(``coco_json.checked_box``, ``coco_masks.checked_segmentation``) are also what ``CocoMetric``
scores against.
"""
import difflib
import json
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from plugins.datasets.coco_json import checked_box, checked_keypoints, image_path, read_coco
from plugins.datasets.coco_masks import checked_segmentation
from plugins.errors import ConfigError, DataError
from plugins.registry import DATASETS


def read_proposal_file(path: str) -> dict:
    """A COCO results json of proposals (``tools/test.py --out`` of an RPN config, or any
    method writing a list of ``{"image_id", "bbox": [x, y, w, h], "score"}``) ->
    image id -> (boxes (K, 4) x1y1x2y2 float32, scores (K,)), best first."""
    if not osp.isfile(path):
        raise DataError(f'{path}: proposal file not found')
    per_image = {}
    try:
        with open(path, encoding='utf-8') as f:
            for e in json.load(f):
                x, y, w, h = e['bbox']
                per_image.setdefault(int(e['image_id']), []).append(
                    (x, y, x + w, y + h, float(e['score'])))
    except (ValueError, KeyError, TypeError) as err:
        raise DataError(f'{path}: not a proposal file (a JSON list of image_id, bbox, score): '
                        f'{err!r}') from None
    out = {}
    for img_id, rows in per_image.items():
        arr = np.asarray(rows, np.float32)
        arr = arr[np.argsort(-arr[:, 4], kind='stable')]
        out[img_id] = (arr[:, :4], arr[:, 4])
    return out


METAINFO_KEYS = ('classes', 'palette')


@DATASETS.register_module()
class CocoDetDataset(BaseDataset):
    """Detection dataset from a COCO json. Classes come from its ``categories`` (sorted
    by id), or from ``metainfo=dict(classes=(...))``: names of the json's categories, in
    the order of the labels; a name the json lacks, or one given twice, is an error, and
    annotations of the json's other categories are left out (logged).

    Args:
        filter_empty_gt: drop images without boxes (use for training only).
        check_files: verify at build time that every image file exists.
        proposal_file: precomputed proposals (relative to ``data_root``) for
            Fast R-CNN; each image's ``proposals`` and ``proposal_scores`` then
            travel with it through the pipeline (only ``RandomRot90`` moves them).
        max_instances: the most annotations one image may have.
        allow_outside_root: read image paths that resolve outside ``data_root``.
    """

    def __init__(self, ann_file: str, data_root: str = '', data_prefix: dict = dict(img=''),
                 pipeline: Sequence = (), metainfo: Optional[dict] = None,
                 test_mode: bool = False, indices: Optional[int] = None,
                 filter_empty_gt: bool = False, check_files: bool = True,
                 proposal_file: Optional[str] = None, max_instances: int = 1000,
                 allow_outside_root: bool = False):
        for key in metainfo or {}:
            if key not in METAINFO_KEYS:
                close = difflib.get_close_matches(key, METAINFO_KEYS, n=1)
                raise ConfigError(f'dataset metainfo: unknown key "{key}"'
                                  + (f' (did you mean {close[0]}?)' if close else ''))
        self.filter_empty_gt = filter_empty_gt
        self.check_files = check_files
        self.proposal_file = proposal_file
        self.max_instances = max_instances
        self.allow_outside_root = allow_outside_root
        super().__init__(ann_file=ann_file, metainfo=metainfo, data_root=data_root,
                         data_prefix=data_prefix, pipeline=pipeline, test_mode=test_mode,
                         indices=indices)

    def load_data_list(self) -> List[dict]:
        coco = read_coco(self.ann_file)
        if not coco['images']:
            raise DataError(f'{self.ann_file}: "images" is empty: nothing to train on or '
                            'evaluate')
        cat2label = self._labels(sorted(coco['categories'], key=lambda c: c['id']))
        self._left_out = 0
        anns_by_img = {}
        for ann in coco['annotations']:
            anns_by_img.setdefault(ann['image_id'], []).append(ann)
        proposals = None
        if self.proposal_file:
            if not osp.isabs(self.proposal_file):
                self.proposal_file = osp.join(self.data_root, self.proposal_file)
            proposals = read_proposal_file(self.proposal_file)
        data_list = []
        img_prefix = self.data_prefix.get('img', '')
        root = self.data_root or img_prefix or osp.dirname(self.ann_file)
        for img in coco['images']:
            path = image_path(img_prefix, img['file_name'], root,
                              f'{self.ann_file}: image {img["id"]}', self.allow_outside_root)
            if self.check_files and not osp.isfile(path):
                raise DataError(f'{self.ann_file}: image file not found: {path}')
            if len(anns_by_img.get(img['id'], [])) > self.max_instances:
                raise DataError(f'{self.ann_file}: image {img["id"]} ({path}) has '
                                f'{len(anns_by_img[img["id"]])} annotations, more than '
                                f'max_instances={self.max_instances} (raise it in the dataset '
                                'config if memory allows)')
            instances = [inst for ann in anns_by_img.get(img['id'], [])
                         if (inst := self._parse_ann(ann, img, path, cat2label)) is not None]
            info = dict(img_id=img['id'], img_path=path, height=img['height'],
                        width=img['width'], instances=instances)
            if proposals is not None:
                if img['id'] not in proposals:
                    raise DataError(f'{self.proposal_file}: no proposals for image id {img["id"]} '
                                    f'({path})')
                info['proposals'], info['proposal_scores'] = proposals[img['id']]
            data_list.append(info)
        self._metainfo['ann_file'] = self.ann_file  # the ground truth a CocoMetric scores against
        if self._left_out:
            print_log(f'{self.ann_file}: {self._left_out} annotations of categories not in '
                      f'the classes {self.metainfo["classes"]} are left out', 'current', 30)
        return data_list

    def _labels(self, cats: List[dict]) -> dict:
        """category id -> label, for the categories the classes select."""
        names = [c['name'] for c in cats]
        classes = self._metainfo.get('classes')
        if not classes:
            self._metainfo['classes'] = classes = tuple(names)
        twice = sorted({c for c in classes if list(classes).count(c) > 1})
        absent = [c for c in classes if c not in names]
        if twice or absent:
            raise DataError(f'{self.ann_file}: metainfo classes {twice or absent} '
                            f'{"are given twice" if twice else "are not categories of this file"}'
                            f' (its categories: {names})')
        self._category_ids = {c['id'] for c in cats}
        by_name = {c['name']: c['id'] for c in cats}
        return {by_name[name]: label for label, name in enumerate(classes)}

    def _parse_ann(self, ann: dict, img: dict, path: str, cat2label: dict):
        where = f'{self.ann_file}: annotation {ann.get("id")} of {path}'
        if ann.get('category_id') not in self._category_ids:
            raise DataError(f'{where}: unknown category_id {ann.get("category_id")}')
        if ann['category_id'] not in cat2label:
            self._left_out += 1
            return None
        box = checked_box(ann, img, where)
        if box is None:
            return None
        inst = dict(bbox=box, bbox_label=cat2label[ann['category_id']], ann_id=ann.get('id'))
        if ann.get('iscrowd'):
            inst['ignore_flag'] = 1  # a crowd region: ignored in training, as by the metric
        if ann.get('segmentation') is not None:
            mask = checked_segmentation(ann['segmentation'], img, where)
            if mask is not None:
                inst['mask'] = mask
        if ann.get('keypoints') is not None:
            inst['keypoints'] = checked_keypoints(ann['keypoints'], where)
        return inst

    def filter_data(self) -> List[dict]:
        if self.test_mode or not self.filter_empty_gt:
            return self.data_list
        kept = [d for d in self.data_list if d['instances']]
        if not kept:
            raise DataError(f'{self.ann_file}: no image with a valid box is left for training')
        if len(kept) < len(self.data_list):
            print_log(f'{self.ann_file}: {len(self.data_list) - len(kept)} images without '
                      'boxes are left out of training', 'current')
        return kept
