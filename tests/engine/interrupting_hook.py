"""A hook the signal tests load with ``custom_imports``: it sends this process a signal at
a chosen point, as a user's Ctrl-C or a scheduler's SIGTERM would."""
import os
import signal

from mmengine.hooks import Hook

from plugins.registry import HOOKS


@HOOKS.register_module()
class SendSignalHook(Hook):
    """Send ``signal_name`` to this process in the first validation iteration at
    ``val_iter`` (the train iteration it validates) or after train iteration ``iter``."""

    def __init__(self, signal_name: str = 'SIGINT', val_at: int = -1, at: int = -1):
        self.signum = getattr(signal, signal_name)
        self.val_at, self.at = val_at, at

    def after_val_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if runner.iter == self.val_at and batch_idx == 0:
            os.kill(os.getpid(), self.signum)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if runner.iter == self.at:
            os.kill(os.getpid(), self.signum)
