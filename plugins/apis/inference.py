"""Use a trained model outside the Runner: build it from a config and checkpoint,
then run it on image files or arrays.

    model = init_model('configs/faster_rcnn/faster_rcnn_r18_neon.py', 'iter_2000.pth')
    samples = inference(model, ['a.png', frame_bgr])  # DetDataSample / SegDataSample each
    whole = sliced_inference(model, 'ortho.tif', size=800, overlap=0.2)  # any size

Image files are read by the config's ``LoadImage`` (so a missing, corrupt or too
large file is a ``DataError`` naming it); then every image goes through the rest
of the test pipeline (without ``LoadAnnotations``). Predictions come back in the
original image's pixels, as in ``tools/test.py``.
"""
import contextlib
import logging
import re
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
from mmcv.transforms import Compose
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import _load_checkpoint, _load_checkpoint_to_model

from plugins.config import load_config
from plugins.engine.checkpoint import fit_state_dict
from plugins.engine.checkpoint_checks import checked_dataset_meta
from plugins.deploy import check_backend, set_backend
from plugins.engine.precision import calibration_inputs
from plugins.inference.slicing import check_slicing
from plugins.registry import DATASETS, MODELS, TRANSFORMS

LOADING = ('LoadImage', 'LoadImageFromFile', 'LoadAnnotations')


def init_model(config: Union[str, Config], checkpoint: Optional[str] = None,
               cfg_options: Optional[dict] = None, precision: str = 'fp32',
               backend: str = 'torch') -> torch.nn.Module:
    """The config's model in eval mode, with ``model.cfg`` and ``model.dataset_meta``
    (class names, palette) set; random weights when ``checkpoint`` is None.
    ``precision``: 'fp32', 'bf16' or 'int8' (``plugins.engine.precision``; int8 is
    calibrated on 8 training images spread over the set), on ``backend`` 'torch',
    'onnxruntime' or 'openvino' (``plugins.deploy``)."""
    check_backend(backend, precision)  # before anything is loaded
    cfg = load_config(config, cfg_options)  # the same config tools/test.py runs
    init_default_scope(cfg.get('default_scope', 'plugins'))
    model = MODELS.build(cfg.model)
    meta = {}
    if checkpoint is None:
        with _quiet():
            model.init_weights()
    else:
        ckpt = _load_checkpoint(checkpoint, map_location='cpu')  # safe_load, any prefix
        state = ckpt.get('state_dict', ckpt)
        fit_state_dict(model, {re.sub(r'^module\.', '', k): v for k, v in state.items()},
                       strict=True, source=checkpoint)  # one line naming what differs
        meta = _load_checkpoint_to_model(model, ckpt, strict=True).get('meta')
        meta = meta if isinstance(meta, dict) else {}
    dataset_cls = DATASETS.get(cfg.test_dataloader.dataset.type)
    model.dataset_meta = checked_dataset_meta(meta.get('dataset_meta'), checkpoint) or dict(
        getattr(dataset_cls, 'METAINFO', {}))
    model.cfg = cfg
    model.inference_pipeline = inference_pipeline(cfg.test_dataloader.dataset.pipeline)
    model.eval()
    calibration = calibration_inputs(model, cfg) if precision == 'int8' else None
    return set_backend(model, backend, precision, calibration)


@contextlib.contextmanager
def _quiet():
    """Hide MMEngine's per-parameter initialisation report."""
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def inference_pipeline(steps: Sequence[dict]):
    """(loader, rest): a test pipeline's ``LoadImage`` (its checks and settings, for
    image files) and the remaining steps minus annotation loading."""
    loaders = [t for t in steps if t['type'] in LOADING[:2]]
    loader = TRANSFORMS.build(loaders[0] if loaders else dict(type='LoadImage'))
    return loader, Compose([TRANSFORMS.build(t) for t in steps if t['type'] not in LOADING])


def inference(model, images: Sequence[Union[str, np.ndarray]], batch_size: int = 1) -> List:
    """Predict on image paths or BGR arrays (H, W, 3); one data sample per image.
    ``model`` comes from ``init_model`` (its config and pipeline)."""
    loader, pipeline = model.inference_pipeline
    results = []
    for start in range(0, len(images), batch_size):
        batch = dict(inputs=[], data_samples=[])
        for image in images[start:start + batch_size]:
            if isinstance(image, str):  # missing, corrupt or too large: DataError naming it
                loaded = loader.transform(dict(img_path=image))
            else:
                loaded = dict(img=image, img_path=None, img_shape=image.shape[:2],
                              ori_shape=image.shape[:2])
            packed = pipeline(loaded)
            batch['inputs'].append(packed['inputs'])
            batch['data_samples'].append(packed['data_samples'])
        with torch.no_grad():
            results += model.test_step(batch)
    return results


def sliced_inference(model, image: Union[str, np.ndarray], size: int, overlap: float = 0.2,
                     batch_size: int = 4, full_image: bool = False, box_voting: bool = False,
                     progress: bool = False):
    """One prediction for a whole image of any size, seen through ``size`` x ``size``
    windows overlapping by ``overlap`` (a fraction), ``batch_size`` windows per forward
    (``plugins.inference.slicing``). ``image``: a path (GeoTIFFs read window by window
    with rasterio) or a BGR array."""
    from plugins.inference import ArraySource, open_image, sliced_predict
    check_slicing(size, overlap)  # before a large file is opened
    source = open_image(image) if isinstance(image, str) else ArraySource(image)
    return sliced_predict(model, source, size, overlap, batch_size, full_image=full_image,
                          box_voting=box_voting, progress=progress)
