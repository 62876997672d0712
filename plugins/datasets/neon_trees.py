"""The NEON tree-crown images as COCO-format train / val sets (``tools/prepare_neon.py``).

Source: the ``data/`` folder of the deepforest 2.1.0 wheel (MIT), downloaded with
``pip download --no-deps`` (nothing is installed); a local folder holding the same
files (e.g. ``../shared/data/neon_trees``) is used instead when given or found there.
Train: the two YELL images cut into tiles (the border rule is in ``tiling.py``).
Val: OSBS_029, whole. Their Pascal VOC files are read by the generic importer
(``formats/voc.py``).
"""
import os
import os.path as osp
from typing import Optional

from PIL import Image

from plugins.datasets.formats.voc import read_voc_folder
from plugins.datasets.tile_coco import tile_coco
from plugins.utils.wheel_data import fetch_from_wheel

TRAIN_STEMS = ('2019_YELL_2_528000_4978000_image_crop2', '2019_YELL_2_541000_4977000_image_crop')
VAL_STEMS = ('OSBS_029',)
WHEEL = 'deepforest==2.1.0'
# a checkout's ../shared copy (tests and CI), used instead of the download when present
SHARED = osp.normpath(osp.join(osp.dirname(osp.abspath(__file__)), '..', '..', '..', 'shared',
                               'data', 'neon_trees'))


def fetch_source(cache_dir: str) -> str:
    """Download the deepforest wheel (no deps) and extract its data files."""
    return fetch_from_wheel(WHEEL, [f'deepforest/data/{stem}{ext}' for stem in
                                    TRAIN_STEMS + VAL_STEMS for ext in ('.png', '.xml')],
                            osp.join(cache_dir, 'deepforest_data'))


def source_folder(src: Optional[str], cache: str) -> str:
    """``src`` if given, else the ../shared copy when present, else the wheel's files."""
    return src or (SHARED if osp.isdir(SHARED) else fetch_source(cache))


def prepare_neon(src: str, out: str, tile: int = 400, overlap: int = 100,
                 min_visible: float = 0.5) -> dict:
    """Train tiles and the whole val image from the files in ``src`` into ``out``;
    returns the counts."""
    os.makedirs(osp.join(out, 'val'), exist_ok=True)
    # the two YELL images whole (boxes clipped to the image), tiled by the generic tiler
    whole = read_voc_folder([osp.join(src, stem + '.xml') for stem in TRAIN_STEMS], src,
                            clip=True, file_names=[stem + '.png' for stem in TRAIN_STEMS])
    whole.dump(osp.join(out, 'train_whole.json'))
    train = tile_coco(osp.join(out, 'train_whole.json'), src, out, tile, overlap, min_visible,
                      prefix='train')
    for stem in VAL_STEMS:
        Image.open(osp.join(src, stem + '.png')).convert('RGB').save(
            osp.join(out, 'val', stem + '.png'))
    val = read_voc_folder([osp.join(src, stem + '.xml') for stem in VAL_STEMS], out,
                          file_names=[f'val/{stem}.png' for stem in VAL_STEMS])
    val.dump(osp.join(out, 'val.json'))
    return dict(train_images=train['tiles'], train_boxes=train['boxes'],
                val_images=len(val.images), val_boxes=len(val.annotations))
