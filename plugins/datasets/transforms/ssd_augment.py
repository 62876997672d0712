"""The SSD paper's augmentations, which mmcv does not ship: photometric distortion,
zoom out (Expand) and zoom in (MinIoURandomCrop). Boxes and masks stay exact; boxes
whose centre leaves a crop are dropped with their labels and masks."""
from typing import Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness

from plugins.errors import ConfigError
from plugins.registry import TRANSFORMS

BOX_KEYS = ('gt_bboxes', 'gt_bboxes_labels', 'gt_ignore_flags')


@TRANSFORMS.register_module()
class PhotoMetricDistortion(BaseTransform):
    """Each with probability 1/2: brightness, contrast (before or after the colour
    steps), saturation and hue, on a BGR uint8 image.

    Args:
        brightness_delta: largest added value (0-255 scale).
        contrast_range, saturation_range: ranges of the multiplying factors.
        hue_delta: largest hue shift in degrees.
    """

    def __init__(self, brightness_delta: float = 32,
                 contrast_range: Tuple[float, float] = (0.5, 1.5),
                 saturation_range: Tuple[float, float] = (0.5, 1.5), hue_delta: float = 36):
        self.brightness_delta, self.hue_delta = brightness_delta, hue_delta
        self.contrast_range, self.saturation_range = contrast_range, saturation_range

    @cache_randomness
    def _draw(self):
        u, on = np.random.uniform, lambda: np.random.rand() < 0.5
        return dict(
            brightness=u(-self.brightness_delta, self.brightness_delta) if on() else 0.0,
            contrast=u(*self.contrast_range) if on() else 1.0,
            contrast_first=on(),
            saturation=u(*self.saturation_range) if on() else 1.0,
            hue=u(-self.hue_delta, self.hue_delta) if on() else 0.0)

    def transform(self, results: dict) -> dict:
        d = self._draw()
        img = results['img'].astype(np.float32) + d['brightness']
        if d['contrast_first']:
            img *= d['contrast']
        if d['saturation'] != 1.0 or d['hue'] != 0.0:
            hsv = cv2.cvtColor(np.clip(img, 0, 255) / 255.0, cv2.COLOR_BGR2HSV)  # H in degrees
            hsv[..., 1] = np.clip(hsv[..., 1] * d['saturation'], 0, 1)
            hsv[..., 0] = (hsv[..., 0] + d['hue']) % 360
            img = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR) * 255.0
        if not d['contrast_first']:
            img *= d['contrast']
        results['img'] = np.clip(img, 0, 255).astype(np.uint8)
        return results


@TRANSFORMS.register_module()
class Expand(BaseTransform):
    """Zoom out: put the image at a random place on a canvas ``ratio`` times larger,
    filled with ``mean`` (BGR), so objects become smaller.

    Args:
        mean: fill colour, BGR.
        ratio_range: canvas side / image side.
        prob: probability of expanding at all.
    """

    def __init__(self, mean: Sequence[float] = (104, 116, 124),
                 ratio_range: Tuple[float, float] = (1, 4), prob: float = 0.5):
        self.mean, self.ratio_range, self.prob = tuple(mean), ratio_range, prob

    @cache_randomness
    def _draw(self):
        if np.random.rand() >= self.prob:
            return None
        return np.random.uniform(*self.ratio_range), np.random.rand(), np.random.rand()

    def transform(self, results: dict) -> dict:
        draw = self._draw()
        if draw is None:
            return results
        ratio, fx, fy = draw
        img = results['img']
        h, w = img.shape[:2]
        canvas_h, canvas_w = int(h * ratio), int(w * ratio)
        left, top = int(fx * (canvas_w - w)), int(fy * (canvas_h - h))
        canvas = np.empty((canvas_h, canvas_w, img.shape[2]), img.dtype)
        canvas[...] = np.asarray(self.mean, img.dtype)[:img.shape[2]]
        canvas[top:top + h, left:left + w] = img
        results['img'], results['img_shape'] = canvas, (canvas_h, canvas_w)
        if 'gt_bboxes' in results:
            results['gt_bboxes'] = results['gt_bboxes'] + np.array([left, top, left, top],
                                                                   np.float32)
        if 'gt_masks' in results:
            masks = np.zeros((len(results['gt_masks']), canvas_h, canvas_w), np.uint8)
            masks[:, top:top + h, left:left + w] = results['gt_masks']
            results['gt_masks'] = masks
        return results


