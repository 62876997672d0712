"""Checkpoints whose unpickling would run code are refused on every load path, and
the code does not run; truncated checkpoints are named, and resume falls back."""
import collections
import os
import os.path as osp
import pickle
import re

import pytest
import torch
from mmengine.runner import load_checkpoint

from plugins.apis import init_model
from plugins.engine.checkpoint import fit_state_dict
from plugins.engine.checkpoint_loading import (ALLOWED_GLOBALS, CheckpointError,
                                               latest_good_checkpoint, safe_load)
from tests.conftest import CONFIG, TINY, data_args, run_tool


class Payload:
    """Unpickling calls ``func(*args)``: here a command that leaves a marker file."""

    def __init__(self, marker, func=os.system):
        self.marker, self.func = marker, func

    def __reduce__(self):
        return (self.func, (f'touch {self.marker}',))


class Through:
    """Unpickling calls an allowed global (``func``) with the payload as an argument."""

    def __init__(self, func, payload):
        self.func, self.payload = func, payload

    def __reduce__(self):
        return (self.func, (self.payload,))


def evil_checkpoints(folder):
    """(name, path, marker) of checkpoints that would run code when unpickled."""
    made = []
    import builtins
    import subprocess
    cases = {
        'plain __reduce__ (os.system)': lambda m: {'state_dict': Payload(m)},
        'builtins.eval': lambda m: {'meta': Payload(m, builtins.eval)},
        'builtins.exec': lambda m: {'meta': Payload(m, builtins.exec)},
        'builtins.getattr': lambda m: Through(builtins.getattr, Payload(m)),
        'subprocess.getoutput': lambda m: {'meta': Payload(m, subprocess.getoutput)},
        # through globals torch itself allows: the payload rides in their arguments
        'collections.OrderedDict': lambda m: Through(collections.OrderedDict, [('a', Payload(m))]),
        'torch._utils._rebuild_parameter': lambda m: Through(torch._utils._rebuild_parameter,
                                                            Payload(m)),
        'ValueError (an allowed class)': lambda m: Through(ValueError, Payload(m)),
    }
    for i, (name, build) in enumerate(cases.items()):
        marker = osp.join(folder, f'ran_{i}')
        path = osp.join(folder, f'evil_{i}.pth')
        obj = build(marker)
        if isinstance(obj, dict):
            torch.save(obj, path)
        else:
            with open(path, 'wb') as f:  # torch's legacy (plain pickle) format
                pickle.dump(obj, f, protocol=2)
        made.append((name, path, marker))
    return made


def test_detplug_allows_no_extra_globals():
    assert ALLOWED_GLOBALS == ()


def test_every_payload_is_refused_by_safe_load_and_mmengine(tmp_path):
    import torch.nn as nn
    for name, path, marker in evil_checkpoints(str(tmp_path)):
        with pytest.raises(CheckpointError, match=f'{path}: refused') as refused:
            safe_load(path)
        # the message names the global refused first (os.system shows as posix.system)
        assert re.search(r'plain types \([\w.]+\); such a pickle',
                         str(refused.value)), (name, str(refused.value))
        with pytest.raises(CheckpointError, match='refused'):  # resume / load_from / init_cfg
            load_checkpoint(nn.Linear(1, 1), path)
        assert not osp.exists(marker), name


def through_every_tool(path, tmp_path, neon_root, only=None) -> dict:
    """Each tool's subprocess run that loads checkpoint ``path`` (a file, URL or name);
    ``only``: the names of the runs to make."""
    w, data = str(tmp_path / 'w'), data_args(neon_root)
    runs = {
        'train --resume': ('train.py', CONFIG, '--work-dir', w, '--resume', path,
                           '--cfg-options', *TINY, *data),
        'train load_from': ('train.py', CONFIG, '--work-dir', w, '--cfg-options',
                            f'load_from={path}', *TINY, *data, 'train_cfg.max_iters=3'),
        'train init_cfg': ('train.py', CONFIG, '--work-dir', w, '--cfg-options',
                           'model.backbone.init_cfg.type=Pretrained',
                           f'model.backbone.init_cfg.checkpoint={path}', *TINY, *data,
                           'train_cfg.max_iters=3'),
        'test': ('test.py', CONFIG, path, '--cfg-options', *data),
        'infer': ('infer.py', CONFIG, path, f'{neon_root}/val', '--out-dir', str(tmp_path / 'i')),
        'export': ('deployment/export.py', CONFIG, path, '--image',
                   f'{neon_root}/val/OSBS_029.png', '--out', str(tmp_path / 'm')),
        'convert': ('convert_torchvision.py', path, str(tmp_path / 'c.pth')),
    }
    return {what: run_tool(*args) for what, args in runs.items() if only is None or what in only}


def test_payload_through_the_tools_and_init_cfg(tmp_path, neon_root):
    _, path, marker = evil_checkpoints(str(tmp_path))[0]
    for what, out in through_every_tool(path, tmp_path, neon_root).items():
        assert out.returncode == 1, (what, out.stderr[-1500:])
        assert out.stderr.strip().splitlines()[-1].startswith(f'error: {path}: refused'), \
            (what, out.stderr[-1500:])
    assert not osp.exists(marker)
    with pytest.raises(CheckpointError):
        init_model(CONFIG, path)
    assert not osp.exists(marker)


