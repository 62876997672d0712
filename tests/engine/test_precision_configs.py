"""Each precision builds and predicts on every detector and segmentor config in
configs/ (but those that change only training: tests/test_configs.py), and each exported
backend on every one but the three R50 ``*_torchvision.py`` configs (at full size they
cost a minute of CI; every config's export is checked by the bench loop of docs/tools.md
"Export and CPU runtimes"): random weights, one real test image, int8 calibrated on one
training image; an exported network's parts equal PyTorch's to 1e-4."""
import os.path as osp
import re

import pytest
import torch
from mmengine.dataset import pseudo_collate

from plugins.apis import init_model
from plugins.deploy import set_backend
from plugins.deploy.check import part_differences
from plugins.deploy.parts import network_parts
from plugins.engine.precision import calibration_inputs
from plugins.registry import DATASETS
from tests.conftest import ROOT, use_data
from tests.test_configs import MODEL_CONFIGS

pytestmark = pytest.mark.usefixtures('bf16_even_if_emulated')


CONVERTED = re.compile(r'_torchvision\.py$')
CASES = [pytest.param(path, backend, precision,
                      id=f'{osp.relpath(path, ROOT)}-{backend}-{precision}',
                      marks=[pytest.mark.runtimes] if backend != 'torch' else [])
         for path in MODEL_CONFIGS
         for backend, precision in (('torch', 'fp32'), ('torch', 'bf16'), ('onnxruntime', 'fp32'),
                                    ('openvino', 'int8'))
         if backend == 'torch' or not CONVERTED.search(path)]


@pytest.mark.parametrize('path,backend,precision', CASES)
def test_every_config_predicts_at_every_precision(path, backend, precision, request):
    cfg = use_data(path, request)
    model = init_model(cfg)  # init_model(cfg, precision=...) calibrates on 8 images, here 1
    set_backend(model, backend, precision,
                calibration_inputs(model, cfg, 1) if precision == 'int8' else None)
    item = DATASETS.build(cfg.test_dataloader.dataset)[0]
    if backend == 'onnxruntime':
        for part in network_parts(model):
            getattr(part.owner, part.attr).keep_last = True
    with torch.no_grad():
        out = model.test_step(pseudo_collate([item]))[0]
    if backend == 'onnxruntime':  # every part that saw an input, against its own method
        diffs = part_differences(model)
        assert diffs and max(diffs.values()) < 1e-4, diffs
    assert (model.precision, getattr(model, 'backend', 'torch')) == (
        precision if backend == 'torch' else 'fp32', backend)
    if 'pred_sem_seg' in out:
        seg = out.pred_sem_seg.data
        assert seg.shape[-2:] == tuple(out.ori_shape) and seg.dtype == torch.int64
    else:
        pred = out.pred_instances
        assert pred.bboxes.dtype == pred.scores.dtype == torch.float32
        assert pred.bboxes.shape == (len(pred.scores), 4) and torch.isfinite(pred.bboxes).all()
