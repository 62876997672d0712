import glob
import os.path as osp

import torch

from plugins.apis import inference, init_model
from plugins.apis.stage_profile import StageProfile
from plugins.task_modules import postprocess
from tests.conftest import CONFIG, TINY

SMALL = {k: int(v) if v.isdigit() else v for k, v in (o.split('=') for o in TINY[:5])}


def test_stages_of_a_two_stage_detector_add_up(neon_root):
    model = init_model(CONFIG, cfg_options=SMALL)
    image = glob.glob(osp.join(neon_root, 'val', '*.png'))[0]
    nms = postprocess.batched_nms
    with torch.no_grad(), StageProfile(model) as prof:
        inference(model, [image, image])
    assert postprocess.batched_nms is nms  # restored
    report = prof.report(2)
    assert {'preprocess', 'backbone', 'RPN convs', 'RoI extraction', 'box head', 'NMS',
            'other', 'total'} <= set(report)
    assert all(v >= 0 for v in report.values())
    parts = sum(v for k, v in report.items() if k != 'total')
    assert abs(parts - report['total']) < 1e-6 + 0.01 * report['total']
