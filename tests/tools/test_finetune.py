"""Fine-tuning as a user does it: torchvision's COCO Faster R-CNN (random weights here,
BN statistics calibrated on real images) converted by the tool, then ``load_from`` into
a 1-class config: the head tensors of another shape are skipped in one logged line,
everything else loads, and the run trains and tests."""
import re

import torch

from tests.conftest import ROOT, data_args, run_tool
from plugins.testing.model_pairs import random_faster_rcnn
from tests.tools.parity import images_at

CONFIG = f'{ROOT}/configs/faster_rcnn/faster_rcnn_r50_fpn_torchvision.py'


def test_converted_coco_detector_fine_tunes_into_one_class(neon_root, tmp_path):
    tv = random_faster_rcnn([img for img, _ in images_at(neon_root)])
    torch.save(tv.state_dict(), tmp_path / 'tv.pth')
    out = run_tool('convert_torchvision.py', str(tmp_path / 'tv.pth'), str(tmp_path / 'coco.pth'))
    assert out.returncode == 0, out.stderr[-1500:]
    small = ['train_dataloader.batch_size=1',
             'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
             'train_cfg.max_iters=2', 'train_cfg.val_interval=2', f'load_from={tmp_path}/coco.pth']
    out = run_tool('train.py', CONFIG, '--work-dir', str(tmp_path / 'w'),
                   '--cfg-options', *small, *data_args(neon_root), timeout=900)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-2000:]
    line = next(ln for ln in log.splitlines() if 'tensors not loaded' in ln)
    assert re.search(r'4 tensors not loaded', line), line
    for key in ('fc_cls.weight (91, 1024) -> (2, 1024)', 'fc_reg.weight (360, 1024) -> (4, 1024)',
                'fc_cls.bias', 'fc_reg.bias'):
        assert key in line, line
    assert 'size mismatch' not in log  # nothing else failed to load
    out = run_tool('test.py', CONFIG, str(tmp_path / 'w' / 'iter_2.pth'), '--cfg-options',
                   *data_args(neon_root), timeout=900)
    assert out.returncode == 0 and 'coco/AP50=' in out.stdout, (out.stdout + out.stderr)[-2000:]
