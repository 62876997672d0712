"""A non-finite loss stops the run (or skips the step) and the checkpoints stay good."""
import hashlib

import pytest
import torch
import torch.nn as nn

from plugins.engine import FiniteLossOptimWrapper, NonFiniteLossError
from tests.conftest import CONFIG, TINY, data_args, run_tool


def _wrapper(mode):
    model = nn.Linear(2, 1)
    return model, FiniteLossOptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1),
                                         on_nonfinite=mode, max_skips_in_a_row=2)


@pytest.mark.parametrize('bad', [float('nan'), float('inf'), -float('inf')])
def test_stop_raises_before_the_step(bad):
    model, wrapper = _wrapper('stop')
    before = model.weight.detach().clone()
    loss = model(torch.ones(1, 2)).sum() * bad
    with pytest.raises(NonFiniteLossError, match='training stopped before that step'):
        wrapper.update_params(loss)
    assert torch.equal(model.weight, before)


def test_skip_leaves_weights_and_stops_after_too_many():
    model, wrapper = _wrapper('skip')
    before = model.weight.detach().clone()
    for _ in range(2):
        wrapper.update_params(model(torch.ones(1, 2)).sum() * float('nan'))
    assert torch.equal(model.weight, before) and wrapper.skipped == 2
    assert model.weight.grad is None or not model.weight.grad.any()
    wrapper.update_params(model(torch.ones(1, 2)).sum())  # a finite loss steps and resets
    assert not torch.equal(model.weight, before) and wrapper.skipped_in_a_row == 0
    for _ in range(2):
        wrapper.update_params(model(torch.ones(1, 2)).sum() * float('nan'))
    with pytest.raises(NonFiniteLossError, match='3 non-finite losses in a row'):
        wrapper.update_params(model(torch.ones(1, 2)).sum() * float('nan'))


def test_a_nan_gradient_from_a_finite_loss_is_not_applied():
    model, wrapper = _wrapper('stop')
    before = model.weight.detach().clone()
    loss = (model(torch.ones(1, 2)) * 0).sqrt().sum()  # 0, but d sqrt(x) / dx at 0 is inf
    assert loss.item() == 0
    with pytest.raises(NonFiniteLossError, match='the gradient norm is nan at iteration'):
        wrapper.update_params(loss)
    assert torch.equal(model.weight, before)


def test_a_skipped_batch_leaves_no_batchnorm_statistics():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    wrapper = FiniteLossOptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1),
                                     on_nonfinite='skip')
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with wrapper.optim_context(model):
        loss = model(torch.randn(4, 2) * 100).sum() * float('nan')
    wrapper.update_params(loss)
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())
    with wrapper.optim_context(model):
        loss = model(torch.randn(4, 2)).sum()
    wrapper.update_params(loss)  # a good batch moves them
    assert not torch.equal(model[1].running_mean, before['1.running_mean'])


def test_bad_mode_is_named():
    with pytest.raises(ValueError, match="on_nonfinite must be 'stop' or 'skip', got 'ignore'"):
        _wrapper('ignore')


def test_run_stops_on_inf_loss_and_the_last_checkpoint_is_intact(tmp_path, neon_root):
    work = tmp_path / 'w'
    args = [CONFIG, '--work-dir', str(work), '--cfg-options', *TINY, *data_args(neon_root),
            'train_cfg.val_interval=100', 'default_hooks.checkpoint.interval=1']
    out = run_tool('train.py', *args, 'train_cfg.max_iters=3')
    assert out.returncode == 0, out.stderr[-2000:]
    digest = hashlib.sha256((work / 'iter_3.pth').read_bytes()).hexdigest()
    # from iteration 4 on the box loss is infinite
    poisoned = args + ['train_cfg.max_iters=6', 'model.roi_head.bbox_head.loss_bbox.type=L1Loss',
                       'model.roi_head.bbox_head.loss_bbox.loss_weight=1e400']
    out = run_tool('train.py', *poisoned, '--resume')
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith('error: the loss is inf at iteration 4')
    assert hashlib.sha256((work / 'iter_3.pth').read_bytes()).hexdigest() == digest
    assert not (work / 'iter_4.pth').exists()
    assert open(work / 'last_checkpoint').read().strip().endswith('iter_3.pth')

    start = torch.load(work / 'iter_3.pth', weights_only=True)['state_dict']
    out = run_tool('train.py', *poisoned, 'optim_wrapper.on_nonfinite=skip', '--resume')
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'step skipped (3 skipped so far)' in out.stdout + out.stderr
    last = torch.load(work / 'iter_6.pth', weights_only=True)['state_dict']
    params = [k for k in start if 'running_' not in k and 'num_batches' not in k]
    assert all(torch.equal(last[k], start[k]) for k in params)  # no step was applied
    # (BatchNorm's running statistics still saw the skipped batches' forward pass)
