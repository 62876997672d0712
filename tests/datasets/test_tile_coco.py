"""plugins/datasets/tile_coco.py (tools/tile_coco.py): any COCO set of large images cut
into training tiles with prepare_neon's border rule."""
import json

import cv2
import numpy as np
import pytest

from plugins.datasets.tile_coco import tile_coco
from plugins.errors import ConfigError
from tests.conftest import run_tool


@pytest.fixture
def big_set(tmp_path):
    image = np.random.default_rng(0).integers(0, 255, (300, 500, 3), dtype=np.uint8)
    cv2.imwrite(str(tmp_path / 'big.png'), image)
    boxes = [[10, 10, 40, 40],      # inside the first tile
             [180, 20, 230, 60],    # crosses x 200: 40 % left of it, whole in the 2nd tile
             [450, 250, 520, 320]]  # partly outside the image: clipped first
    coco = dict(images=[dict(id=7, file_name='big.png', width=500, height=300)],
                categories=[dict(id=3, name='digit')],
                annotations=[dict(id=i, image_id=7, category_id=3, bbox=[x1, y1, x2 - x1, y2 - y1])
                             for i, (x1, y1, x2, y2) in enumerate(boxes)])
    (tmp_path / 'ann.json').write_text(json.dumps(coco))
    return tmp_path, image


def test_tiles_hold_the_pixels_and_the_boxes_by_the_border_rule(big_set):
    root, image = big_set
    counts = tile_coco(str(root / 'ann.json'), str(root), str(root / 'out'), tile=200,
                       overlap=50)
    out = json.load(open(root / 'out' / 'tiles.json'))
    names = [i['file_name'] for i in out['images']]
    assert names[:2] == ['tiles/big_0_0.png', 'tiles/big_150_0.png'] and len(names) == 6
    assert counts == dict(images=1, tiles=6, boxes=len(out['annotations']))
    tile = cv2.imread(str(root / 'out' / 'tiles' / 'big_150_0.png'))
    assert np.array_equal(tile, image[0:200, 150:350])
    by_tile = {}
    for a in out['annotations']:
        by_tile.setdefault(out['images'][a['image_id'] - 1]['file_name'], []).append(a['bbox'])
    assert by_tile['tiles/big_0_0.png'] == [[10, 10, 30, 30]]  # the cut box: 40 % inside
    assert [30, 20, 50, 40] in by_tile['tiles/big_150_0.png']  # whole, in tile pixels
    assert by_tile['tiles/big_300_100.png'][-1] == [150, 150, 50, 50]  # clipped to the image
    assert out['categories'] == [dict(id=3, name='digit')]


def test_empty_tiles_dropped_on_request_and_bad_settings(big_set):
    root, _ = big_set
    counts = tile_coco(str(root / 'ann.json'), str(root), str(root / 'out'), tile=200,
                       overlap=50, keep_empty=False)
    assert counts['tiles'] == 3
    with pytest.raises(ConfigError, match='overlap 200'):
        tile_coco(str(root / 'ann.json'), str(root), str(root / 'o'), tile=200, overlap=200)
    out = run_tool('tile_coco.py', str(root / 'ann.json'), str(root), str(root / 'cli'),
                   '--tile', '200', '--overlap', '50', '--drop-empty')
    assert out.returncode == 0, out.stderr
    assert '1 images -> 3 tiles' in out.stdout
