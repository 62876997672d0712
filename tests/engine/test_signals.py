"""SIGINT and SIGTERM end training in one line that says where it stopped and how to go
on; a validation they cut short runs again on resume, and the run then ends as one never
interrupted; a second training on a busy work dir refuses. The signals are sent by the
process itself at a chosen point (tests/engine/interrupting_hook.py), as Ctrl-C would."""
import subprocess
import sys
import time

import torch
from mmengine.config import Config

from tests.conftest import CONFIG, ROOT, TINY, data_args, run_tool
from tests.engine.test_exact_resume import _max_diff


def _leaf(tmp_path, **signal_hook):
    """CONFIG with ``SendSignalHook(**signal_hook)`` after its own hooks."""
    hooks = list(Config.fromfile(CONFIG).custom_hooks) + [dict(type='SendSignalHook',
                                                               **signal_hook)]
    leaf = tmp_path / f'leaf_{len(list(tmp_path.iterdir()))}.py'
    leaf.write_text(f"_base_ = '{CONFIG}'\ncustom_imports = dict(imports=["
                    f"'tests.engine.interrupting_hook'], allow_failed_imports=False)\n"
                    f'custom_hooks = {hooks!r}\n')
    return str(leaf)


def _args(work, neon_root):
    return ['--work-dir', str(work), '--cfg-options', *TINY, *data_args(neon_root),
            'train_cfg.max_iters=4', 'train_cfg.val_interval=2',
            'default_hooks.checkpoint.interval=1', 'randomness.deterministic=True']


def test_sigterm_in_training_is_one_line(tmp_path, neon_root):
    work = tmp_path / 'w'
    out = run_tool('train.py', _leaf(tmp_path, signal_name='SIGTERM', at=1),
                   *_args(work, neon_root))
    last = out.stderr.strip().splitlines()[-1]
    assert out.returncode == 143 and 'Traceback' not in out.stderr, out.stderr[-2000:]
    assert last.startswith('interrupted (SIGTERM) at iteration 2; newest checkpoint: ') and \
        last.endswith(f'go on with: python tools/train.py CONFIG --work-dir {work} --resume')


def test_sigint_in_validation_then_resume_reruns_it_and_ends_as_uninterrupted(tmp_path,
                                                                               neon_root):
    straight, cut = tmp_path / 'straight', tmp_path / 'cut'
    assert run_tool('train.py', CONFIG, *_args(straight, neon_root)).returncode == 0
    out = run_tool('train.py', _leaf(tmp_path, signal_name='SIGINT', val_at=2),
                   *_args(cut, neon_root))
    last = out.stderr.strip().splitlines()[-1]
    assert out.returncode == 130 and 'Traceback' not in out.stderr, out.stderr[-2000:]
    assert last.startswith(f'interrupted (SIGINT) at iteration 2; newest checkpoint: '
                           f'{cut}/iter_2.pth')
    out = run_tool('train.py', CONFIG, *_args(cut, neon_root), '--resume')
    assert out.returncode == 0, out.stderr[-2000:]
    log = out.stdout + out.stderr
    assert 'the validation at iteration 2 did not finish before the run stopped: running it ' \
        'now' in log and 'resumed epoch: 0, iter: 2' in log
    assert log.count('Iter(val) [') >= 2  # the validation at 2 again, then the one at 4
    a, b = (torch.load(w / 'iter_4.pth', weights_only=True) for w in (straight, cut))
    assert {k: _max_diff(a[k], b[k]) for k in ('state_dict', 'optimizer')} == \
        {'state_dict': 0.0, 'optimizer': 0.0}


def test_a_second_training_on_a_busy_work_dir_refuses(tmp_path, neon_root):
    work = tmp_path / 'w'
    first = subprocess.Popen([sys.executable, f'{ROOT}/tools/train.py', CONFIG,
                              *_args(work, neon_root), 'train_cfg.max_iters=1000'], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while not (work / 'iter_1.pth').exists() and time.time() < deadline:
            time.sleep(0.1)
        out = run_tool('train.py', CONFIG, *_args(work, neon_root))
    finally:
        first.terminate()
        first.wait()
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1] == (
        f'error: in the config: {work}: another training (pid {first.pid}) is using this work '
        'dir; wait for it to end or choose another --work-dir')
