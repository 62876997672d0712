"""A validation that a signal cut short runs again on resume.

MMEngine's ``IterBasedTrainLoop`` saves ``iter_N.pth`` after iteration N and only then
validates at N. Interrupted during that validation, ``--resume`` restarted from
``iter_N.pth`` and trained on from N + 1: the validation at N was lost for good. This
hook writes the iteration of each finished validation to ``<work_dir>/last_validation``;
resuming at a validation point that file does not name, it validates before training on.
"""
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import IterBasedTrainLoop

from plugins.registry import HOOKS
from plugins.utils.fileio import atomic_write

RECORD = 'last_validation'


@HOOKS.register_module()
class RerunValidationHook(Hook):
    priority = 'LOWEST'  # after the other hooks have set up training

    def after_val_epoch(self, runner, metrics=None) -> None:
        if is_main_process():
            atomic_write(str(runner.iter).encode(), osp.join(runner.work_dir, RECORD))

    def before_train(self, runner) -> None:
        loop, at = runner.train_loop, runner.iter
        if not (runner._resume and isinstance(loop, IterBasedTrainLoop) and at > 0
                and runner.val_loop is not None and at >= loop.val_begin
                and (at % loop.val_interval == 0 or at == loop.max_iters)):
            return
        record = osp.join(runner.work_dir, RECORD)
        done = open(record).read().strip() if osp.isfile(record) else None
        if done != str(at):
            print_log(f'the validation at iteration {at} did not finish before the run '
                      'stopped: running it now', logger='current')
            runner.val_loop.run()
