"""YOLO txt (one ``<stem>.txt`` per image: ``class cx cy w h`` per line, normalised to
0 .. 1 by the image's width and height; a class list, one name per line) to and from
COCO. Image sizes come from the image headers; an image without a txt file has no
objects. Errors name the file and line.
"""
import os
import os.path as osp
from typing import List

from PIL import Image

from plugins.datasets.formats.coco_builder import CocoBuilder
from plugins.errors import DataError

IMAGE_EXTS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff')


def read_class_list(path: str) -> List[str]:
    with open(path, encoding='utf-8') as f:
        names = [line.strip() for line in f if line.strip()]
    if not names:
        raise DataError(f'{path}: no class names')
    return names


def read_yolo(label_dir: str, image_dir: str, classes: List[str]) -> CocoBuilder:
    builder = CocoBuilder(classes)
    images = sorted(f for f in os.listdir(image_dir) if f.lower().endswith(IMAGE_EXTS))
    if not images:
        raise DataError(f'{image_dir}: no images')
    for name in images:
        with Image.open(osp.join(image_dir, name)) as img:
            w, h = img.size
        image_id = builder.add_image(name, w, h)
        path = osp.join(label_dir, osp.splitext(name)[0] + '.txt')
        if not osp.isfile(path):
            continue
        with open(path, encoding='utf-8') as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    label, box = _parse(line, f'{path}:{n}', len(classes), w, h)
                    builder.add_box(image_id, classes[label], box, f'{path}:{n}')
    return builder


def _parse(line: str, where: str, num_classes: int, w: int, h: int):
    fields = line.split()
    try:
        label, cx, cy, bw, bh = int(fields[0]), *(float(v) for v in fields[1:5])
        if len(fields) != 5:
            raise ValueError
    except (ValueError, IndexError):
        raise DataError(f'{where}: expected "class cx cy w h" (5 numbers), got '
                        f'{line.strip()[:80]!r}') from None
    if not 0 <= label < num_classes:
        raise DataError(f'{where}: class {label} outside 0 .. {num_classes - 1} (the class '
                        f'list has {num_classes})')
    if not all(0 <= v <= 1 for v in (cx, cy, bw, bh)):
        raise DataError(f'{where}: {cx} {cy} {bw} {bh} are not normalised to 0 .. 1 (pixel '
                        'coordinates? YOLO divides by the image width and height)')
    return label, ((cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h)


def write_yolo(coco: dict, out_dir: str) -> None:
    """``<out_dir>/<stem>.txt`` per image (empty for an image without objects) and
    ``classes.txt``."""
    os.makedirs(out_dir, exist_ok=True)
    cats = sorted(coco['categories'], key=lambda c: c['id'])
    index = {c['id']: i for i, c in enumerate(cats)}
    lines = {img['id']: [] for img in coco['images']}
    images = {img['id']: img for img in coco['images']}
    for ann in coco['annotations']:
        img = images[ann['image_id']]
        x, y, bw, bh = ann['bbox']
        lines[img['id']].append(
            f'{index[ann["category_id"]]} {(x + bw / 2) / img["width"]:.8f} '
            f'{(y + bh / 2) / img["height"]:.8f} {bw / img["width"]:.8f} '
            f'{bh / img["height"]:.8f}')
    for img in coco['images']:
        stem = osp.splitext(osp.basename(img['file_name']))[0]
        with open(osp.join(out_dir, stem + '.txt'), 'w') as f:
            f.write(''.join(line + '\n' for line in lines[img['id']]))
    with open(osp.join(out_dir, 'classes.txt'), 'w') as f:
        f.write(''.join(c['name'] + '\n' for c in cats))
