"""An evaluation report from a ground-truth json and a detections json (COCO results,
``tools/test.py --out``): PR and F1 curves, the F1-best threshold with precision and
recall there at each IoU, a confusion matrix with background, a TIDE-style error split.

    python tools/analysis/eval_report.py GT.json DETS.json --out-dir DIR [--iou 0.5 0.4]

Writes pr_curve.png, f1_curve.png, confusion_matrix.png / .csv, report.json
(plugins/evaluation/det_report.py) and prints the figures.
"""
import argparse
import json
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from plugins.cli import run  # noqa: E402
from plugins.evaluation.det_report import print_report, report  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('gt')
    parser.add_argument('dets')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--iou', type=float, nargs='+', default=[0.5, 0.4],
                        help='IoU thresholds (0.4: the figure DeepForest reports)')
    args = parser.parse_args()
    for path in (args.gt, args.dets):
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path}: file not found')
    with open(args.gt) as f, open(args.dets) as g:
        print_report(report(json.load(f), json.load(g), args.out_dir, args.iou), args.out_dir)


if __name__ == '__main__':
    run(main)
