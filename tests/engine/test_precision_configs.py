"""Each precision builds and predicts on every detector and segmentor config in
configs/ (random weights, one real test image, int8 calibrated on one training image)."""
import os.path as osp

import pytest
import torch
from mmengine.dataset import pseudo_collate

from plugins.apis import init_model
from plugins.engine.precision import PRECISIONS, calibration_inputs, set_precision
from plugins.registry import DATASETS
from tests.conftest import ROOT, use_data
from tests.test_configs import CONFIGS

pytestmark = pytest.mark.usefixtures('bf16_even_if_emulated')


@pytest.mark.parametrize('precision', PRECISIONS)
@pytest.mark.parametrize('path', CONFIGS, ids=[osp.relpath(p, ROOT) for p in CONFIGS])
def test_every_config_predicts_at_every_precision(path, precision, request):
    cfg = use_data(path, request)
    model = init_model(cfg)  # init_model(cfg, precision=...) calibrates on 8 images, here 1
    set_precision(model, precision,
                  calibration_inputs(model, cfg, 1) if precision == 'int8' else None)
    assert model.precision == precision
    if precision == 'int8':
        assert any('quantized' in type(m).__module__ for m in model.backbone.modules())
    item = DATASETS.build(cfg.test_dataloader.dataset)[0]
    with torch.no_grad():
        out = model.test_step(pseudo_collate([item]))[0]
    if 'pred_sem_seg' in out:
        seg = out.pred_sem_seg.data
        assert seg.shape[-2:] == tuple(out.ori_shape) and seg.dtype == torch.int64
    else:
        pred = out.pred_instances
        assert pred.bboxes.dtype == pred.scores.dtype == torch.float32
        assert pred.bboxes.shape == (len(pred.scores), 4) and torch.isfinite(pred.bboxes).all()
