"""Cut a COCO data set of large images into training tiles, in one call
(``tools/tile_coco.py``): any COCO json, any image size (GeoTIFFs are read window by
window, ``plugins.inference.sources``).

Rule at a tile border (``tiling.boxes_in_window``, the rule ``tools/prepare_neon.py``
uses): a box is clipped to the tile and kept when at least ``min_visible`` of its area
lies inside; smaller fragments are dropped. Boxes pass ``coco_json.checked_box`` first.
Tiles without a box are kept (``keep_empty=True``: negatives the detector learns from)
or not written. Instance masks are not tiled: annotations keep their box only (logged).
Tiles are PNG files ``<out>/<prefix>/<image stem>_<x>_<y>.png``; categories are copied.
"""
import json
import os
import os.path as osp

import cv2
import numpy as np
from mmengine.logging import print_log
from mmengine.utils import ProgressBar

from plugins.datasets.coco_json import checked_box, image_path, read_coco
from plugins.datasets.tiling import boxes_in_window, tile_windows
from plugins.errors import ConfigError


def tile_coco(ann_file: str, image_root: str, out_dir: str, tile: int = 400,
              overlap: int = 100, min_visible: float = 0.5, keep_empty: bool = True,
              prefix: str = 'tiles') -> dict:
    """Write the tiles and ``<out_dir>/<prefix>.json``; returns counts."""
    from plugins.inference.sources import open_image  # reads rasters window by window
    if not 0 <= overlap < tile:
        raise ConfigError(f'tile overlap {overlap}: must be in [0, tile={tile})')
    if not 0 < min_visible <= 1:
        raise ConfigError(f'min_visible {min_visible}: must be in (0, 1]')
    coco = read_coco(ann_file)
    by_image = {}
    for ann in coco['annotations']:
        by_image.setdefault(ann['image_id'], []).append(ann)
    os.makedirs(osp.join(out_dir, prefix), exist_ok=True)
    images, annotations, masks_dropped = [], [], 0
    bar = ProgressBar(len(coco['images']))
    for img in coco['images']:
        anns = [(a, box) for a in by_image.get(img['id'], [])
                if (box := checked_box(a, img, f'{ann_file}: annotation {a.get("id")}'))]
        masks_dropped += sum('segmentation' in a for a, _ in anns)
        boxes = np.array([box for _, box in anns], np.float64).reshape(-1, 4)
        source = open_image(image_path(image_root, img['file_name'], image_root,
                                       f'{ann_file}: image {img["id"]}'))
        stem = osp.splitext(osp.basename(img['file_name']))[0]
        for window in tile_windows(source.width, source.height, tile, overlap):
            kept, index = boxes_in_window(boxes, window, min_visible)
            if not len(kept) and not keep_empty:
                continue
            x1, y1, x2, y2 = window
            name = f'{prefix}/{stem}_{x1}_{y1}.png'
            cv2.imwrite(osp.join(out_dir, name), source.read(*window))
            images.append(dict(id=len(images) + 1, file_name=name, width=x2 - x1,
                               height=y2 - y1))
            for (bx1, by1, bx2, by2), i in zip(kept.tolist(), index.tolist()):
                ann = anns[i][0]
                annotations.append(dict(
                    id=len(annotations) + 1, image_id=len(images),
                    category_id=ann['category_id'], iscrowd=ann.get('iscrowd', 0),
                    bbox=[bx1, by1, bx2 - bx1, by2 - by1], area=(bx2 - bx1) * (by2 - by1)))
        bar.update()
    if masks_dropped:
        print_log(f'{ann_file}: {masks_dropped} annotations keep their box only (masks are '
                  'not tiled)', logger='current', level=30)
    with open(osp.join(out_dir, f'{prefix}.json'), 'w') as f:
        json.dump(dict(images=images, annotations=annotations,
                       categories=coco['categories']), f)
    return dict(images=len(coco['images']), tiles=len(images), boxes=len(annotations))
