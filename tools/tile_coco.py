"""Cut a COCO data set of large images into training tiles (plugins/datasets/tile_coco.py).

    python tools/tile_coco.py ANN.json IMAGE_ROOT OUT_DIR [--tile 400] [--overlap 100]
                              [--min-visible 0.5] [--drop-empty] [--prefix tiles]

Writes OUT_DIR/<prefix>/*.png and OUT_DIR/<prefix>.json: a leaf config's
``data_root=OUT_DIR`` with ``ann_file='<prefix>.json'`` trains on them.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.cli import run  # noqa: E402
from plugins.datasets.tile_coco import tile_coco  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('ann_file')
    parser.add_argument('image_root', help="folder the json's file_name entries are under")
    parser.add_argument('out_dir')
    parser.add_argument('--tile', type=int, default=400)
    parser.add_argument('--overlap', type=int, default=100, help='pixels')
    parser.add_argument('--min-visible', type=float, default=0.5,
                        help='share of a cut box that must lie in the tile to keep it')
    parser.add_argument('--drop-empty', action='store_true', help='write no tile without boxes')
    parser.add_argument('--prefix', default='tiles')
    args = parser.parse_args()
    counts = tile_coco(args.ann_file, args.image_root, args.out_dir, args.tile, args.overlap,
                       args.min_visible, not args.drop_empty, args.prefix)
    print(f'\n{counts["images"]} images -> {counts["tiles"]} tiles with {counts["boxes"]} boxes '
          f'-> {osp.join(args.out_dir, args.prefix)}.json')


if __name__ == '__main__':
    run(main)
