"""Whole-image against sliced inference on a COCO set of large images, with the seam
duplicates before and after merging (plugins/inference/compare.py).

    python tools/analysis/slicing_report.py CONFIG CKPT ANN.json IMAGE_ROOT --slice 256
        [--overlap 0.25] [--whole-size 800] [--slice-batch 4] [--precision fp32|bf16|int8]
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
from plugins.apis import init_model  # noqa: E402
from plugins.cli import add_precision_args, run  # noqa: E402
from plugins.inference.compare import compare_sliced  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('ann_file')
    parser.add_argument('image_root')
    parser.add_argument('--slice', type=int, required=True)
    parser.add_argument('--overlap', type=float, default=0.25)
    parser.add_argument('--whole-size', type=int, default=800,
                        help='longer side the whole image is shrunk to')
    parser.add_argument('--slice-batch', type=int, default=4)
    add_precision_args(parser)
    args = parser.parse_args()
    model = init_model(args.config, args.checkpoint, precision=args.precision,
                       backend=args.backend)
    table = compare_sliced(model, args.ann_file, args.image_root, args.slice, args.overlap,
                           args.whole_size, args.slice_batch)
    print('\n| inference | AP | AP50 | AP by box side | detections | seam duplicates '
          '(IoU > 0.5 / piece inside, IoS > 0.5) | s/image |\n' + '| --- ' * 7 + '|')
    for variant, r in table.items():
        sides = ' '.join(f'{k}: {v:.3f}' for k, v in r['by_side'].items())
        print(f'| {variant} | {r["AP"]:.3f} | {r["AP50"]:.3f} | {sides} | {r["detections"]} | '
              f'{r["duplicates"]["iou"]} / {r["duplicates"]["ios"]} | {r["seconds"]:.1f} |')


if __name__ == '__main__':
    run(main)
