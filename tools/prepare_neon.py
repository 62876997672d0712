"""Fetch the NEON tree-crown images and write them as COCO-format train/val sets
(``plugins/datasets/neon_trees.py``: sources, tiling).

    python tools/prepare_neon.py --out data/neon_trees
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.datasets.neon_trees import prepare_neon, source_folder  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='data/neon_trees')
    parser.add_argument('--src', help='folder with the deepforest data files (skips download)')
    parser.add_argument('--cache', default='.cache', help='where the downloaded wheel data goes')
    parser.add_argument('--tile', type=int, default=400)
    parser.add_argument('--overlap', type=int, default=100)
    parser.add_argument('--min-visible', type=float, default=0.5)
    args = parser.parse_args()
    src = source_folder(args.src, args.cache)
    stats = prepare_neon(src, args.out, args.tile, args.overlap, args.min_visible)
    counts = ', '.join(f'{k}={v}' for k, v in stats.items())
    print(f'NEON trees from {src} -> {args.out}: {counts}')


if __name__ == '__main__':
    main()
