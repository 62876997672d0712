"""``train --time-budget MINUTES``: as many iterations as fit, so that a slow machine
gets a finished schedule instead of a killed run.

``fit_to_budget(cfg, minutes)`` times ``train_step`` (forward, loss, backward, optimizer
step) on the config's own model, optim wrapper and training batches (``STEPS`` timed
after ``WARMUP`` untimed ones, random weights, data loading excluded) and sets
``train_cfg.max_iters`` to min(the config's, minutes * 60 / (s/iter * ``OVERHEAD``)),
rounded down to two significant digits. ``OVERHEAD`` (1.1) covers data loading,
validation and checkpoints. The fit is kept in ``<work_dir>/time_budget.json``; a rerun
with the same budget (a resume) reuses it, so the schedule does not change under a run.

The learning-rate schedule must follow ``max_iters``: detplug's ``WarmupCosineLR``
(configs/_base_/schedules/cpu_budget.py) does by construction; a schedule fixed in
iterations that no longer fits is one line from ``load_config``'s ``check_schedule``.
"""
import json
import os
import os.path as osp
import statistics
import time
from typing import Optional

from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from plugins.config import check_schedule
from plugins.registry import MODELS

STEPS, WARMUP, OVERHEAD = 8, 4, 1.1


def timed(step, batches, warmup: int) -> float:
    """Median seconds of ``step(batch)`` after ``warmup`` untimed calls."""
    times = []
    for i, batch in enumerate(batches):
        start = time.perf_counter()
        step(batch)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def take(loader, n: int) -> list:
    """``n`` batches of ``loader``, cycling through it if it is shorter."""
    batches = []
    while len(batches) < n:
        for batch in loader:
            batches.append(batch)
            if len(batches) == n:
                break
    return batches


def seconds_per_iter(model, cfg: Config, steps: int = STEPS, warmup: int = WARMUP,
                     wrapper_cfg: Optional[dict] = None) -> float:
    """Median seconds of one training step of ``model`` with ``cfg``'s optim wrapper
    (or ``wrapper_cfg``) on its training batches."""
    loader = Runner.build_dataloader(dict(cfg.train_dataloader, num_workers=0,
                                          persistent_workers=False))
    optim_wrapper = build_optim_wrapper(model.train(), wrapper_cfg or cfg.optim_wrapper)
    return timed(lambda b: model.train_step(b, optim_wrapper), take(loader, steps + warmup),
                 warmup)


def two_digits(n: int) -> int:
    step = 10 ** max(0, len(str(n)) - 2)
    return max(1, n // step * step)


def fit_to_budget(cfg: Config, minutes: float, steps: int = STEPS,
                  warmup: int = WARMUP) -> dict:
    """Set ``cfg.train_cfg.max_iters`` for ``minutes`` of training; -> the fit."""
    if minutes <= 0:
        raise ValueError(f'--time-budget: minutes > 0, got {minutes}')
    record = osp.join(cfg.work_dir, 'time_budget.json')
    fit = None
    if osp.isfile(record):
        with open(record) as f:
            fit = json.load(f)
        if fit.get('minutes') != minutes:
            fit = None
    if fit is None:
        init_default_scope(cfg.get('default_scope', 'plugins'))
        model = MODELS.build(cfg.model)  # PyTorch's default initialisation: timing only
        spi = seconds_per_iter(model, cfg, steps, warmup)
        fit = dict(minutes=minutes, seconds_per_iter=round(spi, 4),
                   max_iters=min(cfg.train_cfg.max_iters,
                                 two_digits(int(minutes * 60 / (spi * OVERHEAD)))))
        os.makedirs(cfg.work_dir, exist_ok=True)
        with open(record, 'w') as f:
            json.dump(fit, f)
    cfg.train_cfg.max_iters = fit['max_iters']
    check_schedule(cfg)
    print(f'time budget {minutes:g} min at {fit["seconds_per_iter"]} s/iter here: '
          f'{fit["max_iters"]} iterations (kept in {record})')
    return fit
