"""Training progress a user can trust from the first minute.

``EarlyLoggerHook``: MMEngine's ``LoggerHook`` that also logs the first iterations
(1, 5 and 10 by default), so the loss shows within seconds, not after ``interval``.
``RecentETATimerHook``: MMEngine's ``IterTimerHook`` whose ETA follows the mean time
of the last ``window`` iterations instead of the whole run's (which the slow first
iterations, a validation or a busy machine keep wrong for long).
"""
from typing import Sequence

from mmengine.hooks import IterTimerHook, LoggerHook

from plugins.registry import HOOKS


@HOOKS.register_module()
class EarlyLoggerHook(LoggerHook):
    """Args:
        interval: log every ``interval`` iterations, as ``LoggerHook``.
        early: 1-based iterations also logged.
    """

    def __init__(self, interval: int = 50, early: Sequence[int] = (1, 5, 10)):
        super().__init__(interval=interval)
        self.early = tuple(early)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        it = runner.iter + 1
        if it in self.early and it % self.interval:
            _, log_str = runner.log_processor.get_log_after_iter(runner, batch_idx, 'train')
            runner.logger.info(log_str)
        super().after_train_iter(runner, batch_idx, data_batch, outputs)


@HOOKS.register_module()
class RecentETATimerHook(IterTimerHook):
    """Args:
        window: iterations the ETA's mean time covers.
    """

    def __init__(self, window: int = 20):
        super().__init__()
        self.window = window

    def _after_iter(self, runner, batch_idx: int, data_batch=None, outputs=None,
                    mode: str = 'train') -> None:
        super()._after_iter(runner, batch_idx, data_batch, outputs, mode)
        if mode == 'train' and runner.message_hub.get_scalar('train/time') is not None:
            recent = runner.message_hub.get_scalar('train/time').mean(self.window)
            runner.message_hub.update_info('eta', recent * (runner.max_iters - runner.iter - 1))
