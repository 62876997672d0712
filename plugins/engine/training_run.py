"""A training run as ``tools/train.py`` starts it: MMEngine's ``Runner`` with its work dir
locked, and SIGINT / SIGTERM ending in one line.

- Two trainings on one work dir overwrote each other's checkpoints, both exiting 0: the
  run holds an exclusive ``flock`` on ``<work_dir>/.train.lock`` (released by the kernel
  when the process ends, however it ends), and a second one refuses in one line.
- Ctrl-C printed a ``KeyboardInterrupt`` traceback and SIGTERM printed nothing: both now
  end in one line naming the iteration reached, the newest checkpoint and the command
  that resumes (exit status 130 / 143). A validation they cut short runs again on resume
  (``RerunValidationHook``).
"""
import contextlib
import fcntl
import os
import os.path as osp
import signal

from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.runner import Runner

from plugins.engine.checkpoint_loading import latest_good_checkpoint
from plugins.errors import ConfigError

LOCK = '.train.lock'


class Interrupted(Exception):
    """Training stopped by a signal; the message says where, and how to go on."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@contextlib.contextmanager
def locked(work_dir: str):
    """Hold ``<work_dir>/.train.lock`` (rank 0 of a distributed run only)."""
    if os.environ.get('RANK', '0') != '0':
        yield
        return
    os.makedirs(work_dir, exist_ok=True)
    with open(osp.join(work_dir, LOCK), 'a+') as f:
        try:  # a POSIX record lock: not inherited by forked loader workers, which may
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)  # outlive a killed run
        except OSError:
            f.seek(0)
            raise ConfigError(f'{work_dir}: another training (pid {f.read().strip() or "?"}) '
                              'is using this work dir; wait for it to end or choose another '
                              '--work-dir') from None
        f.truncate(0)
        f.write(str(os.getpid()))
        f.flush()
        yield


def _sigterm(signum, frame):
    raise KeyboardInterrupt('SIGTERM')


def train(cfg: Config) -> None:
    """``Runner.from_cfg(cfg).train()`` in the locked work dir; a signal ends it in an
    ``Interrupted`` whose message says where training stopped and how to resume."""
    previous = signal.signal(signal.SIGTERM, _sigterm)
    try:
        with locked(cfg.work_dir):
            Runner.from_cfg(cfg).train()
    except KeyboardInterrupt as e:
        name = 'SIGTERM' if str(e) == 'SIGTERM' else 'SIGINT'
        hub = MessageHub.get_current_instance()
        reached = hub.get_info('iter')
        newest, _ = latest_good_checkpoint(cfg.work_dir)
        raise Interrupted(
            f'interrupted ({name}) at iteration {"?" if reached is None else reached + 1}; '
            f'newest checkpoint: {newest or "none"}; go on with: python tools/train.py '
            f'CONFIG --work-dir {cfg.work_dir} --resume', 130 if name == 'SIGINT' else 143) \
            from None
    finally:
        signal.signal(signal.SIGTERM, previous)
