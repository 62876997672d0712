"""A schedule phase that would not fit ``max_iters`` is clamped (logged), so that a
short run never ends in MMEngine's "end should be larger than begin"."""
import pytest
from mmengine.config import Config

from plugins.engine.config_rules import clamp_schedule

WARMUP = dict(type='LinearLR', by_epoch=False, begin=0, end=100)
COSINE = dict(type='CosineAnnealingLR', by_epoch=False, begin=100)


@pytest.mark.parametrize('max_iters, warmup, cosine', [
    (2000, (0, 100), (100, None)),  # fits: unchanged
    (100, (0, 50), (50, None)),     # the cosine would begin where it ends
    (60, (0, 30), (30, None)),      # shorter than the warm-up
    (1, (0, 1), (0, None))])
def test_phases_are_clamped_to_fit(max_iters, warmup, cosine, mmlog):
    cfg = Config(dict(train_cfg=dict(max_iters=max_iters), param_scheduler=[dict(WARMUP),
                                                                           dict(COSINE)]))
    clamp_schedule(cfg)
    (w, c) = cfg.param_scheduler
    assert ((w.begin, w.end), (c.begin, c.get('end'))) == (warmup, cosine)
    assert c.begin < max_iters or max_iters == 1 and c.begin == 0
    assert ('clamped' in mmlog.getvalue()) == (max_iters != 2000)
