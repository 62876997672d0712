"""train --time-budget: max_iters fitted to timed steps, kept for a rerun."""
import json

import pytest

from plugins.engine.time_budget import fit_to_budget, two_digits
from tests.conftest import CONFIG, TINY, use_data

SMALL = {k: int(v) if v.isdigit() else v for k, v in (o.split('=') for o in TINY[:5])}


@pytest.mark.parametrize('n, rounded', [(0, 1), (7, 7), (43, 43), (437, 430), (2687, 2600),
                                        (12345, 12000)])
def test_iterations_are_rounded_down_to_two_digits(n, rounded):
    assert two_digits(n) == rounded


def test_the_fit_is_timed_once_and_reused(request, tmp_path):
    cfg = use_data(CONFIG, request)
    cfg.merge_from_dict(SMALL)
    cfg.work_dir = str(tmp_path)
    fit = fit_to_budget(cfg, 0.05, steps=2, warmup=1)  # 3 s
    assert fit['seconds_per_iter'] > 0
    expected = min(2000, two_digits(int(3 / (fit['seconds_per_iter'] * 1.1))))
    assert cfg.train_cfg.max_iters == fit['max_iters'] == expected
    kept = tmp_path / 'time_budget.json'
    kept.write_text(json.dumps(dict(fit, max_iters=7)))  # a resumed run keeps its schedule
    assert fit_to_budget(cfg, 0.05, steps=2, warmup=1)['max_iters'] == 7
    assert cfg.train_cfg.max_iters == 7
    cfg.train_cfg.max_iters = 20  # another budget: timed again, capped by the config
    assert fit_to_budget(cfg, 10_000, steps=2, warmup=1)['max_iters'] == 20


def test_a_budget_must_be_positive(request, tmp_path):
    cfg = use_data(CONFIG, request)
    with pytest.raises(ValueError, match='--time-budget.*-1'):
        fit_to_budget(cfg, -1)
