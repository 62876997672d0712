"""The NEON tree-crown images as COCO-format train / val sets (``tools/prepare_neon.py``).

Source: the ``data/`` folder of the deepforest 2.1.0 wheel (MIT), downloaded with
``pip download --no-deps`` (nothing is installed); a local folder holding the same
files (e.g. ``../shared/data/neon_trees``) is used instead when given or found there.
Train: the two YELL images cut into tiles (the border rule is in ``tiling.py``).
Val: OSBS_029, whole.
"""
import json
import os
import os.path as osp
import xml.etree.ElementTree as ET
from typing import Optional

import numpy as np
from PIL import Image

from plugins.datasets.tile_coco import tile_coco
from plugins.utils.wheel_data import fetch_from_wheel

TRAIN_STEMS = ('2019_YELL_2_528000_4978000_image_crop2', '2019_YELL_2_541000_4977000_image_crop')
VAL_STEMS = ('OSBS_029',)
WHEEL = 'deepforest==2.1.0'
# a checkout's ../shared copy (tests and CI), used instead of the download when present
SHARED = osp.normpath(osp.join(osp.dirname(osp.abspath(__file__)), '..', '..', '..', 'shared',
                               'data', 'neon_trees'))


def fetch_source(cache_dir: str) -> str:
    """Download the deepforest wheel (no deps) and extract its data files."""
    return fetch_from_wheel(WHEEL, [f'deepforest/data/{stem}{ext}' for stem in
                                    TRAIN_STEMS + VAL_STEMS for ext in ('.png', '.xml')],
                            osp.join(cache_dir, 'deepforest_data'))


def read_voc(xml_path: str) -> np.ndarray:
    """Boxes (K, 4) x1y1x2y2 from a Pascal VOC file (all objects are trees)."""
    root = ET.parse(xml_path).getroot()
    boxes = [[float(o.find('bndbox').find(k).text) for k in ('xmin', 'ymin', 'xmax', 'ymax')]
             for o in root.iter('object')]
    return np.array(boxes, dtype=np.float64).reshape(-1, 4)


class CocoWriter:
    """Accumulates images and boxes, writes one COCO json."""

    def __init__(self):
        self.images, self.annotations = [], []

    def add(self, file_name: str, width: int, height: int, boxes: np.ndarray):
        img_id = len(self.images) + 1
        self.images.append(dict(id=img_id, file_name=file_name, width=width, height=height))
        for x1, y1, x2, y2 in boxes.tolist():
            self.annotations.append(dict(
                id=len(self.annotations) + 1, image_id=img_id, category_id=1, iscrowd=0,
                bbox=[x1, y1, x2 - x1, y2 - y1], area=(x2 - x1) * (y2 - y1)))

    def dump(self, path: str):
        with open(path, 'w') as f:
            json.dump(dict(images=self.images, annotations=self.annotations,
                           categories=[dict(id=1, name='Tree')]), f)


def source_folder(src: Optional[str], cache: str) -> str:
    """``src`` if given, else the ../shared copy when present, else the wheel's files."""
    return src or (SHARED if osp.isdir(SHARED) else fetch_source(cache))


def prepare_neon(src: str, out: str, tile: int = 400, overlap: int = 100,
                 min_visible: float = 0.5) -> dict:
    """Train tiles and the whole val image from the files in ``src`` into ``out``;
    returns the counts."""
    os.makedirs(osp.join(out, 'val'), exist_ok=True)
    whole = CocoWriter()  # the two YELL images whole, tiled by the generic COCO tiler
    for stem in TRAIN_STEMS:
        with Image.open(osp.join(src, stem + '.png')) as img:
            w, h = img.size
        boxes = read_voc(osp.join(src, stem + '.xml'))
        boxes[:, 0::2] = boxes[:, 0::2].clip(0, w)
        boxes[:, 1::2] = boxes[:, 1::2].clip(0, h)
        whole.add(stem + '.png', w, h, boxes)
    whole.dump(osp.join(out, 'train_whole.json'))
    train = tile_coco(osp.join(out, 'train_whole.json'), src, out, tile, overlap, min_visible,
                      prefix='train')
    val = CocoWriter()
    for stem in VAL_STEMS:
        name = f'val/{stem}.png'
        image = Image.open(osp.join(src, stem + '.png')).convert('RGB')
        image.save(osp.join(out, name))
        val.add(name, image.width, image.height, read_voc(osp.join(src, stem + '.xml')))
    val.dump(osp.join(out, 'val.json'))
    return dict(train_images=train['tiles'], train_boxes=train['boxes'],
                val_images=len(val.images), val_boxes=len(val.annotations))
