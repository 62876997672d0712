"""Exact resume: the random number generators continue where the checkpoint left them.

MMEngine's resume restores weights, optimizer, schedulers and the iteration, then
re-seeds every generator from the config's seed and replays the dataloader up to
the resumed iteration (so the sampler and the loader workers' augmentations repeat
what the killed run drew). What it does not restore is the main process's own
generators (torch, numpy, random): the RPN and RoI samplers and any augmentation
run in the main process (``num_workers=0``) would draw differently after a resume.

This hook stores the three states in every checkpoint and, on resume, sets them
back just before the first new batch is fetched, after the replay. Validation during
training leaves them as it found them (the val loader's iterator draws its seed from
torch's generator): a checkpoint is saved before the validation at its iteration, so
a run resumed there, whether it validates again or not (``RerunValidationHook``),
draws what the uninterrupted run drew.
"""
import random

import numpy as np
import torch
from mmengine.hooks import Hook

from plugins.registry import HOOKS


def get_rng_state() -> dict:
    """torch, numpy and Python generator states as tensors and plain lists."""
    _, keys, pos, has_gauss, cached = np.random.get_state()
    version, state, gauss = random.getstate()
    return dict(torch=torch.get_rng_state(),
                numpy=dict(keys=keys.tolist(), pos=int(pos), has_gauss=int(has_gauss),
                           cached=float(cached)),
                python=dict(version=version, state=list(state), gauss=gauss))


def set_rng_state(state: dict) -> None:
    torch.set_rng_state(state['torch'])
    n = state['numpy']
    np.random.set_state(('MT19937', np.asarray(n['keys'], np.uint32), n['pos'], n['has_gauss'],
                         n['cached']))
    p = state['python']
    random.setstate((p['version'], tuple(p['state']), p['gauss']))


class _SetStateBefore:
    """Iterator wrapper: after ``skip`` batches (MMEngine's replay), set the saved
    state once, then fetch on."""

    def __init__(self, iterator, skip: int, state: dict):
        self.iterator, self.skip, self.state = iterator, skip, state

    def __iter__(self):
        return self

    def __next__(self):
        if self.skip == 0 and self.state is not None:
            set_rng_state(self.state)
            self.state = None
        self.skip -= 1
        return next(self.iterator)


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Saves the generators' states with each checkpoint; restores them on resume."""
    priority = 'HIGH'  # before SafeCheckpointHook turns the checkpoint into plain types

    def __init__(self):
        self.resumed_state = self.state_before_val = None

    def before_val_epoch(self, runner) -> None:
        self.state_before_val = get_rng_state()

    def after_val_epoch(self, runner, metrics=None) -> None:
        set_rng_state(self.state_before_val)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['rng_state'] = get_rng_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self.resumed_state = checkpoint.get('rng_state')

    def before_train_epoch(self, runner) -> None:
        loop = runner.train_loop  # iteration 0: loaded weights (load_from), not a resume
        if self.resumed_state is not None and loop.iter > 0 and \
                hasattr(loop, 'dataloader_iterator'):
            loop.dataloader_iterator = _SetStateBefore(loop.dataloader_iterator, loop.iter,
                                                       self.resumed_state)
            self.resumed_state = None
