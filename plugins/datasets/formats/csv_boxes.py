"""DeepForest's CSV (``image_path, xmin, ymin, xmax, ymax, label``, one row per box,
in pixels) to and from COCO. A row whose four coordinates are all 0 marks an image
without objects (DeepForest's convention); image sizes come from the image headers.
Read with the standard library's ``csv``; errors name the file and line.
"""
import csv
import os.path as osp
from typing import Optional, Sequence

from PIL import Image

from plugins.datasets.formats.coco_builder import CocoBuilder
from plugins.errors import DataError

COLUMNS = ('image_path', 'xmin', 'ymin', 'xmax', 'ymax', 'label')


def read_csv(path: str, image_root: str, classes: Optional[Sequence[str]] = None
             ) -> CocoBuilder:
    builder, ids = CocoBuilder(classes), {}
    with open(path, newline='', encoding='utf-8') as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f'{path}: missing columns {missing} (has {reader.fieldnames})')
        for row in reader:
            where = f'{path}:{reader.line_num}'
            name = row['image_path']
            if name not in ids:
                if not osp.isfile(osp.join(image_root, name)):
                    raise DataError(f'{where}: image {name!r} not found in {image_root}')
                with Image.open(osp.join(image_root, name)) as img:
                    ids[name] = builder.add_image(name, *img.size)
            try:
                box = [float(row[k]) for k in COLUMNS[1:5]]
            except (TypeError, ValueError):
                raise DataError(f'{where}: box {[row[k] for k in COLUMNS[1:5]]} is not four '
                                'numbers') from None
            if any(box):  # all zeros: the image has no objects
                builder.add_box(ids[name], row['label'], box, where)
    return builder


def write_csv(coco: dict, path: str) -> None:
    cats = {c['id']: c['name'] for c in coco['categories']}
    first = next(iter(cats.values()), 'Tree')
    boxes = {img['id']: [] for img in coco['images']}
    for ann in coco['annotations']:
        boxes[ann['image_id']].append(ann)
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for img in coco['images']:
            if not boxes[img['id']]:
                writer.writerow([img['file_name'], 0, 0, 0, 0, first])
            for ann in boxes[img['id']]:
                x, y, w, h = ann['bbox']
                writer.writerow([img['file_name'], x, y, x + w, y + h, cats[ann['category_id']]])
