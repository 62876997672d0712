"""Box AP by object size, sizes taken as the gt box's side (sqrt of its area in px), not
COCO's ``area`` field (for masks that is the mask's pixel count, which for thin shapes
such as digits says little about their extent).

    python tools/analysis/ap_by_size.py DETS.json ANN.json [--sides 32 64 128]

DETS.json is ``tools/test.py CONFIG CKPT --out DETS.json``; ANN.json the ground truth.
Prints AP and AP50 (pycocotools, 100 detections) over all boxes and in each side range,
with the number of gt boxes there.
"""
import argparse
import json
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from plugins.evaluation.ap_by_size import ap_by_size  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('dets', help='COCO results json (tools/test.py --out)')
    parser.add_argument('ann_file', help='ground-truth COCO json')
    parser.add_argument('--sides', type=float, nargs='+', default=[32, 64, 128],
                        help='edges of the box-side ranges, px')
    args = parser.parse_args()
    with open(args.dets, encoding='utf-8') as f:
        dets = json.load(f)
    print(f'{"box side":<14}{"gt boxes":>9}{"AP":>8}{"AP50":>8}')
    for name, count, ap, ap50 in ap_by_size(dets, args.ann_file, args.sides):
        print(f'{name:<14}{count:>9}{ap:>8.3f}{ap50:>8.3f}')


if __name__ == '__main__':
    main()
