"""tools/train.py and tools/test.py as a user runs them (subprocesses, the real Runner)."""
import glob
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time

import torch

from tests.conftest import CONFIG, ROOT, TINY, data_args, data_options, run_tool


def test_misspelt_type_is_one_line_with_a_suggestion(tmp_path):
    out = run_tool('train.py', CONFIG, '--work-dir', str(tmp_path),
                '--cfg-options', 'model.rpn_head.anchor_generator.type=AnchorGenerater')
    assert out.returncode == 1
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith('error: in the config: model.rpn_head.anchor_generator: unknown type '
                           '"AnchorGenerater"')
    assert 'did you mean AnchorGenerator' in last


def test_missing_config_and_data_are_one_line(tmp_path):
    out = run_tool('train.py', 'configs/nope.py')
    assert out.returncode == 1
    assert out.stderr.strip().startswith('error: configs/nope.py: config file not found')
    assert len(out.stderr.strip().splitlines()) == 1
    out = run_tool('train.py', CONFIG, '--work-dir', str(tmp_path), '--cfg-options', *TINY,
                *data_args(tmp_path / 'absent'))
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith('error: ')
    assert 'train.json: annotation file not found' in out.stderr


def test_sigkill_then_resume_then_test(tmp_path, neon_root):
    work = tmp_path / 'work'
    args = [CONFIG, '--work-dir', str(work), '--cfg-options', *TINY, *data_args(neon_root),
            'train_cfg.max_iters=12', 'train_cfg.val_interval=100',
            'default_hooks.checkpoint.interval=3', 'default_hooks.logger.interval=1']
    proc = subprocess.Popen([sys.executable, osp.join(ROOT, 'tools', 'train.py'), *args],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not (work / 'iter_6.pth').exists() and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    saved = sorted(glob.glob(str(work / '*.pth')))
    assert saved, 'no checkpoint written before the kill'
    for path in saved:  # every checkpoint on disk is whole and loads safely
        torch.load(path, weights_only=True)
    assert not glob.glob(str(work / '.*tmp*'))
    out = run_tool('train.py', *args, '--resume')
    assert out.returncode == 0, out.stderr[-2000:]
    log = open(sorted(glob.glob(str(work / '*' / '*.log')))[-1]).read()
    assert 'resumed epoch: 0, iter: ' in log and 'Iter(train) [12/12]' in log
    assert (work / 'iter_12.pth').exists()

    out = run_tool('test.py', CONFIG, str(work / 'iter_12.pth'), '--work-dir', str(tmp_path / 't'),
                '--out', str(tmp_path / 'dets.json'), '--show-dir', str(tmp_path / 'vis'),
                '--cfg-options', *TINY, *data_args(neon_root))
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'coco/AP50=' in out.stdout.strip().splitlines()[-1]
    assert isinstance(json.load(open(tmp_path / 'dets.json')), list)
    assert os.listdir(tmp_path / 'vis') == ['OSBS_029.png']
    plain = out.stdout.strip().splitlines()[-1]

    out = run_tool('test.py', CONFIG, str(work / 'iter_12.pth'), '--work-dir', str(tmp_path / 't'),
                '--fuse-conv-bn', '--cfg-options', *TINY, *data_args(neon_root))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == plain  # the same metrics, BN folded

    out = run_tool('test.py', CONFIG, str(work / 'iter_12.pth'), '--work-dir', str(tmp_path / 't'),
                '--tta', '--cfg-options', *TINY, *data_args(neon_root))
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'coco/AP50=' in out.stdout.strip().splitlines()[-1]


def test_corrupt_image_in_a_loader_worker_is_one_line(tmp_path, neon_root):
    """The default loader reads in a worker process; the error still names the file."""
    import shutil
    shutil.copy(osp.join(neon_root, 'train.json'), tmp_path)
    os.makedirs(tmp_path / 'train')
    for name in os.listdir(osp.join(neon_root, 'train')):
        data = open(osp.join(neon_root, 'train', name), 'rb').read()
        (tmp_path / 'train' / name).write_bytes(data[:300])  # truncated PNGs
    data = [o for o in data_args(neon_root) if not o.startswith('train_dataloader')]
    out = run_tool('train.py', CONFIG, '--work-dir', str(tmp_path / 'work'), '--cfg-options',
                *data, f'train_dataloader.dataset.data_root={tmp_path}')
    assert out.returncode == 1
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith('error: ') and last.endswith('.png: cannot decode image '
                                                        '(corrupt or not an image)'), last
    assert 'Traceback' not in out.stderr


def test_segmentor_through_the_same_tools(tmp_path, composites_root):
    config = osp.join(ROOT, 'configs', 'fcn', 'fcn8s_r18_mnist_composites.py')
    data = [f'{k}={v}' for k, v in data_options(composites_root).items()]
    small = ['train_cfg.max_iters=3', 'train_cfg.val_interval=3', 'train_dataloader.batch_size=2',
             'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False']
    out = run_tool('train.py', config, '--work-dir', str(tmp_path / 'w'), '--cfg-options',
                *small, *data)
    assert out.returncode == 0, out.stderr[-2000:]
    out = run_tool('test.py', config, str(tmp_path / 'w' / 'iter_3.pth'), '--work-dir',
                str(tmp_path / 't'), '--show-dir', str(tmp_path / 'vis'), '--cfg-options', *data)
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'seg/mIoU=' in out.stdout.strip().splitlines()[-1]
    drawn = sorted(os.listdir(tmp_path / 'vis'))
    assert drawn == [f'{i:06d}.png' for i in range(4)]  # every val image
    import cv2
    assert cv2.imread(str(tmp_path / 'vis' / drawn[0])).shape == (128, 256, 3)  # gt | pred
