"""Cut a large annotated image into overlapping square tiles.

Rule for boxes cut by a tile border: the box is clipped to the tile and kept
when at least ``min_visible`` (default 0.5) of its original area lies inside
the tile; smaller fragments are dropped. With the default overlap (100 px)
larger than the median box side (~30 px), every box lies whole in some tile.
"""
from typing import List, Tuple

import numpy as np


def tile_origins(length: int, tile: int, stride: int) -> List[int]:
    """Start offsets along one axis; the last tile is aligned to the far edge."""
    if length <= tile:
        return [0]
    starts = list(range(0, length - tile, stride))
    starts.append(length - tile)
    return starts


def tile_windows(width: int, height: int, tile: int,
                 overlap: int) -> List[Tuple[int, int, int, int]]:
    """All windows (x1, y1, x2, y2) covering the image, row by row."""
    if not 0 <= overlap < tile:
        raise ValueError(f'overlap must be in [0, tile), got overlap={overlap}, tile={tile}')
    stride = tile - overlap
    return [(x, y, min(x + tile, width), min(y + tile, height))
            for y in tile_origins(height, tile, stride) for x in tile_origins(width, tile, stride)]


def boxes_in_window(boxes: np.ndarray, window: Tuple[int, int, int, int],
                    min_visible: float = 0.5) -> Tuple[np.ndarray, np.ndarray]:
    """Clip boxes (K, 4) x1y1x2y2 to ``window``; keep those with enough area inside.

    Returns the kept boxes in tile coordinates and their indices into ``boxes``.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    x0, y0, x1, y1 = window
    clipped = np.stack([boxes[:, 0].clip(x0, x1), boxes[:, 1].clip(y0, y1),
                        boxes[:, 2].clip(x0, x1), boxes[:, 3].clip(y0, y1)], axis=1)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    inside = (clipped[:, 2] - clipped[:, 0]) * (clipped[:, 3] - clipped[:, 1])
    keep = np.nonzero((area > 0) & (inside >= min_visible * area))[0]
    return clipped[keep] - np.array([x0, y0, x0, y0], dtype=np.float64), keep
