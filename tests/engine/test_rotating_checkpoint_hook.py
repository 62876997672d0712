"""Rotation removes the oldest checkpoint only once the new one is saved, and a killed
save's temporary file is cleaned up at the next start (the real MMEngine Runner, a toy
model)."""
import os

import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner

from plugins.errors import CheckpointError
from plugins.utils import fileio


class Toy(BaseModel):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return {'loss': self.fc(torch.stack(inputs)).pow(2).mean()}


def runner(work, iters):
    return Runner(
        model=Toy(), work_dir=str(work), default_scope='plugins',
        train_dataloader=dict(dataset=[dict(inputs=torch.ones(2))] * 8, batch_size=2,
                              sampler=dict(type='InfiniteSampler'),
                              collate_fn=dict(type='pseudo_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        train_cfg=dict(by_epoch=False, max_iters=iters),
        default_hooks=dict(checkpoint=dict(type='RotatingCheckpointHook', by_epoch=False,
                                           interval=1, max_keep_ckpts=1,
                                           backend_args=dict(backend='atomic_local'))),
        custom_hooks=[dict(type='SafeCheckpointHook')])


def test_a_failed_save_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    runner(tmp_path, 2).train()
    assert (tmp_path / 'iter_2.pth').exists()
    assert not (tmp_path / 'iter_1.pth').exists()  # rotated: max_keep_ckpts=1
    good = (tmp_path / 'iter_2.pth').read_bytes()
    replace = fileio.os.replace

    def killed(src, dst):  # the save of iteration 3 dies before its rename
        if dst.endswith('iter_3.pth'):
            raise OSError(28, 'No space left on device')
        replace(src, dst)
    monkeypatch.setattr(fileio.os, 'replace', killed)
    r = runner(tmp_path, 3)
    r.cfg.resume, r._resume, r._load_from = True, True, str(tmp_path / 'iter_2.pth')
    with pytest.raises(CheckpointError, match=r'iter_3.pth: cannot be written \(No space left '
                       r'on device\); the checkpoints already written are untouched'):
        r.train()
    assert (tmp_path / 'iter_2.pth').read_bytes() == good


def test_stale_temporary_files_are_removed_at_start(tmp_path):
    dead = tmp_path / '.iter_4.pth.tmp999999999'  # no such process
    alive = tmp_path / f'.iter_4.pth.tmp{os.getpid()}'  # a save still running
    dead.write_bytes(b'half')
    alive.write_bytes(b'half')
    runner(tmp_path, 1).train()
    assert not dead.exists() and alive.exists()
