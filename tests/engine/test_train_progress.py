"""The loss is logged at iterations 1, 5 and 10, and the ETA follows the recent rate."""
from types import SimpleNamespace

from mmengine.logging import MessageHub

from plugins.engine.train_progress import RecentETATimerHook
from tests.conftest import CONFIG, TINY, data_args, run_tool


def test_eta_follows_the_last_iterations(monkeypatch):
    import mmengine.hooks.iter_timer_hook as timer_module
    clock = SimpleNamespace(now=0.0)
    monkeypatch.setattr(timer_module.time, 'time', lambda: clock.now)
    hub = MessageHub.get_instance('test_eta')
    hook = RecentETATimerHook(window=5)
    hook.start_iter, hook.time_sec_tot, hook.t = 0, 0.0, 0.0
    runner = SimpleNamespace(message_hub=hub, max_iters=100, iter=0)
    for it, seconds in enumerate([10.0] * 20 + [1.0] * 5):
        runner.iter = it
        clock.now += seconds
        hook._after_iter(runner, it)
    # 75 iterations left at the recent 1 s each, not at the run's mean of 8.2 s
    assert abs(hub.get_info("eta") - 75.0) < 1e-6


def test_first_iterations_are_logged(neon_root, tmp_path):
    out = run_tool('train.py', CONFIG, '--work-dir', str(tmp_path), '--cfg-options', *TINY,
                   *data_args(neon_root), 'train_cfg.max_iters=12', 'train_cfg.val_interval=100')
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-1500:]
    for it in (1, 5, 10):
        assert f'Iter(train) [{it:>2}/12]' in log and 'loss: ' in log, log[-3000:]
