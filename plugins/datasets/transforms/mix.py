"""Mosaic and MixUp: training images made of several (what ultralytics and mmdetection
train small data sets with). Boxes, labels, ignore flags and masks stay aligned.

Both need other images: ``MixImageDataset`` (plugins/datasets/mix_dataset.py) asks a
transform's ``get_indices(dataset)`` which images it wants (none: the transform is skipped
this time, by ``prob``), loads them through the wrapped dataset's own pipeline and hands
them over as ``results['mix_results']``.

- ``Mosaic(img_scale=(h, w))``: an h x w canvas split at a random centre into four
  quadrants; each shows one image, scaled to fit h x w (keeping its ratio; never
  enlarged), aligned at the centre: the corner of image k nearest the centre sits at the
  centre. Native resolution, so object sizes stay those of the data set.
- ``MixUp``: the image blended half and half with another, scaled to fit it (never
  enlarged) and placed at the top left; the objects of both kept.

An object that leaves the visible part is dropped. With masks, each box is the extent
of its mask as placed (exact); without, the box clipped to the visible part. Either way
an object keeps at least ``min_size`` pixels of width and height, else it is dropped.
"""
import random
from typing import List, Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from plugins.errors import ConfigError
from plugins.registry import TRANSFORMS

INSTANCE_KEYS = ('gt_bboxes', 'gt_bboxes_labels', 'gt_ignore_flags', 'gt_masks')


def _fitted(results: dict, height: int, width: int) -> dict:
    """An image's results scaled down to fit height x width (keeping its ratio)."""
    h, w = results['img'].shape[:2]
    scale = min(1.0, height / h, width / w)
    if scale == 1.0:
        return results
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    out = dict(results, img=cv2.resize(results['img'], size, interpolation=cv2.INTER_LINEAR),
               gt_bboxes=results['gt_bboxes'] * np.float32(scale))
    if 'gt_masks' in results:
        out['gt_masks'] = np.stack([cv2.resize(m, size, interpolation=cv2.INTER_NEAREST)
                                    for m in results['gt_masks']]) \
            if len(results['gt_masks']) else np.zeros((0, size[1], size[0]), np.uint8)
    return out


def _placed(results: dict, src: Tuple[int, int, int, int], dst: Tuple[int, int, int, int],
            canvas: Tuple[int, int], min_size: float) -> dict:
    """The objects of the image crop ``src`` (x0, y0, x1, y1) pasted at ``dst`` on a
    canvas (h, w): boxes (and masks) moved, clipped, small ones dropped."""
    dx, dy = dst[0] - src[0], dst[1] - src[1]
    boxes = results['gt_bboxes'].reshape(-1, 4) + np.float32([dx, dy, dx, dy])
    out = {k: results[k] for k in INSTANCE_KEYS[1:3] if k in results}
    if 'gt_masks' in results:
        masks = np.zeros((len(boxes), *canvas), np.uint8)
        masks[:, dst[1]:dst[3], dst[0]:dst[2]] = results['gt_masks'][:, src[1]:src[3],
                                                                      src[0]:src[2]]
        boxes = _mask_boxes(masks)
        out['gt_masks'] = masks
    else:
        boxes = np.concatenate([np.maximum(boxes[:, :2], np.float32(dst[:2])),
                                np.minimum(boxes[:, 2:], np.float32(dst[2:]))], 1)
    keep = (boxes[:, 2] - boxes[:, 0] >= min_size) & (boxes[:, 3] - boxes[:, 1] >= min_size)
    out['gt_bboxes'] = boxes
    return {k: v[keep] for k, v in out.items()}


def _mask_boxes(masks: np.ndarray) -> np.ndarray:
    """(K, H, W) masks -> (K, 4) float32 extents (x0, y0, x1 + 1, y1 + 1); 0 when empty."""
    boxes = np.zeros((len(masks), 4), np.float32)
    for i, mask in enumerate(masks):
        ys, xs = np.nonzero(mask.any(1))[0], np.nonzero(mask.any(0))[0]
        if len(ys):
            boxes[i] = xs[0], ys[0], xs[-1] + 1, ys[-1] + 1
    return boxes


