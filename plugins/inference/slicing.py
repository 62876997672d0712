"""Sliced inference: a large image seen through overlapping square windows, each window an
image for the model (its own test pipeline, as SAHI and DeepForest's ``predict_tile`` do),
the predictions shifted back to the whole image and merged.

Shapes: image H x W; windows S x S (``size``; the last row and column aligned to the far
edge, one window if the image fits in S x S), stride round(S * (1 - overlap)); B windows
per forward (``batch_size``). Detections D: ``bboxes`` (D, 4) x1y1x2y2 in image pixels,
``scores`` (D,), ``labels`` (D,); Mask R-CNN masks as ``mask_crops`` (D arrays, each a bool
crop around its instance) at ``mask_origins`` (D, 2) x0, y0, never one H x W bitmap per
instance (``paste_crops`` makes them for an image that fits). Segmentation: ``seg_logits``
(C, H, W) and ``pred_sem_seg`` (1, H, W).

Call flow: sliced_predict -> slice_windows -> per batch: source.read -> apis.inference
(the model's pipeline and test_step) -> detectors: boxes shifted by the window origin, a
box touching a window edge inside the image marked ``cut``; all windows' boxes (and the
optional whole-image pass, ``full_image=True``, for objects larger than a window) merged
by ``merge_detections``; segmentors: logits summed per pixel, divided by the windows
covering it (mmsegmentation's slide mode), argmax at the end. One window: the model's own
result, unchanged (sliced inference of an image that fits equals plain inference).
"""
from typing import List, Optional, Tuple

import numpy as np
import torch
from mmengine.structures import InstanceData, PixelData
from mmengine.utils import ProgressBar

from plugins.datasets.tiling import tile_windows
from plugins.decode_heads.decode_head import label_map
from plugins.errors import ConfigError
from plugins.inference.merge import merge_detections
from plugins.structures import DetDataSample, SegDataSample

MIN_SLICE = 32  # px: smaller windows hold too little context for any model here


def check_slicing(size, overlap) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or size < MIN_SLICE:
        raise ConfigError(f'slice size {size!r}: an integer of at least {MIN_SLICE} px')
    if isinstance(overlap, bool) or not isinstance(overlap, (int, float)) \
            or not 0 <= overlap < 1:
        raise ConfigError(f'slice overlap {overlap!r}: a fraction of the window in [0, 1)')


def slice_windows(width: int, height: int, size: int, overlap: float) -> List[Tuple]:
    """Windows (x0, y0, x1, y1) covering the image, row by row."""
    check_slicing(size, overlap)
    stride = max(1, round(size * (1 - overlap)))
    return tile_windows(width, height, size, size - stride)


def sliced_predict(model, source, size: int, overlap: float = 0.2, batch_size: int = 4,
                   full_image: bool = False, merge_cfg: Optional[dict] = None,
                   box_voting: bool = False, progress: bool = False, merge: bool = True):
    """One DetDataSample / SegDataSample for the whole of ``source``
    (``plugins.inference.sources``). ``model`` from ``plugins.apis.init_model`` (any
    precision). ``merge_cfg``: the NMS config of the merge (``merge.MERGE_DEFAULTS``).
    ``merge=False``: every window's detections, shifted, with their ``cut`` flags, not
    merged (to see what merging does)."""
    from plugins.apis import inference  # apis imports this package
    windows = slice_windows(source.width, source.height, size, overlap)
    if len(windows) == 1 and not full_image and merge:  # the model's own result
        sample = inference(model, [source.read(*windows[0])])[0]
        return sample if 'pred_sem_seg' in sample else _with_mask_crops(sample, (0, 0))
    bar = ProgressBar(len(windows)) if progress else None
    parts, logits = [], None  # each window folded in as it comes: memory follows the batch
    for start in range(0, len(windows), batch_size):
        batch = windows[start:start + batch_size]
        samples = inference(model, [source.read(*w) for w in batch], batch_size=len(batch))
        for window, sample in zip(batch, samples):
            if 'pred_sem_seg' in sample:
                logits = _add_logits(logits, sample, window, source)
            else:
                parts.append(_shifted(sample, window, source))
        if bar:
            bar.update(len(batch))
    if logits is not None:
        return _segmentation(logits, source)
    if full_image:
        image, factor = source.read_resized(size)
        parts.append(_scaled(inference(model, [image])[0], factor))
    if not merge:
        return _sample(source, InstanceData.cat(parts))
    return _sample(source, merge_detections(parts, merge_cfg, box_voting))


def _sample(source, pred: InstanceData) -> DetDataSample:
    sample = DetDataSample(metainfo=dict(img_path=source.path, ori_shape=(source.height,
                                                                          source.width)))
    sample.pred_instances = pred
    return sample


def _with_mask_crops(sample, origin) -> DetDataSample:
    """The sample with full-window ``masks`` (if any) as crops around each instance."""
    pred = sample.pred_instances
    if 'masks' in pred:
        crops, origins = [], []
        for mask in pred.masks.cpu().numpy():
            ys, xs = np.nonzero(mask)
            y0, x0 = (ys.min(), xs.min()) if len(ys) else (0, 0)
            y1, x1 = (ys.max() + 1, xs.max() + 1) if len(ys) else (0, 0)
            crops.append(mask[y0:y1, x0:x1])
            origins.append((x0 + origin[0], y0 + origin[1]))
        del pred.masks
        pred.mask_crops = crops
        pred.mask_origins = torch.tensor(origins, dtype=torch.long).reshape(-1, 2)
    return sample


def _shifted(sample, window, source) -> InstanceData:
    """A window's detections in image pixels, each marked ``cut`` if it touches a window
    edge that lies inside the image (the object may go on in the next window)."""
    x0, y0, x1, y1 = window
    pred = _with_mask_crops(sample, (x0, y0)).pred_instances
    pred.bboxes = pred.bboxes + pred.bboxes.new_tensor([x0, y0, x0, y0])
    b, near = pred.bboxes, 1.0
    pred.cut = (((b[:, 0] <= x0 + near) & (x0 > 0)) | ((b[:, 1] <= y0 + near) & (y0 > 0))
                | ((b[:, 2] >= x1 - near) & (x1 < source.width))
                | ((b[:, 3] >= y1 - near) & (y1 < source.height)))
    return pred


def _scaled(sample, factor: float) -> InstanceData:
    """The whole-image pass's detections in full-size pixels (its masks are dropped:
    at the reduced scale they would be coarse)."""
    pred = sample.pred_instances
    pred = InstanceData(bboxes=pred.bboxes / factor, scores=pred.scores, labels=pred.labels)
    pred.cut = torch.zeros(len(pred), dtype=torch.bool)
    return pred


def _add_logits(acc, sample, window, source):
    """(summed logits (C, H, W), windows per pixel (H, W)) with one more window added."""
    x0, y0, x1, y1 = window
    logit = sample.seg_logits.data
    if acc is None:
        acc = (logit.new_zeros((logit.shape[0], source.height, source.width)),
               logit.new_zeros((source.height, source.width)))
    acc[0][:, y0:y1, x0:x1] += logit
    acc[1][y0:y1, x0:x1] += 1
    return acc


def _segmentation(acc, source) -> SegDataSample:
    logits = acc[0] / acc[1]
    sample = SegDataSample(metainfo=dict(img_path=source.path, ori_shape=(source.height,
                                                                          source.width)))
    sample.seg_logits = PixelData(data=logits)
    sample.pred_sem_seg = PixelData(data=label_map(logits))
    return sample
