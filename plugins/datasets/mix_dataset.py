"""A training dataset whose images are made of several: the wrapper that Mosaic and MixUp
(plugins/datasets/transforms/mix.py) need to see other images.

``MixImageDataset(dataset, pipeline)``: item i is the wrapped dataset's item i (its own
pipeline: loading and any per-image steps), then each step of ``pipeline``; before a step
with ``get_indices``, the images it asks for are taken through the wrapped dataset's
pipeline too and handed over as ``results['mix_results']``. The rest (class names,
``get_data_info``, length) is the wrapped dataset's, so samplers, checks and the
repeat-factor sampler see it as they would the dataset itself.

    train_dataloader = dict(dataset=dict(
        type='MixImageDataset',
        dataset=dict(type='CocoDetDataset', ..., pipeline=[
            dict(type='LoadImage'), dict(type='LoadAnnotations', with_bbox=True)]),
        pipeline=[dict(type='Mosaic', img_scale=(400, 400), prob=0.5), ...,
                  dict(type='PackDetInputs')]))
"""
import copy
from typing import List

from mmcv.transforms import BaseTransform

from plugins.registry import DATASETS, TRANSFORMS


@DATASETS.register_module()
class MixImageDataset:
    """Args:
        dataset: the wrapped dataset's config (or the dataset).
        pipeline: the steps after its own, mixing ones included.
    """

    def __init__(self, dataset, pipeline: List[dict]):
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        self.pipeline: List[BaseTransform] = [TRANSFORMS.build(t) for t in pipeline]

    @property
    def metainfo(self) -> dict:
        return self.dataset.metainfo

    def full_init(self) -> None:
        if hasattr(self.dataset, 'full_init'):
            self.dataset.full_init()

    def get_data_info(self, index: int) -> dict:
        return self.dataset.get_data_info(index)

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int):
        results = copy.deepcopy(self.dataset[index])
        for step in self.pipeline:
            if hasattr(step, 'get_indices'):
                results['mix_results'] = [copy.deepcopy(self.dataset[i])
                                          for i in step.get_indices(self.dataset)]
            results = step(results)
            if results is None:  # a step that drops the image: another one, as BaseDataset
                return self[(index + 1) % len(self)]
            results.pop('mix_results', None)
        return results