def _joined(parts: List[dict], results: dict, img: np.ndarray) -> dict:
    out = dict(results, img=img, img_shape=img.shape[:2])
    for key in INSTANCE_KEYS:
        if key in results:
            out[key] = np.concatenate([p[key] for p in parts])
    out.pop('mix_results', None)
    return out


def _check_prob(name: str, prob: float) -> None:
    if not 0 <= prob <= 1:
        raise ConfigError(f'{name}: prob in [0, 1], got {prob}')


@TRANSFORMS.register_module()
class Mosaic(BaseTransform):
    """Args:
        img_scale: (h, w) of the mosaic.
        center_ratio_range: the centre's range, as a share of h and w.
        min_size: the smallest width and height (pixels) an object keeps.
        pad_val: the value of canvas pixels no image covers.
        prob: the share of training images made into a mosaic.
    """

    def __init__(self, img_scale: Sequence[int], center_ratio_range=(0.25, 0.75),
                 min_size: float = 2.0, pad_val: int = 114, prob: float = 1.0):
        _check_prob('Mosaic', prob)
        self.img_scale, self.center_ratio_range = tuple(img_scale), tuple(center_ratio_range)
        self.min_size, self.pad_val, self.prob = min_size, pad_val, prob

    def get_indices(self, dataset) -> List[int]:
        return [random.randrange(len(dataset)) for _ in range(3)] \
            if random.random() < self.prob else []

    def transform(self, results: dict) -> dict:
        if not results.get('mix_results'):
            return results
        h, w = self.img_scale
        cx = int(random.uniform(*self.center_ratio_range) * w)
        cy = int(random.uniform(*self.center_ratio_range) * h)
        images = [_fitted(r, h, w) for r in [results, *results['mix_results']]]
        canvas = np.full((h, w, 3), self.pad_val, results['img'].dtype)
        parts = []
        for k, image in enumerate(images):  # top left, top right, bottom left, bottom right
            ih, iw = image['img'].shape[:2]
            right, bottom = k % 2, k // 2
            pw = min(iw, w - cx) if right else min(iw, cx)  # the pasted width and height
            ph = min(ih, h - cy) if bottom else min(ih, cy)
            x0, y0 = (cx if right else cx - pw), (cy if bottom else cy - ph)
            sx, sy = (0 if right else iw - pw), (0 if bottom else ih - ph)
            if pw <= 0 or ph <= 0:
                continue
            canvas[y0:y0 + ph, x0:x0 + pw] = image['img'][sy:sy + ph, sx:sx + pw]
            parts.append(_placed(image, (sx, sy, sx + pw, sy + ph), (x0, y0, x0 + pw, y0 + ph),
                                 (h, w), self.min_size))
        return _joined(parts, results, canvas)


@TRANSFORMS.register_module()
class MixUp(BaseTransform):
    """Args:
        ratio: the other image's weight in the blend.
        min_size: the smallest width and height (pixels) an object keeps.
        prob: the share of training images mixed with another.
    """

    def __init__(self, ratio: float = 0.5, min_size: float = 2.0, prob: float = 0.5):
        _check_prob('MixUp', prob)
        self.ratio, self.min_size, self.prob = ratio, min_size, prob

    def get_indices(self, dataset) -> List[int]:
        return [random.randrange(len(dataset))] if random.random() < self.prob else []

    def transform(self, results: dict) -> dict:
        if not results.get('mix_results'):
            return results
        h, w = results['img'].shape[:2]
        other = _fitted(results['mix_results'][0], h, w)
        oh, ow = other['img'].shape[:2]
        img = results['img'].astype(np.float32)
        placed = img.copy()  # where the other image does not reach, the blend is unchanged
        placed[:oh, :ow] = other['img']
        img = img * (1 - self.ratio) + placed * self.ratio
        whole = (0, 0, w, h)
        parts = [_placed(results, whole, whole, (h, w), self.min_size),
                 _placed(other, (0, 0, ow, oh), (0, 0, ow, oh), (h, w), self.min_size)]
        return _joined(parts, results, np.round(img).astype(results['img'].dtype))
