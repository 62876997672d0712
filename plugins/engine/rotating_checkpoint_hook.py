"""MMEngine's ``CheckpointHook``, rotating only after the new checkpoint is in place.

MMEngine 0.10.7 deletes the oldest kept checkpoint *before* it writes the new one:
with ``max_keep_ckpts=1`` a kill during that save left no checkpoint at all. Here
the new file is written first (atomically, with the ``atomic_local`` backend), and
only then is the oldest one removed. Temporary files that a killed save left
behind (``.iter_N.pth.tmpPID`` of a process that no longer runs) are removed when
training starts.
"""

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmengine.logging import print_log

from plugins.registry import HOOKS
from plugins.utils.fileio import remove_stale_temporaries


@HOOKS.register_module()
class RotatingCheckpointHook(CheckpointHook):
    """MMEngine's ``CheckpointHook`` (same arguments)."""

    def before_train(self, runner) -> None:
        super().before_train(runner)
        if not is_main_process():
            return
        for tmp in remove_stale_temporaries(self.out_dir):
            print_log(f'removed {tmp}, left by an interrupted save', logger='current')

    def _save_checkpoint_with_step(self, runner, step, meta):
        doomed, keep = None, self.max_keep_ckpts
        if keep > 0 and not (self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == keep:
                doomed = self.keep_ckpt_ids.popleft()
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        self.max_keep_ckpts = -1  # MMEngine's part: save only, no rotation
        try:
            super()._save_checkpoint_with_step(runner, step, meta)
        finally:
            self.max_keep_ckpts = keep
        if doomed is not None and is_main_process():
            path = self.file_backend.join_path(self.out_dir, self.filename_tmpl.format(doomed))
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
