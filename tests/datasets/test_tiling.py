import numpy as np
import pytest

from plugins.datasets.tiling import boxes_in_window, tile_origins, tile_windows


def test_windows_cover_image_and_last_tile_is_flush():
    assert tile_origins(1000, 400, 300) == [0, 300, 600]
    assert tile_origins(1035, 400, 300) == [0, 300, 600, 635]
    assert tile_origins(300, 400, 300) == [0]
    windows = tile_windows(1249, 1035, 400, 100)
    assert len(windows) == 4 * 4
    assert all(x2 - x1 == 400 and y2 - y1 == 400 for x1, y1, x2, y2 in windows)
    assert max(w[2] for w in windows) == 1249 and max(w[3] for w in windows) == 1035
    with pytest.raises(ValueError, match='overlap'):
        tile_windows(100, 100, 50, 50)


def test_border_rule_keeps_boxes_half_inside_and_clips_them():
    boxes = np.array([[10, 10, 40, 40],     # wholly inside
                      [90, 10, 130, 40],    # 10 of 40 px wide inside: 25% -> dropped
                      [80, 50, 120, 80],    # 20 of 40 inside: exactly 50% -> kept, clipped
                      [200, 200, 230, 230]])  # outside
    kept, idx = boxes_in_window(boxes, (0, 0, 100, 100), min_visible=0.5)
    assert idx.tolist() == [0, 2]
    assert kept.tolist() == [[10, 10, 40, 40], [80, 50, 100, 80]]


def test_tile_coordinates_are_relative():
    kept, _ = boxes_in_window(np.array([[310, 320, 340, 350]]), (300, 300, 700, 700))
    assert kept.tolist() == [[10, 20, 40, 50]]
    empty, idx = boxes_in_window(np.zeros((0, 4)), (0, 0, 10, 10))
    assert empty.shape == (0, 4) and idx.size == 0
