"""Read a COCO json and check its structure, so that a malformed file is one line
naming the file and the entry, never a KeyError or TypeError later on.

Checked: UTF-8 text, valid JSON, a top-level object whose ``images`` and
``categories`` are lists (``annotations``: a list, or absent for none); each
category has an ``id`` and a ``name``; each image an ``id``, ``file_name`` and a
positive integer ``width`` and ``height``, ids unique; each annotation is an object
with an ``image_id``. Annotations whose ``image_id`` is not among the images are
left out, and counted in a logged warning.

``checked_box`` is the one rule for a box, used by the dataset (what it trains and
tests on) and by ``CocoMetric`` (what it scores against): non-finite, zero or negative
size, or wholly outside the image: skipped; partly outside: clipped.
``checked_keypoints``: a flat list of (x, y, visibility) numbers, or an error.
``image_path``: an image's path, confined to the data root. The rule
for a mask is ``plugins.datasets.coco_masks.checked_segmentation``.
"""
import json
import math
import os.path as osp
from typing import List, Optional

from mmengine.logging import print_log

from plugins.errors import DataError


def _entries(coco: dict, key: str, ann_file: str) -> list:
    value = coco.get(key, [] if key == 'annotations' else None)
    if key not in coco and key != 'annotations':
        raise DataError(f'{ann_file}: missing key "{key}"')
    if not isinstance(value, list):
        raise DataError(f'{ann_file}: "{key}" must be a list, got {json.dumps(value)[:40]}')
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise DataError(f'{ann_file}: {key} entry {i} is not an object: '
                            f'{json.dumps(entry)[:40]}')
    return value


def _check_image(img: dict, ann_file: str) -> None:
    missing = [k for k in ('id', 'file_name', 'width', 'height') if k not in img]
    if missing:
        raise DataError(f'{ann_file}: image entry {img.get("id", img)} has no '
                        f'{", ".join(missing)}')
    if not isinstance(img['file_name'], str) or not img['file_name']:
        raise DataError(f'{ann_file}: image entry {img["id"]}: file_name must be a non-empty '
                        f'string, got {json.dumps(img["file_name"])[:60]}')
    for key in ('width', 'height'):
        value = img[key]
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise DataError(f'{ann_file}: image entry {img["id"]}: {key} must be a positive '
                            f'integer, got {json.dumps(value)}')


def read_coco(ann_file: str) -> dict:
    """The checked json of ``ann_file`` (``annotations`` filled in when absent)."""
    if not osp.isfile(ann_file):
        raise DataError(f'{ann_file}: annotation file not found')
    try:
        with open(ann_file, encoding='utf-8') as f:
            coco = json.load(f)
    except UnicodeDecodeError as e:
        raise DataError(f'{ann_file}: not UTF-8 text (byte {e.start}: {e.reason})') from None
    except json.JSONDecodeError as e:
        raise DataError(f'{ann_file}: invalid JSON ({e})') from None
    if not isinstance(coco, dict):
        raise DataError(f'{ann_file}: missing key "images" (the file is not a JSON object)')
    images = _entries(coco, 'images', ann_file)
    for i, cat in enumerate(_entries(coco, 'categories', ann_file)):
        for key in ('id', 'name'):
            if key not in cat:
                raise DataError(f'{ann_file}: category entry {i} has no {key}: '
                                f'{json.dumps(cat)[:60]}')
    seen = set()
    for img in images:
        _check_image(img, ann_file)
        if img['id'] in seen:
            raise DataError(f'{ann_file}: duplicate image id {img["id"]}')
        seen.add(img['id'])
    anns = _entries(coco, 'annotations', ann_file)
    for i, ann in enumerate(anns):
        if 'image_id' not in ann:
            raise DataError(f'{ann_file}: annotation {ann.get("id", f"entry {i}")} has no '
                            'image_id')
    orphans = sorted({a['image_id'] for a in anns if a['image_id'] not in seen}, key=str)
    if orphans:
        count = sum(a['image_id'] not in seen for a in anns)
        print_log(f'{ann_file}: {count} annotations refer to image ids that are not among '
                  f'the images ({", ".join(map(str, orphans[:5]))}{", ..." * (len(orphans) > 5)})'
                  '; they are left out', logger='current', level=30)
    coco['annotations'] = [a for a in anns if a['image_id'] in seen]
    return coco


def image_path(prefix: str, file_name: str, root: str, where: str,
               allow_outside: bool = False) -> str:
    """``prefix`` / ``file_name``, which must resolve (symlinks included) inside the real
    path of ``root`` unless ``allow_outside``: a json must not make a run read any file it
    names (``../../etc/...`` or an absolute path elsewhere). ``where`` names the image."""
    path = osp.join(prefix, file_name)
    real, real_root = osp.realpath(path), osp.realpath(root)
    if not allow_outside and osp.commonpath([real_root, real]) != real_root:
        raise DataError(f'{where}: file_name {file_name!r} resolves to {real}, outside the data '
                        f'root {real_root} (allow_outside_root=True reads it)')
    return path


def checked_box(ann: dict, img: dict, where: str, log: bool = True) -> Optional[List[float]]:
    """``ann['bbox']`` (x, y, w, h) as (x1, y1, x2, y2) inside the image, or None when
    it is skipped; ``where`` names the annotation in the messages."""
    try:
        x, y, w, h = (float(v) for v in ann['bbox'])
    except (KeyError, TypeError, ValueError):
        raise DataError(f'{where}: "bbox" must be 4 numbers [x, y, w, h], '
                        f'got {ann.get("bbox")!r}') from None
    say = (lambda msg: print_log(f'{where}: {msg}', 'current', 30)) if log else (lambda m: None)
    if not all(math.isfinite(v) for v in (x, y, w, h)) or w <= 0 or h <= 0:
        return say(f'skipped invalid box {ann["bbox"]}')
    x1, y1 = max(x, 0), max(y, 0)
    x2, y2 = min(x + w, img['width']), min(y + h, img['height'])
    if x2 <= x1 or y2 <= y1:
        return say(f'skipped box outside the image {ann["bbox"]}')
    if (x1, y1, x2, y2) != (x, y, x + w, y + h):
        say(f'clipped box {ann["bbox"]} to the image')
    return [x1, y1, x2, y2]


def checked_keypoints(kps, where: str) -> List[float]:
    """``ann['keypoints']`` as a flat list of x, y, visibility triples."""
    if not isinstance(kps, list) or len(kps) % 3 or not all(
            isinstance(v, (int, float)) and math.isfinite(v) for v in kps):
        raise DataError(f'{where}: "keypoints" must be a flat list of x, y, visibility numbers '
                        f'(a multiple of 3), got {json.dumps(kps)[:60]}')
    return [float(v) for v in kps]
