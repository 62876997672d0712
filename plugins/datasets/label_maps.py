"""Label maps checked once, when a segmentation dataset is built.

Shapes: each label map is a single-channel image (H, W) of class indices 0 .. C-1
(0 is the first class, usually background) and ``ignore_index`` (255) for pixels
that count nowhere. ``count_labels`` reads the maps one at a time (bounded memory),
counts the pixels of each class and of the ignore index, and raises a one-line
``DataError``
- naming the file and the values, for a value outside 0 .. C-1 that is not the ignore
  index (a map drawn for another class list, or an RGB palette image);
- for a data set whose classes 1 .. C-1 have no pixel at all while the ignore index
  has some: the 0/255 trap, a binary mask saved as 0 / 255, where 255 is ignored in the
  loss and the metric, so training learns nothing and mIoU reads 1.0.
"""
from typing import Sequence

import cv2
import numpy as np

from plugins.errors import DataError


def _read(path: str) -> np.ndarray:
    label = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if label is None:
        raise DataError(f'{path}: label map cannot be read')
    if label.ndim == 3:
        raise DataError(f'{path}: label map has {label.shape[2]} channels; it must be one '
                        'channel of class indices (a palette PNG saved as RGB?)')
    return label


def count_labels(paths: Sequence[str], num_classes: int, ignore_index: int) -> np.ndarray:
    """Pixels per class (num_classes,) plus the ignore index's count at the end."""
    counts = np.zeros(num_classes + 1, dtype=np.int64)
    for path in paths:
        values, n = np.unique(_read(path), return_counts=True)
        bad = [int(v) for v in values if v >= num_classes and v != ignore_index]
        if bad:
            plural = 'es' * (num_classes != 1)
            raise DataError(f'{path}: label values {bad[:5]} outside 0 .. {num_classes - 1} '
                            f'({num_classes} class{plural}) and not the ignore index '
                            f'{ignore_index}'
                            + ('; a binary task needs two classes, background and the object'
                               if num_classes == 1 else ''))
        ignored = values == ignore_index
        counts[values[~ignored].astype(np.int64)] += n[~ignored]
        counts[-1] += n[ignored].sum()
    if num_classes > 1 and counts[1:-1].sum() == 0 and counts[-1] > 0:
        raise DataError(f'{paths[0]} and the other {len(paths) - 1} label maps hold only 0 and '
                        f'{ignore_index} (the ignore index): no pixel of classes 1 .. '
                        f'{num_classes - 1}. Foreground saved as {ignore_index}? Map it to 1 '
                        '(label // 255 for a 0/255 mask)')
    return counts
