"""Repeat-factor sampling: images with rare classes seen more often (LVIS's recipe).

For each class c, f(c) is the share of training images holding at least one object of
it; its repeat factor is r(c) = max(1, sqrt(threshold / f(c))), and an image's is the
largest of its classes' (1 for an image without objects). Each pass over the data
repeats image i floor(r_i) times, plus once more with probability frac(r_i) (drawn from
the sampler's seeded generator, so a run and its resume see the same order), then
shuffles. With a threshold below every f(c), every factor is 1: plain shuffling.

An infinite sampler, for ``IterBasedTrainLoop``, as MMEngine's ``InfiniteSampler``
(which it extends: distributed ranks take every world_size-th index):

    train_dataloader = dict(sampler=dict(type='RepeatFactorSampler', threshold=0.1))
"""
import math
from typing import Iterator, List

import torch
from mmengine.dataset import InfiniteSampler

from plugins.errors import ConfigError
from plugins.registry import DATA_SAMPLERS


def repeat_factors(image_labels: List[set], threshold: float) -> torch.Tensor:
    """(N,) float64 factors from each image's set of class labels."""
    counts = {}
    for labels in image_labels:
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
    n = max(len(image_labels), 1)
    per_class = {c: max(1.0, math.sqrt(threshold / (k / n))) for c, k in counts.items()}
    return torch.tensor([max((per_class[c] for c in labels), default=1.0)
                         for labels in image_labels], dtype=torch.float64)


def _image_labels(dataset) -> List[set]:
    if hasattr(dataset, 'full_init'):
        dataset.full_init()
    out = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        if 'instances' not in info:
            raise ConfigError(f'RepeatFactorSampler: {type(dataset).__name__} has no '
                              "'instances' per image (a detection dataset is needed)")
        out.append({inst['bbox_label'] for inst in info['instances']
                    if not inst.get('ignore_flag', 0)})
    return out


@DATA_SAMPLERS.register_module()
class RepeatFactorSampler(InfiniteSampler):
    """Args:
        dataset: a detection dataset (``instances`` with ``bbox_label`` per image).
        threshold: the image share under which a class is repeated (LVIS: 0.001; for a
            few classes on a small set, around 0.1-0.3).
        shuffle: shuffle each pass (default True).
        seed: the generator's seed (default: MMEngine's synchronised random seed).
    """

    def __init__(self, dataset, threshold: float = 0.1, shuffle: bool = True, seed=None):
        if not 0 < threshold <= 1:
            raise ConfigError(f'RepeatFactorSampler: threshold in (0, 1], got {threshold}')
        self.factors = repeat_factors(_image_labels(dataset), threshold)
        super().__init__(dataset, shuffle, seed)

    def _infinite_indices(self) -> Iterator[int]:
        g = torch.Generator()
        g.manual_seed(self.seed)
        whole = self.factors.floor()
        while True:
            extra = torch.rand(len(self.factors), generator=g, dtype=torch.float64)
            repeats = (whole + (extra < self.factors - whole)).long()
            indices = torch.repeat_interleave(torch.arange(len(self.factors)), repeats)
            if self.shuffle:
                indices = indices[torch.randperm(len(indices), generator=g)]
            yield from indices.tolist()

    def __len__(self) -> int:
        """Indices in one pass, on average."""
        return int(round(float(self.factors.sum())))
