"""mmcv's LoadAnnotations, Resize, RandomFlip and Pad (same names and arguments) with
instance masks: ``gt_masks`` (K, H, W) uint8, one bitmap per gt box, in box order.
(Keypoints, ``gt_keypoints`` (K, P, 3), are mmcv's and for testing only: Resize moves
them; flips do not swap left and right, and detplug's own transforms do not move them.)

Every transform in detplug that moves pixels keeps them aligned: these, ``RandomRot90``,
``Expand`` and ``MinIoURandomCrop``; ``PackDetInputs`` stops with the image named if a
mask's size no longer matches the image's (a transform that does not know masks).
"""
import cv2
import numpy as np
from mmcv.transforms import LoadAnnotations as MMCVLoadAnnotations
from mmcv.transforms import Pad as MMCVPad
from mmcv.transforms import RandomFlip as MMCVRandomFlip
from mmcv.transforms import Resize as MMCVResize

from plugins.errors import DataError
from plugins.registry import TRANSFORMS
from plugins.structures.masks import decode_segmentations


IGNORE_LABEL = -1  # a crowd region's box label inside the pipeline


@TRANSFORMS.register_module()
class LoadAnnotations(MMCVLoadAnnotations):
    """Args (beside mmcv's):
        with_mask: decode each instance's segmentation (polygons or RLE, checked by
            the dataset) to ``gt_masks``; an instance without one is an error.
        with_keypoints: mmcv's, with an error for an instance without keypoints.
    Crowd regions (``iscrowd``) get the label ``IGNORE_LABEL``.
    """

    def __init__(self, with_bbox: bool = True, with_label: bool = True, with_mask: bool = False,
                 with_seg: bool = False, with_keypoints: bool = False,
                 imdecode_backend: str = 'cv2', backend_args: dict = None):
        super().__init__(with_bbox=with_bbox, with_label=with_label, with_seg=with_seg,
                         with_keypoints=with_keypoints, imdecode_backend=imdecode_backend,
                         backend_args=backend_args)
        self.with_mask = with_mask

    def _load_labels(self, results: dict) -> None:
        """mmcv's, with ``IGNORE_LABEL`` for crowd regions (``ignore_flag``): the label
        travels with its box through every transform, and ``PackDetInputs`` moves such
        boxes to ``ignored_instances``."""
        results['gt_bboxes_labels'] = np.array(
            [IGNORE_LABEL if inst.get('ignore_flag') else inst['bbox_label']
             for inst in results.get('instances', [])], np.int64)

    def _load_kps(self, results: dict) -> None:
        instances = results.get('instances', [])
        lacking = [inst.get('ann_id') for inst in instances if 'keypoints' not in inst]
        if lacking:
            raise DataError(f'{results.get("img_path")}: annotations {lacking[:5]} have no '
                            'keypoints; LoadAnnotations(with_keypoints=True) needs them for '
                            'every box')
        kps = [inst['keypoints'] for inst in instances]
        results['gt_keypoints'] = np.array(kps, np.float32).reshape(
            len(kps), len(kps[0]) // 3 if kps else 0, 3)

    def transform(self, results: dict) -> dict:
        results = super().transform(results)
        if self.with_mask:
            instances = results.get('instances', [])
            missing = [inst.get('ann_id') for inst in instances if 'mask' not in inst]
            if missing:
                raise DataError(f'{results.get("img_path")}: {len(missing)} of its '
                                f'{len(instances)} annotations have no valid segmentation '
                                f'(ids {missing[:5]}); LoadAnnotations(with_mask=True) needs '
                                'one for every box')
            results['gt_masks'] = decode_segmentations(
                [inst['mask'] for inst in instances], results['height'], results['width'])
        return results


def resize_masks(masks: np.ndarray, height: int, width: int) -> np.ndarray:
    """(K, h, w) uint8 -> (K, height, width), nearest neighbour."""
    out = np.zeros((len(masks), height, width), np.uint8)
    for i, m in enumerate(masks):
        out[i] = cv2.resize(m, (width, height), interpolation=cv2.INTER_NEAREST)
    return out


@TRANSFORMS.register_module()
class Resize(MMCVResize):
    """mmcv's ``Resize``; ``gt_masks`` follow the image (nearest neighbour)."""

    def transform(self, results: dict) -> dict:
        results = super().transform(results)
        if 'gt_masks' in results:
            h, w = results['img'].shape[:2]
            results['gt_masks'] = resize_masks(results['gt_masks'], h, w)
        return results


@TRANSFORMS.register_module()
class Pad(MMCVPad):
    """mmcv's ``Pad`` (bottom and right); ``gt_masks`` are padded with 0 to the image."""

    def transform(self, results: dict) -> dict:
        results = super().transform(results)
        if 'gt_masks' in results:
            k, h, w = results['gt_masks'].shape
            masks = np.zeros((k,) + results['img'].shape[:2], np.uint8)
            masks[:, :h, :w] = results['gt_masks']
            results['gt_masks'] = masks
        return results


@TRANSFORMS.register_module()
class RandomFlip(MMCVRandomFlip):
    """mmcv's ``RandomFlip``; ``gt_masks`` are flipped with the image."""

    def _flip(self, results: dict) -> None:
        super()._flip(results)
        if 'gt_masks' in results:
            axes = dict(horizontal=(2,), vertical=(1,), diagonal=(1, 2))[results['flip_direction']]
            results['gt_masks'] = np.ascontiguousarray(np.flip(results['gt_masks'], axes))
