"""A model from Python in two lines, plain numpy arrays out.

    model = plugins.apis.load('faster_rcnn_r18_neon', 'iter_2600.pth', precision='bf16')
    result = model.predict('tile.png')      # a path, a numpy array or a PIL image; or a list
    result.boxes, result.scores, result.labels, result.class_names
    whole = model.predict('ortho.tif', slice=800)   # any size, through windows

``load`` takes a config file or a packaged config's name, a checkpoint (None: random
weights), ``precision`` and ``backend`` as ``init_model`` does. ``predict`` returns one
``Prediction`` per image (a list for a list):

- detectors: ``boxes`` (N, 4) float32 x1 y1 x2 y2 in the image's pixels, ``scores``
  (N,) float32, ``labels`` (N,) int64, ``class_names`` (N names); Mask R-CNN also
  ``masks`` (N, H, W) bool; best first, those under ``score_thr`` left out;
- segmentors: ``label_map`` (H, W) int64 class indices.

Arrays are BGR, as OpenCV reads them (``channel_order='rgb'`` for RGB ones); a PIL image
is converted from its own mode. ``slice=SIZE`` predicts through SIZE x SIZE windows
(``overlap``, ``full_image``: ``sliced_inference``, docs/large_images.md).
"""
from dataclasses import dataclass
from typing import List, Optional, Union

import numpy as np

from plugins.apis.inference import inference, init_model, sliced_inference
from plugins.inference.geo import class_name
from plugins.structures.masks import paste_crops


@dataclass
class Prediction:
    boxes: Optional[np.ndarray] = None
    scores: Optional[np.ndarray] = None
    labels: Optional[np.ndarray] = None
    class_names: Optional[List[str]] = None
    masks: Optional[np.ndarray] = None
    label_map: Optional[np.ndarray] = None

    def __len__(self) -> int:
        return 0 if self.boxes is None else len(self.boxes)


def _bgr(image, channel_order: str):
    """A path as it is; an array or PIL image as a BGR uint8 array (H, W, 3)."""
    if isinstance(image, str):
        return image
    if hasattr(image, 'convert'):  # PIL
        image, channel_order = np.asarray(image.convert('RGB')), 'rgb'
    image = np.asarray(image)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f'an image array is (H, W, 3), got shape {image.shape}')
    image = image[..., :3]
    return np.ascontiguousarray(image[..., ::-1] if channel_order == 'rgb' else image)


class Predictor:
    """``model``: an ``init_model`` model (``.model``); see the module docstring."""

    def __init__(self, model):
        self.model = model
        self.classes = model.dataset_meta.get('classes')

    def predict(self, images, score_thr: float = 0.0, channel_order: str = 'bgr',
                slice: Optional[int] = None, overlap: float = 0.2, batch_size: int = 4,
                full_image: bool = False) -> Union[Prediction, List[Prediction]]:
        if channel_order not in ('bgr', 'rgb'):
            raise ValueError(f"channel_order: 'bgr' or 'rgb', got {channel_order!r}")
        many = isinstance(images, (list, tuple))
        inputs = [_bgr(i, channel_order) for i in (images if many else [images])]
        if slice:
            samples = [sliced_inference(self.model, i, slice, overlap, batch_size, full_image)
                       for i in inputs]
        else:
            samples = inference(self.model, inputs)
        out = [self._plain(s, score_thr) for s in samples]
        return out if many else out[0]

    def _plain(self, sample, score_thr: float) -> Prediction:
        if 'pred_sem_seg' in sample:
            return Prediction(label_map=sample.pred_sem_seg.data[0].cpu().numpy())
        pred = sample.pred_instances
        pred = pred[pred.scores >= score_thr] if score_thr > 0 else pred
        labels = pred.labels.cpu().numpy().astype(np.int64)
        out = Prediction(boxes=pred.bboxes.float().cpu().numpy(),
                         scores=pred.scores.float().cpu().numpy(), labels=labels,
                         class_names=[class_name(self.classes, int(v)) for v in labels])
        if 'mask_crops' in pred:  # a sliced prediction: each mask as a crop
            pred.masks = paste_crops(pred.mask_crops, pred.mask_origins, sample.ori_shape[:2])
        if 'masks' in pred:
            out.masks = pred.masks.cpu().numpy().astype(bool)
        return out


def load(config, checkpoint: Optional[str] = None, precision: str = 'fp32',
         backend: str = 'torch', cfg_options: Optional[dict] = None) -> Predictor:
    """A ``Predictor`` over ``init_model(config, checkpoint, ...)``."""
    return Predictor(init_model(config, checkpoint, cfg_options, precision, backend))