def _iou(boxes: np.ndarray, patch: np.ndarray) -> np.ndarray:
    x1, y1 = np.maximum(boxes[:, 0], patch[0]), np.maximum(boxes[:, 1], patch[1])
    x2, y2 = np.minimum(boxes[:, 2], patch[2]), np.minimum(boxes[:, 3], patch[3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / (area + (patch[2] - patch[0]) * (patch[3] - patch[1]) - inter)


@TRANSFORMS.register_module()
class MinIoURandomCrop(BaseTransform):
    """Zoom in: a random crop whose IoU with the gt boxes is at least a floor drawn
    from ``min_ious`` (or no crop, drawn as often as each floor). Keeps the boxes
    whose centres fall inside the crop, clipped to it.

    Args:
        min_ious: the IoU floors to draw from.
        min_crop_size: smallest crop side as a fraction of the image side.
        max_trials: crops tried per floor before giving up (image unchanged).
        require: 'any' box must reach the floor (the SSD paper's code, torchvision)
            or 'all' of them (mmdetection).
    """

    def __init__(self, min_ious: Sequence[float] = (0.1, 0.3, 0.5, 0.7, 0.9),
                 min_crop_size: float = 0.3, max_trials: int = 50, require: str = 'any'):
        if require not in ('any', 'all'):
            raise ConfigError(f"MinIoURandomCrop require must be 'any' or 'all', got {require!r}")
        self.min_ious, self.min_crop_size = tuple(min_ious), min_crop_size
        self.max_trials = max_trials
        self.reduce = np.max if require == 'any' else np.min

    def transform(self, results: dict) -> dict:
        boxes = results.get('gt_bboxes', np.zeros((0, 4), np.float32))
        h, w = results['img'].shape[:2]
        choice = np.random.randint(len(self.min_ious) + 1)
        if choice == len(self.min_ious) or len(boxes) == 0:
            return results
        min_iou = self.min_ious[choice]
        for _ in range(self.max_trials):
            cw = np.random.uniform(self.min_crop_size * w, w)
            ch = np.random.uniform(self.min_crop_size * h, h)
            if not 0.5 <= ch / cw <= 2:
                continue
            left, top = np.random.uniform(w - cw), np.random.uniform(h - ch)
            patch = np.array([left, top, left + cw, top + ch]).astype(int)
            if self.reduce(_iou(boxes, patch)) < min_iou:
                continue
            centres = (boxes[:, :2] + boxes[:, 2:]) / 2
            inside = np.all((centres > patch[:2]) & (centres < patch[2:]), axis=1)
            if not inside.any():
                continue
            for key in BOX_KEYS:
                if key in results:
                    results[key] = results[key][inside]
            if 'gt_masks' in results:
                results['gt_masks'] = np.ascontiguousarray(
                    results['gt_masks'][inside, patch[1]:patch[3], patch[0]:patch[2]])
            kept = results['gt_bboxes'].copy()
            kept[:, 0::2] = kept[:, 0::2].clip(patch[0], patch[2]) - patch[0]
            kept[:, 1::2] = kept[:, 1::2].clip(patch[1], patch[3]) - patch[1]
            results['gt_bboxes'] = kept.astype(np.float32)
            results['img'] = results['img'][patch[1]:patch[3], patch[0]:patch[2]]
            results['img_shape'] = results['img'].shape[:2]
            return results
        return results
