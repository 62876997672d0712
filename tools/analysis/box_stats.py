"""Box-size statistics of a COCO json, and the anchors and input scale they suggest.

    python tools/analysis/box_stats.py data/my_set/train.json [--stride 8]

Prints the image sizes, the box count per class, the percentiles of box side
(sqrt of area, px) and aspect ratio (h / w); then anchor sides covering the 5th-95th
percentile in octaves (ratios beyond 0.5-2 added where the boxes need them), as
``AnchorGenerator(strides=[S], scales=...)`` for a single-level detector of stride S,
and the FPN levels (strides 4-64) whose base anchors (8 x stride) the boxes fall on.
"""
import argparse
import json
import math
import os.path as osp
import sys
from collections import Counter

import numpy as np


def box_stats(coco: dict) -> dict:
    boxes = np.array([a['bbox'] for a in coco['annotations'] if a['bbox'][2] > 0
                      and a['bbox'][3] > 0], dtype=float).reshape(-1, 4)
    side, ratio = np.sqrt(boxes[:, 2] * boxes[:, 3]), boxes[:, 3] / np.maximum(boxes[:, 2], 1e-6)
    names = {c['id']: c['name'] for c in coco['categories']}
    pct = (5, 25, 50, 75, 95)

    def percentiles(values, digits):
        return dict(zip(pct, np.percentile(values, pct).round(digits).tolist())) if len(values) \
            else {}
    return dict(images=len(coco['images']), boxes=len(boxes),
                per_class=Counter(names.get(a['category_id'], '?') for a in coco['annotations']),
                image_sides=sorted({(i['width'], i['height']) for i in coco['images']})[:5],
                side=percentiles(side, 1), ratio=percentiles(ratio, 2))


def suggest(stats: dict, stride: int) -> str:
    if not stats['side']:
        return 'no boxes: nothing to suggest'
    low, high = stats['side'][5], stats['side'][95]
    octaves = range(round(math.log2(low / stride)), round(math.log2(high / stride)) + 1)
    scales = [2 ** o for o in octaves]
    ratios = sorted({0.5, 1.0, 2.0} | {round(float(stats['ratio'][p]), 1) for p in (5, 95)
                                       if not 0.5 <= stats['ratio'][p] <= 2.0})
    levels = [s for s in (4, 8, 16, 32, 64) if low / 2 <= 8 * s <= high * 2]
    return (f'single level: AnchorGenerator(strides=[{stride}], scales={scales}, '
            f'ratios={ratios})  # anchor sides {[s * stride for s in scales]} px\n'
            f'FPN: levels with strides {levels} hold 8 x stride anchors in the box range '
            f'{low}-{high} px')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('ann_file', help='COCO json')
    parser.add_argument('--stride', type=int, default=8, help='stride of a single-level RPN')
    args = parser.parse_args()
    if not osp.isfile(args.ann_file):
        sys.exit(f'error: {args.ann_file}: annotation file not found')
    try:
        coco = json.load(open(args.ann_file))
        stats = box_stats(coco)
    except (ValueError, KeyError, TypeError) as e:
        sys.exit(f'error: {args.ann_file}: not a COCO detection json ({e})')
    print(f'{args.ann_file}: {stats["images"]} images (sizes {stats["image_sides"]}...), '
          f'{stats["boxes"]} boxes')
    counts = sorted(stats['per_class'].items())
    print('boxes per class: ' + ', '.join(f'{k}={v}' for k, v in counts))
    print('box side sqrt(w*h) px, percentiles 5/25/50/75/95: '
          + ' / '.join(str(v) for v in stats['side'].values()))
    print('aspect h/w, percentiles 5/25/50/75/95: '
          + ' / '.join(str(v) for v in stats['ratio'].values()))
    print(suggest(stats, args.stride))


if __name__ == '__main__':
    main()
