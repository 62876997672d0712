"""``WarmupCosineLR``: a linear warm-up, then cosine annealing, whose phases follow the
run's length by construction.

MMEngine's ``LinearLR(end=100)`` + ``CosineAnnealingLR(begin=100)`` fix the warm-up in
iterations: a run of ``max_iters <= 100`` then fails ("end should be larger than
begin"), and detplug used to clamp such phases after loading, so the config printed was
not the one that ran. Here the Runner fills in ``end`` (= ``train_cfg.max_iters``, as it
does for any scheduler without one) and the warm-up takes ``warmup_iters`` iterations or
half the run, whichever is fewer. A config written for 2,000 iterations runs as written
at ``max_iters=3``.

With T = end - begin steps, W = min(warmup_iters, T // 2), t = steps since ``begin``:

    lr(t) = base * (start_factor + (1 - start_factor) * t / (W - 1))       t < W
    lr(t) = eta_min + (base - eta_min) * (1 + cos(pi * (t - W) / (T - W))) / 2   t >= W

(MMEngine's ``LinearLR`` reaches the base value at its last step, W - 1; its cosine
starts from the base value at W.)
"""
import math

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler

from plugins.errors import ConfigError
from plugins.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class WarmupCosineLR(LRSchedulerMixin, _ParamScheduler):
    """Args:
        warmup_iters: the longest warm-up (it is at most half the run).
        start_factor: the first warm-up step's fraction of the base learning rate.
        eta_min: the learning rate the cosine ends at.
        begin, end, by_epoch, last_step, verbose: as MMEngine's schedulers (``end``
            left out: the Runner's ``max_iters``, with ``by_epoch=False`` written in the
            config: the Runner reads it there, and without it takes ``max_epochs``).
    """

    def __init__(self, optimizer, warmup_iters: int = 100, start_factor: float = 0.01,
                 eta_min: float = 0.0, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        if end == INF:
            raise ConfigError('WarmupCosineLR needs an end: leave it out of the config and '
                              'the Runner sets train_cfg.max_iters')
        if not 0 < start_factor <= 1:
            raise ConfigError(f'WarmupCosineLR start_factor must be in (0, 1], got '
                              f'{start_factor}')
        self.warmup = max(0, min(warmup_iters, (end - begin) // 2))
        self.start_factor, self.eta_min = start_factor, eta_min
        super().__init__(optimizer, begin=begin, end=end, last_step=last_step,
                         by_epoch=by_epoch, verbose=verbose)

    def _get_value(self):
        t, warm, total = self.last_step, self.warmup, self.end - self.begin
        if t < warm:
            factor = self.start_factor + (1 - self.start_factor) * t / max(warm - 1, 1)
            return [base * factor for base in self.base_values]
        progress = (t - warm) / max(total - warm, 1)
        return [self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * progress)) / 2
                for base in self.base_values]
