"""A progress bar with ETA over the test set (MMEngine's ProgressBar), beside the
logger's every-50-iterations lines."""
import sys

from mmengine.hooks import Hook
from mmengine.utils import ProgressBar

from plugins.registry import HOOKS


@HOOKS.register_module()
class ProgressBarHook(Hook):
    """Draws one bar per test run; the bar goes to the terminal (stdout), not the log."""

    def before_test_epoch(self, runner) -> None:
        self.bar = ProgressBar(len(runner.test_dataloader), file=sys.stdout)

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self.bar.update()

    def after_test_epoch(self, runner, metrics=None) -> None:
        print(flush=True)  # end the bar's line before the metrics are logged
