"""LabelMe json (one file per image: ``imagePath``, ``imageWidth``, ``imageHeight``,
``shapes`` of ``label``, ``points`` [[x, y], ...] and ``shape_type``) to COCO:
rectangles (two corners) become boxes; polygons become a box and a segmentation
polygon. Other shape types (circle, line, point) are errors naming the file and shape.
"""
import glob
import json
import os.path as osp
from typing import Optional, Sequence

from plugins.datasets.formats.coco_builder import CocoBuilder
from plugins.errors import DataError


def read_labelme(folder: str, classes: Optional[Sequence[str]] = None) -> CocoBuilder:
    files = sorted(glob.glob(osp.join(folder, '*.json')))
    if not files:
        raise DataError(f'{folder}: no LabelMe .json files')
    builder = CocoBuilder(classes)
    for path in files:
        try:
            with open(path, encoding='utf-8') as f:
                doc = json.load(f)
            image_id = builder.add_image(doc['imagePath'], doc['imageWidth'], doc['imageHeight'])
        except (ValueError, KeyError, TypeError) as e:
            raise DataError(f'{path}: not a LabelMe file ({type(e).__name__}: {e})') from None
        for i, shape in enumerate(doc.get('shapes', [])):
            where = f'{path}: shape {i}'
            kind, points = shape.get('shape_type', 'polygon'), shape.get('points') or []
            try:
                xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
            except (TypeError, ValueError, IndexError):
                raise DataError(f'{where}: points must be [[x, y], ...]') from None
            if kind == 'rectangle' and len(points) == 2:
                builder.add_box(image_id, shape.get('label', ''), (min(xs), min(ys), max(xs),
                                                                   max(ys)), where)
            elif kind == 'polygon' and len(points) >= 3:
                builder.add_box(image_id, shape.get('label', ''),
                                (min(xs), min(ys), max(xs), max(ys)), where,
                                [[v for p in zip(xs, ys) for v in p]])
            else:
                raise DataError(f'{where}: a {kind} of {len(points)} points; rectangles (2) '
                                'and polygons (3 or more) are read')
    return builder
