import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from plugins.engine import AtomicLocalBackend, SafeCheckpointHook, to_plain
from plugins.errors import CheckpointError


def test_to_plain_converts_buffers_and_numpy():
    buf = HistoryBuffer([1.0, 2.0], [1, 1])
    ckpt = {'message_hub': {'log_scalars': {'loss': buf}, 'runtime_info': {'best': np.float32(3)}},
            'state_dict': {'w': torch.ones(2)}}
    SafeCheckpointHook().before_save_checkpoint(None, ckpt)
    assert ckpt['message_hub']['runtime_info']['best'] == 3.0
    path = 'plain.pth'
    torch.save(ckpt, path)
    try:
        loaded = torch.load(path, weights_only=True)
    finally:
        os.remove(path)
    SafeCheckpointHook().after_load_checkpoint(None, loaded)
    rebuilt = loaded['message_hub']['log_scalars']['loss']
    assert isinstance(rebuilt, HistoryBuffer) and rebuilt.mean() == 1.5


def test_to_plain_names_what_cannot_be_stored():
    with pytest.raises(TypeError, match=r'checkpoint\.meta\.extra\[1\]: a object'):
        to_plain({'meta': {'extra': [1, object()]}})


def test_atomic_put_keeps_old_file_when_write_fails(tmp_path, monkeypatch):
    target = tmp_path / 'ckpt.pth'
    backend = AtomicLocalBackend()
    backend.put(b'old', target)

    def fail(*args):
        raise OSError('disk full')
    monkeypatch.setattr(os, 'replace', fail)
    with pytest.raises(CheckpointError, match=r'ckpt.pth: cannot be written \(disk full\)'):
        backend.put(b'new', target)  # one line for the tools, not an OSError traceback
    assert target.read_bytes() == b'old'
    assert os.listdir(tmp_path) == ['ckpt.pth']  # no temp file left behind


def test_weights_only_refuses_code_in_a_checkpoint(tmp_path):
    class Payload:
        def __reduce__(self):
            return (os.system, ('echo pwned',))
    path = tmp_path / 'evil.pth'
    path.write_bytes(pickle.dumps({'state_dict': Payload()}))
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)


def test_a_checkpoint_with_non_finite_tensors_is_refused():
    from types import SimpleNamespace

    ckpt = dict(state_dict={'a': torch.ones(2), 'b': torch.tensor([1.0, float('nan')]),
                            'n': torch.tensor(3)},
                optimizer=dict(state={0: dict(exp_avg=torch.tensor([float('inf')]))}))
    with pytest.raises(CheckpointError, match=r'not saving the checkpoint of iteration 12: 2 '
                       r'tensors hold NaN or infinity \(state_dict.b, optimizer.state.0.exp_avg\)'):
        SafeCheckpointHook().before_save_checkpoint(SimpleNamespace(iter=12), ckpt)
    ckpt['state_dict']['b'].nan_to_num_()
    ckpt['optimizer']['state'][0]['exp_avg'].nan_to_num_(posinf=1.0)
    SafeCheckpointHook().before_save_checkpoint(SimpleNamespace(iter=12), ckpt)  # now saved


def test_atomic_write_removes_what_killed_writers_left(tmp_path):
    import subprocess

    from plugins.utils.fileio import atomic_write
    gone = subprocess.Popen(['true'])
    gone.wait()  # its process id no longer runs
    stale = tmp_path / f'.predictions.json.tmp{gone.pid}'
    running = tmp_path / f'.predictions.json.tmp{os.getppid()}'  # a writer still at work
    stale.write_text('half')
    running.write_text('half')
    atomic_write(b'[]', str(tmp_path / 'predictions.json'))
    assert (tmp_path / 'predictions.json').read_bytes() == b'[]'
    assert sorted(p.name for p in tmp_path.iterdir()) == [running.name, 'predictions.json']
