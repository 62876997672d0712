"""Exact resume: SIGKILL a run at a random iteration, or in the middle of a save with one
kept checkpoint, resume it, and it ends with the same weights, optimizer state and metrics
as a run that was never interrupted."""
import glob
import os
import os.path as osp
import random
import signal
import subprocess
import sys
import time

import torch

from tests.conftest import CONFIG, ROOT, TINY, data_args, run_tool

MAX_ITERS = 10


def _args(work, neon_root, workers: int):
    return [CONFIG, '--work-dir', str(work), '--cfg-options', *TINY, *data_args(neon_root),
            f'train_cfg.max_iters={MAX_ITERS}', f'train_cfg.val_interval={MAX_ITERS}',
            'default_hooks.checkpoint.interval=1', 'randomness.deterministic=True',
            f'train_dataloader.num_workers={workers}',
            f'train_dataloader.persistent_workers={workers > 0}']


def _final(work):
    ckpt = torch.load(osp.join(work, f'iter_{MAX_ITERS}.pth'), weights_only=True)
    metrics = [line for line in open(_log(work)) if 'Iter(val)' in line][-1]
    return ckpt, metrics.split('coco/AP:')[1].split('data_time')[0]


def _log(work):
    return sorted(glob.glob(osp.join(work, '*', '*.log')))[-1]


def _max_diff(a, b):
    if isinstance(a, torch.Tensor):
        return (a.double() - b.double()).abs().max().item() if a.numel() else 0.0
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        return max([_max_diff(a[k], b[k]) for k in a] + [0.0])
    if isinstance(a, (list, tuple)):
        return max([_max_diff(x, y) for x, y in zip(a, b)] + [0.0])
    return 0.0 if a == b else float('inf')


def _resumed_at(work):
    return int(open(_log(work)).read().split('resumed epoch: 0, iter: ')[1].split()[0])


def _diff(straight, resumed):
    (a, metrics_a), (b, metrics_b) = _final(straight), _final(resumed)
    diff = {k: _max_diff(a[k], b[k]) for k in ('state_dict', 'optimizer', 'param_schedulers')}
    return diff, metrics_a, metrics_b


def run_killed_and_resumed(work, neon_root, workers, kill_after):
    proc = subprocess.Popen([sys.executable, osp.join(ROOT, 'tools', 'train.py'),
                             *_args(work, neon_root, workers)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not (work / f'iter_{kill_after}.pth').exists() and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (work / f'iter_{MAX_ITERS}.pth').exists(), 'killed too late'
    out = run_tool('train.py', *_args(work, neon_root, workers), '--resume')
    assert out.returncode == 0, out.stderr[-2000:]
    return _resumed_at(work)


def test_killed_and_resumed_equals_uninterrupted(neon_root, tmp_path):
    for workers in (0, 1):  # augmentation in the main process, and in a loader worker
        straight = tmp_path / f'straight{workers}'
        out = run_tool('train.py', *_args(straight, neon_root, workers))
        assert out.returncode == 0, out.stderr[-2000:]
        kill_after = random.Random(workers).randint(2, MAX_ITERS - 3)
        resumed = tmp_path / f'resumed{workers}'
        resumed_at = run_killed_and_resumed(resumed, neon_root, workers, kill_after)
        assert kill_after <= resumed_at < MAX_ITERS
        diff, metrics_a, metrics_b = _diff(straight, resumed)
        print(f'workers={workers} killed after iter {kill_after}, resumed at {resumed_at}: '
              f'max |diff| {diff}; metrics {metrics_a.split()[:4]}')
        assert diff == {'state_dict': 0.0, 'optimizer': 0.0, 'param_schedulers': 0.0}
        assert metrics_a == metrics_b


# tools/train.py whose save of one checkpoint stops between writing the temporary file and
# renaming it (it waits there to be killed)
HELD_SAVE = """
import os, os.path as osp, runpy, sys, time
from plugins.utils import fileio
replace = fileio.os.replace
def held(src, dst):
    if osp.basename(dst) == os.environ['HOLD_SAVE']:
        open(os.environ['HOLD_MARKER'], 'w').close()
        time.sleep(600)
    replace(src, dst)
fileio.os.replace = held
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')
"""


def test_killed_during_a_save_with_one_kept_checkpoint(neon_root, tmp_path):
    straight, work, marker = tmp_path / 'straight', tmp_path / 'resumed', tmp_path / 'held'
    args = _args(straight, neon_root, 0) + ['default_hooks.checkpoint.max_keep_ckpts=1']
    out = run_tool('train.py', *args)
    assert out.returncode == 0, out.stderr[-2000:]
    args[args.index(str(straight))] = str(work)
    proc = subprocess.Popen([sys.executable, '-c', HELD_SAVE, 'tools/train.py', *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, HOLD_SAVE='iter_6.pth', HOLD_MARKER=str(marker)))
    deadline = time.time() + 300
    while not marker.exists() and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    on_disk = sorted(osp.basename(f) for f in glob.glob(str(work / '*.pth')))
    temp = glob.glob(str(work / '.iter_6.pth.tmp*'))
    assert on_disk == ['iter_5.pth'] and len(temp) == 1  # the kept one survived the save
    out = run_tool('train.py', *args, '--resume')
    assert out.returncode == 0, out.stderr[-2000:]
    diff, metrics_a, metrics_b = _diff(straight, work)
    print(f'killed while saving iter_6.pth (max_keep_ckpts=1): {on_disk} left, resumed at '
          f'{_resumed_at(work)}: max |diff| {diff}')
    assert _resumed_at(work) == 5 and not osp.exists(temp[0])
    assert diff == {'state_dict': 0.0, 'optimizer': 0.0, 'param_schedulers': 0.0}
    assert metrics_a == metrics_b
