"""Pack a pipeline's result dict into ``inputs`` (C, H, W tensor) and a data sample
(DetDataSample for detection, SegDataSample for segmentation)."""
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import InstanceData, PixelData

from plugins.datasets.transforms.masks import IGNORE_LABEL
from plugins.errors import DataError
from plugins.registry import TRANSFORMS
from plugins.structures import DetDataSample, SegDataSample


@TRANSFORMS.register_module()
class PackDetInputs(BaseTransform):
    """Boxes labelled ``IGNORE_LABEL`` (crowd regions) go to ``ignored_instances``
    (``bboxes``), the others to ``gt_instances``.

    Args:
        meta_keys: result keys copied into the data sample's metainfo.
    """

    def __init__(self, meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor',
                                  'flip', 'flip_direction')):
        self.meta_keys = meta_keys

    def transform(self, results: dict) -> dict:
        sample = DetDataSample()
        gt = InstanceData()
        bboxes = results.get('gt_bboxes', np.zeros((0, 4), np.float32))
        gt.bboxes = torch.as_tensor(np.asarray(bboxes, np.float32)).reshape(-1, 4)
        gt.labels = torch.as_tensor(
            np.asarray(results.get('gt_bboxes_labels', []), np.int64)).reshape(-1)
        if 'gt_masks' in results:
            masks, shape = results['gt_masks'], results['img'].shape[:2]
            if masks.shape[1:] != shape:
                raise DataError(f'{results.get("img_path")}: its masks are {masks.shape[1:]} but '
                                f'the image is {shape}: a transform moved the image but not the '
                                'masks (Resize, RandomFlip, Pad, RandomRot90, Expand and '
                                'MinIoURandomCrop keep them aligned)')
            gt.masks = torch.from_numpy(masks).bool()
        if 'gt_keypoints' in results:  # (K, P, 3): x, y, visibility
            gt.keypoints = torch.as_tensor(np.asarray(results['gt_keypoints'], np.float32))
        crowd = gt.labels == IGNORE_LABEL
        sample.gt_instances = gt[~crowd]
        sample.ignored_instances = InstanceData(bboxes=gt.bboxes[crowd])
        if 'proposals' in results:
            if tuple(results.get('scale_factor', (1.0, 1.0))) != (1.0, 1.0) or results.get('flip'):
                raise DataError(f'{results.get("img_path")}: its proposals would not match the '
                                'resized or flipped image; with a proposal_file, the pipeline '
                                'may only rotate (RandomRot90)')
            sample.proposals = InstanceData(
                bboxes=torch.as_tensor(results['proposals'], dtype=torch.float32).reshape(-1, 4),
                scores=torch.as_tensor(results['proposal_scores'], dtype=torch.float32))
        return pack(results, sample, self.meta_keys)


def pack(results: dict, sample, meta_keys) -> dict:
    img = results['img']
    if img.ndim == 2:
        img = img[..., None]
    meta = {k: results[k] for k in meta_keys if k in results}
    meta.setdefault('scale_factor', (1.0, 1.0))
    sample.set_metainfo(meta)
    return dict(inputs=torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1))),
                data_samples=sample)


@TRANSFORMS.register_module()
class PackSegInputs(BaseTransform):
    """Args:
        meta_keys: result keys copied into the data sample's metainfo.
    """

    def __init__(self, meta_keys=('img_path', 'seg_map_path', 'ori_shape', 'img_shape',
                                  'scale_factor', 'flip', 'flip_direction')):
        self.meta_keys = meta_keys

    def transform(self, results: dict) -> dict:
        sample = SegDataSample()
        if 'gt_seg_map' in results:
            sample.gt_sem_seg = PixelData(
                data=torch.from_numpy(np.ascontiguousarray(results['gt_seg_map'])[None]).long())
        return pack(results, sample, self.meta_keys)
