"""Resident memory of the training process and its dataloader workers, sampled every
``interval`` iterations and logged (``memory: ... MB main + ... MB workers at
iteration N``), so that a leak shows as a growing series
(``tools/analysis/memory_series.py`` reads it back). Linux only (reads /proc);
elsewhere it is silent.
"""
import os

from mmengine.hooks import Hook

from plugins.registry import HOOKS

_PAGE_MB = os.sysconf('SC_PAGE_SIZE') / 2**20 if hasattr(os, 'sysconf') else 0


def _rss_mb(pid) -> float:
    with open(f'/proc/{pid}/statm') as f:
        return int(f.read().split()[1]) * _PAGE_MB


def _children(pid) -> list:
    kids = []
    for tid in os.listdir(f'/proc/{pid}/task'):
        with open(f'/proc/{pid}/task/{tid}/children') as f:
            kids += f.read().split()
    return kids


def resident_mb(pid='self') -> tuple:
    """(this process, its descendants) resident memory in MB."""
    own, total, stack = _rss_mb(pid), 0.0, _children(pid)
    while stack:
        child = stack.pop()
        try:
            total += _rss_mb(child)
            stack += _children(child)
        except OSError:  # exited meanwhile
            pass
    return own, total


@HOOKS.register_module()
class MemoryMonitorHook(Hook):
    """Args:
        interval: sample every this many training iterations.
    """

    def __init__(self, interval: int = 100):
        self.interval, self.series = interval, []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if (runner.iter + 1) % self.interval or not os.path.isdir('/proc/self/task'):
            return
        own, workers = resident_mb()
        self.series.append((runner.iter + 1, own, workers))
        runner.logger.info(f'memory: {own:.0f} MB main + {workers:.0f} MB workers at '
                           f'iteration {runner.iter + 1}')
