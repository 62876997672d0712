"""Two processes on the gloo backend (tools/dist_train.sh, MMEngine's launcher) train
the same model as one process with the doubled batch, and distributed evaluation
counts every image once."""
import json
import os.path as osp
import socket
import subprocess
import sys

import torch

from tests.conftest import CONFIG, ROOT, TINY, data_args, run_tool

ITERS = 4
# deterministic data (no augmentation, no shuffle) and sampling (every anchor and every
# proposal is a training sample), BN statistics frozen: so that 2 x batch 1 and
# 1 x batch 2 see the same gradients up to how the losses are averaged
SAME_WORK = f"""_base_ = '{CONFIG}'
train_dataloader = dict(
    sampler=dict(type='InfiniteSampler', shuffle=False),
    dataset=dict(pipeline=[dict(type='LoadImage'),
                           dict(type='LoadAnnotations', with_bbox=True, with_label=True),
                           dict(type='PackDetInputs')]))
model = dict(backbone=dict(norm_eval=True), rpn_head=dict(sampler=dict(num=100000)),
             roi_head=dict(sampler=dict(num=100000)))
"""


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return str(s.getsockname()[1])


def _options(neon_root, batch):
    return ['--cfg-options', *TINY, *data_args(neon_root), f'train_cfg.max_iters={ITERS}',
            f'train_cfg.val_interval={ITERS}', f'train_dataloader.batch_size={batch}',
            'test_dataloader.dataset.ann_file=train.json', 'test_dataloader.dataset.indices=3',
            f'test_evaluator.ann_file={neon_root}/train.json']


def _dist(script, *args):
    env = dict(__import__('os').environ, PORT=_free_port(), OMP_NUM_THREADS='1')
    return subprocess.run(['bash', osp.join(ROOT, 'tools', script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)


def test_two_processes_match_one_with_double_batch(tmp_path, neon_root):
    config = tmp_path / 'same_work.py'
    config.write_text(SAME_WORK)
    one, two = tmp_path / 'one', tmp_path / 'two'
    out = run_tool('train.py', str(config), '--work-dir', str(one), *_options(neon_root, 2))
    assert out.returncode == 0, out.stderr[-2000:]
    out = _dist('dist_train.sh', str(config), '2', '--work-dir', str(two), *_options(neon_root, 1))
    assert out.returncode == 0, out.stderr[-3000:]
    log = open(next(two.glob('*/*.log'))).read()
    assert 'Distributed training: True' in log and 'GPU number: 2' in log  # = processes
    # the yardstick: one process with batch 1, i.e. other data per step
    half = tmp_path / 'half'
    out = run_tool('train.py', str(config), '--work-dir', str(half), *_options(neon_root, 1))
    assert out.returncode == 0, out.stderr[-2000:]
    one_w, two_w, half_w = (torch.load(w / f'iter_{ITERS}.pth', weights_only=True)['state_dict']
                            for w in (one, two, half))
    diff = lambda a, b: max((a[k] - b[k]).abs().max().item()  # noqa: E731
                            for k in a if a[k].is_floating_point())
    same, other = diff(one_w, two_w), diff(one_w, half_w)
    print(f'after {ITERS} iterations, max |weight diff| to 1 process x batch 2: '
          f'2 processes x batch 1 {same:.2e}, 1 process x batch 1 {other:.2e}')
    assert same < 0.2 * other and same < 1e-3

    # distributed test over 3 images: each image's detections once, metrics as with one process
    ckpt = str(one / f'iter_{ITERS}.pth')
    single = run_tool('test.py', str(config), ckpt, '--work-dir', str(tmp_path / 't1'), '--out',
                      str(tmp_path / 'd1.json'), *_options(neon_root, 2))
    assert single.returncode == 0, single.stderr[-2000:]
    out = _dist('dist_test.sh', str(config), ckpt, '2', '--work-dir', str(tmp_path / 't2'),
                '--out', str(tmp_path / 'd2.json'), *_options(neon_root, 2))
    assert out.returncode == 0, out.stderr[-3000:]
    d1, d2 = (json.load(open(tmp_path / f'd{i}.json')) for i in (1, 2))
    ids = lambda dets: sorted({d['image_id'] for d in dets})  # noqa: E731
    assert len(ids(d1)) == 3 and ids(d1) == ids(d2) and len(d1) == len(d2)
    key = lambda d: (d['image_id'], round(d['score'], 4))  # noqa: E731
    assert sorted(map(key, d1)) == sorted(map(key, d2))
    metric = lambda text: text.strip().splitlines()[-1].split(' coco/AP50=')[1].split()[0]  # noqa
    assert metric(single.stdout) == metric(out.stdout)


LEAVE = """
import os, sys, torch, torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
sys.path.insert(0, {root!r})
from plugins.engine.distributed import leave_process_group
threads = lambda: len(os.listdir('/proc/self/task'))
alone = threads()
dist.init_process_group('gloo', init_method='tcp://127.0.0.1:{port}', rank=0, world_size=1)
holder = {{}}
holder['self'], holder['model'] = holder, DistributedDataParallel(torch.nn.Linear(2, 2))
holder['model'](torch.ones(1, 2)).sum().backward()  # an allreduce on gloo's threads
dist.all_reduce(torch.ones(3))
working = threads()
del holder  # the model wrapper, and so the group, now lives only in a reference cycle
leave_process_group()
print(alone, working, threads())
"""


def test_leaving_the_group_joins_gloos_threads():
    """The tools free the process group before exiting, so no gloo thread is left running
    into interpreter teardown (where it can abort the process after its work is done)."""
    out = subprocess.run([sys.executable, '-c', LEAVE.format(root=ROOT, port=_free_port())],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    alone, working, left = map(int, out.stdout.split())
    assert working > alone and left == alone
