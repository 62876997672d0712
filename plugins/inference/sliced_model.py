"""Sliced inference inside the Runner (``tools/test.py --slice SIZE``): every test image
predicted through windows, scored by the config's own evaluator.

Call flow: ``sliced_test_config`` turns a loaded config into one whose test pipeline only
loads (the whole image, its annotations, packed at full size) and whose model is a
``SlicedModel`` around the config's model; ``SlicedModel.test_step`` gives each image to
``slicing.sliced_predict``, which runs the original test pipeline (Resize, ...) on every
window. ``SlicedModel`` is a model wrapper, so the checkpoint and the test hooks
(``--precision``, ``--fuse-conv-bn``) reach the detector or segmentor inside it.
"""
from typing import Sequence

import torch
from mmengine.config import Config
from mmengine.device import get_device

from plugins.apis.inference import LOADING, inference_pipeline
from plugins.inference.slicing import check_slicing, sliced_predict
from plugins.inference.sources import MAX_WHOLE_PIXELS, ArraySource
from plugins.registry import MODEL_WRAPPERS, MODELS
from plugins.structures.masks import paste_crops

PACKING = ('PackDetInputs', 'PackSegInputs')


@MODEL_WRAPPERS.register_module()
@MODELS.register_module()
class SlicedModel(torch.nn.Module):
    """Args:
        module: the detector or segmentor config.
        pipeline: the test pipeline each window goes through (minus loading).
        size, overlap, batch_size, full_image, box_voting: as ``sliced_predict``.
    """

    def __init__(self, module: dict, pipeline: Sequence[dict], size: int,
                 overlap: float = 0.2, batch_size: int = 4, full_image: bool = False,
                 box_voting: bool = False):
        super().__init__()
        check_slicing(size, overlap)
        self.module = MODELS.build(module).to(get_device())  # the Runner moves no wrapper
        self.module.inference_pipeline = inference_pipeline(pipeline)
        self.size, self.overlap, self.batch_size = size, overlap, batch_size
        self.full_image, self.box_voting = full_image, box_voting

    def test_step(self, data: dict) -> list:
        out = []
        for image, sample in zip(data['inputs'], data['data_samples']):
            source = ArraySource(image.permute(1, 2, 0).cpu().numpy(), sample.get('img_path'))
            pred = sliced_predict(self.module, source, self.size, self.overlap,
                                  self.batch_size, self.full_image, box_voting=self.box_voting)
            if 'pred_sem_seg' in pred:
                sample.seg_logits, sample.pred_sem_seg = pred.seg_logits, pred.pred_sem_seg
            else:
                inst = pred.pred_instances
                if 'mask_crops' in inst:  # the evaluator takes bitmaps: the image fits
                    inst.masks = paste_crops(inst.mask_crops, inst.mask_origins,
                                             (source.height, source.width))
                    del inst.mask_crops, inst.mask_origins
                sample.pred_instances = inst
            out.append(sample)
        return out

    val_step = test_step


def sliced_test_config(cfg: Config, size: int, overlap: float = 0.2, batch_size: int = 4,
                       full_image: bool = False, box_voting: bool = False) -> Config:
    """``cfg`` (from ``load_config``) set to test through windows, as the module says."""
    check_slicing(size, overlap)
    steps = list(cfg.test_dataloader.dataset.pipeline)
    loading = [dict(s) for s in steps if s['type'] in LOADING]
    for step in loading:
        if step['type'] == 'LoadImage':
            step['max_pixels'] = MAX_WHOLE_PIXELS  # plain inference's guard does not apply
    packing = [s for s in steps if s['type'] in PACKING]
    cfg.model = dict(type='SlicedModel', module=cfg.model, size=size, overlap=overlap,
                     batch_size=batch_size, full_image=full_image, box_voting=box_voting,
                     pipeline=[s for s in steps if s['type'] not in LOADING])
    cfg.test_dataloader.dataset.pipeline = loading + packing
    return cfg