def test_truncated_checkpoint_is_named_and_resume_falls_back(tmp_path, neon_root, mmlog):
    work = tmp_path / 'w'
    args = [CONFIG, '--work-dir', str(work), '--cfg-options', *TINY, *data_args(neon_root),
            'train_cfg.val_interval=100', 'default_hooks.checkpoint.interval=1',
            'default_hooks.checkpoint.max_keep_ckpts=3']
    out = run_tool('train.py', *args, 'train_cfg.max_iters=3')
    assert out.returncode == 0, out.stderr[-2000:]
    good = (work / 'iter_2.pth').read_bytes()
    data = (work / 'iter_3.pth').read_bytes()
    (work / 'iter_3.pth').write_bytes(data[:len(data) // 2])  # as a full disk would leave it
    with pytest.raises(CheckpointError, match='iter_3.pth: not a readable checkpoint'):
        safe_load(str(work / 'iter_3.pth'))
    poisoned = torch.load(work / 'iter_2.pth', weights_only=True)
    next(iter(poisoned['state_dict'].values())).fill_(float('nan'))
    torch.save(poisoned, work / 'iter_9.pth')  # newer, loads, but holds NaN
    path, skipped = latest_good_checkpoint(str(work))
    assert path == str(work / 'iter_2.pth'), skipped
    assert 'iter_3.pth: not a readable checkpoint, truncated or corrupt' in mmlog.getvalue()
    assert 'iter_9.pth: 1 tensors hold NaN or infinity' in mmlog.getvalue()
    (work / 'iter_9.pth').unlink()

    out = run_tool('train.py', *args, 'train_cfg.max_iters=3', '--resume', str(work / 'iter_3.pth'))
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith(
        f'error: {work}/iter_3.pth: not a readable checkpoint, truncated or corrupt')
    out = run_tool('train.py', *args, 'train_cfg.max_iters=4', '--resume')
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'iter_3.pth: not a readable checkpoint' in out.stdout + out.stderr
    assert 'resumed epoch: 0, iter: 2' in out.stdout + out.stderr
    assert (work / 'iter_2.pth').read_bytes() == good  # the good one was not touched
    assert torch.load(work / 'iter_4.pth', weights_only=True)['meta']['iter'] == 4


def test_the_newest_checkpoint_wins_over_a_stale_last_checkpoint(tmp_path):
    # killed after iter_3.pth was renamed into place, before last_checkpoint was updated
    for i in (1, 2, 3):
        torch.save({'state_dict': {'w': torch.full((2,), float(i))}}, tmp_path / f'iter_{i}.pth')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_2.pth'))
    assert latest_good_checkpoint(str(tmp_path)) == (str(tmp_path / 'iter_3.pth'), [])
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'iter_3.pth'))
    assert latest_good_checkpoint(str(tmp_path)) == (str(tmp_path / 'iter_3.pth'), [])


def test_resume_with_nothing_to_resume_is_an_error_unless_asked_to_start(tmp_path, neon_root):
    work = tmp_path / 'w'
    args = [CONFIG, '--work-dir', str(work), '--cfg-options', *TINY, *data_args(neon_root),
            'train_cfg.max_iters=3', 'train_cfg.val_interval=100']
    out = run_tool('train.py', *args, '--resume')
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1] == (
        f'error: --resume: nothing to resume from in {work} (tried: no checkpoint there); '
        'use --resume-or-start to start from iteration 0')
    work.mkdir(exist_ok=True)
    (work / 'iter_1.pth').write_bytes(b'not a checkpoint')
    out = run_tool('train.py', *args, '--resume')
    assert out.returncode == 1 and f'(tried: {work}/iter_1.pth: ' in \
        out.stderr.strip().splitlines()[-1]
    assert (work / 'iter_1.pth').read_bytes() == b'not a checkpoint'  # nothing overwritten
    (work / 'iter_1.pth').unlink()
    out = run_tool('train.py', *args, '--resume-or-start')
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'no checkpoint to resume in' in out.stdout + out.stderr


def test_a_checkpoint_that_does_not_fit_is_an_error_for_test_and_inference(tiny_run, neon_root):
    ckpt = str(tiny_run / 'iter_4.pth')  # the tiny detector's (8 base channels)
    with pytest.raises(CheckpointError) as e:
        init_model(CONFIG, ckpt)  # tools/infer.py and the export load this way
    assert str(e.value).startswith(f"{ckpt} does not fit the config's model: ")
    assert 'tensors of another shape (backbone.conv1.weight (8, 3, 7, 7) -> (32, 3, 7, 7)' \
        in str(e.value)
    out = run_tool('test.py', CONFIG, ckpt, '--work-dir', str(tiny_run / 'strict'),
                   '--cfg-options', *data_args(neon_root))
    assert out.returncode == 1
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: {ckpt} does not fit the config's model: ") and \
        'tensors of another shape (backbone.conv1.weight (8, 3, 7, 7) -> (32, 3, 7, 7)' in last
    state = torch.load(ckpt, weights_only=True)['state_dict']
    state.pop('backbone.conv1.weight')
    with pytest.raises(CheckpointError, match=r'1 missing \(backbone.conv1.weight\)'):
        fit_state_dict(init_model(str(tiny_run / 'faster_rcnn_r18_neon.py')), state, strict=True)
