"""Augmentations mmcv does not ship: 90-degree rotation (for overhead imagery),
photometric jitter and scale jitter around the image's own size. They keep
``gt_bboxes``, ``gt_masks`` (and, but for the rescale, ``proposals``, ``gt_seg_map``) exact."""
import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness

from plugins.datasets.transforms.masks import Resize
from plugins.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomRescale(BaseTransform):
    """Resize by ``scale_factor`` times a ratio drawn uniformly from ``ratio_range``,
    keeping the aspect ratio (mmcv's ``Resize``): training sees the test pipeline's
    ``Resize(scale_factor=...)`` scale, jittered, whatever the images' size.

    Args:
        ratio_range: (low, high) of the random ratio.
        scale_factor: the scale both pipelines share (a config's top-level
            ``scale_factor`` sets it everywhere, see ``plugins/config.py``).
    """

    def __init__(self, ratio_range=(0.8, 1.25), scale_factor: float = 1.0):
        self.ratio_range, self.scale_factor = tuple(ratio_range), scale_factor

    @cache_randomness
    def _ratio(self) -> float:
        return float(np.random.uniform(*self.ratio_range))

    def transform(self, results: dict) -> dict:
        resize = Resize(scale_factor=self.scale_factor * self._ratio(), keep_ratio=True)
        return resize.transform(results)


@TRANSFORMS.register_module()
class RandomRot90(BaseTransform):
    """Rotate image and boxes by k * 90 degrees, k uniform in {0, 1, 2, 3}.

    Args:
        prob: probability of rotating at all.
    """

    def __init__(self, prob: float = 0.75):
        self.prob = prob

    @cache_randomness
    def _choose_k(self) -> int:
        return int(np.random.randint(1, 4)) if np.random.rand() < self.prob else 0

    def transform(self, results: dict) -> dict:
        k = self._choose_k()
        for _ in range(k):  # one counter-clockwise quarter turn at a time
            h, w = results['img'].shape[:2]
            results['img'] = np.ascontiguousarray(np.rot90(results['img']))
            if 'gt_seg_map' in results:
                results['gt_seg_map'] = np.ascontiguousarray(np.rot90(results['gt_seg_map']))
            if 'gt_masks' in results:
                results['gt_masks'] = np.ascontiguousarray(np.rot90(results['gt_masks'],
                                                                    axes=(1, 2)))
            for key in ('gt_bboxes', 'proposals'):
                if key in results:
                    b = results[key]
                    results[key] = np.stack(
                        [b[:, 1], w - b[:, 2], b[:, 3], w - b[:, 0]], axis=1).astype(b.dtype)
            results['img_shape'] = (w, h)
        return results


@TRANSFORMS.register_module()
class ColorJitter(BaseTransform):
    """Random brightness, contrast and saturation, each with its own factor.

    Args:
        brightness: max additive shift as a fraction of 255.
        contrast: factor drawn from [1 - contrast, 1 + contrast].
        saturation: factor drawn from [1 - saturation, 1 + saturation].
        gray_prob: probability of turning the image gray (saturation 0) instead.
    """

    def __init__(self, brightness: float = 0.15, contrast: float = 0.3, saturation: float = 0.3,
                 gray_prob: float = 0.0):
        self.brightness, self.contrast, self.saturation = brightness, contrast, saturation
        self.gray_prob = gray_prob

    @cache_randomness
    def _factors(self):
        u = np.random.uniform
        saturation = u(1 - self.saturation, 1 + self.saturation)
        if self.gray_prob and np.random.rand() < self.gray_prob:
            saturation = 0.0
        return (u(-self.brightness, self.brightness) * 255, u(1 - self.contrast, 1 + self.contrast),
                saturation)

    def transform(self, results: dict) -> dict:
        shift, contrast, saturation = self._factors()
        img = results['img'].astype(np.float32)
        gray = img.mean(axis=2, keepdims=True)
        img = gray + (img - gray) * saturation
        img = (img - img.mean()) * contrast + img.mean() + shift
        results['img'] = np.clip(img, 0, 255).astype(np.uint8)
        return results
