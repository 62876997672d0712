"""Shared fixtures: the real NEON data converted once per session, and tiny batches."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData

from plugins.structures import DetDataSample

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if os.environ.get('PYTEST_XDIST_WORKER'):  # N test processes share the cores: no oversubscription
    THREADS = max(1, (os.cpu_count() or 1) // int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', 1)))
    torch.set_num_threads(THREADS)
    os.environ['OMP_NUM_THREADS'] = str(THREADS)  # the tools the tests launch, too
CONFIG = osp.join(ROOT, 'configs', 'faster_rcnn', 'faster_rcnn_r18_neon.py')
# the default detector shrunk for tests run through the tools (--cfg-options)
TINY = ['model.backbone.base_channels=8', 'model.rpn_head.in_channels=32',
        'model.rpn_head.feat_channels=32', 'model.roi_head.bbox_head.in_channels=32',
        'model.roi_head.bbox_head.fc_channels=32', 'train_dataloader.batch_size=2',
        'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False']


# the end-to-end tier (``pytest -m slow``; ``-m "not slow"`` leaves the unit tier): these
# modules, and every test that launches a tool or trains the shared tiny run
SLOW_MODULES = ('tests/tools/', 'tests/test_configs.py', 'tests/engine/test_exact_resume.py',
                'tests/engine/test_distributed.py')


# the longest modules (about a minute or more each in one test process) run first, so two
# test processes finish together rather than one waiting on a big module picked up last
LONG_FIRST = ('tests/tools/test_convert_torchvision_masks.py', 'tests/test_configs.py',
              'tests/tools/test_convert_torchvision_dense.py',
              'tests/tools/test_convert_torchvision.py', 'tests/tools/test_coco_configs.py',
              'tests/engine/test_exact_resume.py', 'tests/datasets/test_fuzz_inputs.py',
              'tests/tools/test_cli.py',
              'tests/engine/test_checkpoint_loading.py', 'tests/tools/test_finetune.py',
              'tests/engine/test_remote_checkpoints.py', 'tests/engine/test_distributed.py')


def pytest_collection_modifyitems(items):
    import inspect
    rank = {path: i for i, path in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(osp.relpath(str(item.fspath), ROOT), len(rank)))
    for item in items:
        path = osp.relpath(str(item.fspath), ROOT)
        function = getattr(item, 'function', None)
        launches = function is not None and 'run_tool(' in inspect.getsource(function)
        if path.startswith(SLOW_MODULES) or 'tiny_run' in item.fixturenames or launches:
            item.add_marker(pytest.mark.slow)


def run_tool(name, *args, **kwargs):
    """tools/<name> as a user runs it: a subprocess in the repository root (or ``cwd``)."""
    kwargs.setdefault('cwd', ROOT)
    return subprocess.run([sys.executable, osp.join(ROOT, 'tools', name), *args],
                          capture_output=True, text=True, **kwargs)


def data_args(root) -> list:
    """--cfg-options entries pointing a NEON config at ``root``."""
    return [f'{key}={value}' for key, value in data_options(str(root)).items()]


@pytest.fixture(autouse=True, scope='session')
def _scope():
    init_default_scope('plugins')


@pytest.fixture(scope='session')
def neon_root(tmp_path_factory):
    """tools/prepare_neon.py run on the real files (../shared copy, or the wheel)."""
    out = tmp_path_factory.mktemp('neon_trees')
    subprocess.run([sys.executable, osp.join(ROOT, 'tools', 'prepare_neon.py'), '--out', str(out),
                    '--cache', osp.join(ROOT, '.cache')], check=True, cwd=ROOT)
    for split in ('train', 'val'):
        write_proposals(out / f'{split}.json', out / 'proposals' / f'{split}.json')
    return str(out)


def write_proposals(ann_file, out_file, per_box=3, random_boxes=20, seed=0):
    """A proposal file as an external method would write it: jittered gt boxes plus
    random ones, random scores (for configs that read ``proposal_file``)."""
    import json

    import numpy as np
    rng = np.random.default_rng(seed)
    coco = json.load(open(ann_file))
    size = {img['id']: (img['width'], img['height']) for img in coco['images']}
    props = []
    for img_id, (w, h) in size.items():
        boxes = [a['bbox'] for a in coco['annotations'] if a['image_id'] == img_id] * per_box
        boxes = [[x + rng.normal(0, 0.1 * bw), y + rng.normal(0, 0.1 * bh), bw, bh]
                 for x, y, bw, bh in boxes]
        boxes += [[rng.uniform(0, w - 40), rng.uniform(0, h - 40), 40, 40]
                  for _ in range(random_boxes)]
        props += [dict(image_id=img_id, bbox=[float(v) for v in b], score=float(rng.random()))
                  for b in boxes]
    out_file.parent.mkdir(exist_ok=True)
    out_file.write_text(json.dumps(props))


def make_sample(boxes, labels=None, shape=(64, 64)):
    boxes = torch.as_tensor(boxes, dtype=torch.float32).reshape(-1, 4)
    labels = (torch.zeros(len(boxes), dtype=torch.long) if labels is None
              else torch.as_tensor(labels))
    sample = DetDataSample(metainfo=dict(img_shape=shape, ori_shape=shape, scale_factor=(1., 1.)))
    sample.gt_instances = InstanceData(bboxes=boxes, labels=labels)
    return sample


def data_options(root: str) -> dict:
    """Config overrides that point every dataloader at ``root`` (a COCO evaluator scores
    its dataset's json)."""
    return {f'{name}.dataset.data_root': root
            for name in ('train_dataloader', 'val_dataloader', 'test_dataloader')}


@pytest.fixture(scope='session')
def composites_root(tmp_path_factory):
    """tools/make_composites.py: a few digit composites with boxes, masks, label maps."""
    out = tmp_path_factory.mktemp('mnist_composites')
    subprocess.run([sys.executable, osp.join(ROOT, 'tools', 'make_composites.py'), '--out',
                    str(out), '--train', '8', '--val', '4', '--cache', osp.join(ROOT, '.cache')],
                   check=True, cwd=ROOT)
    return str(out)


def use_data(path: str, request, num_images: int = 2):
    """The tests' way to load a config: ``load_config(path)`` pointed at the test copy of
    the data its base names (NEON, or the digit composites), its dataloaders shrunk."""
    from mmengine.config import Config

    from plugins.config import load_config
    raw = Config.fromfile(path)
    composites = 'mnist_composites' in raw.get('data_root', '')
    root = request.getfixturevalue('composites_root' if composites else 'neon_root')
    options = data_options(root)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if 'dataset' in raw[name].dataset:  # a wrapper (MixImageDataset): the dataset it holds
            options[f'{name}.dataset.dataset.data_root'] = options.pop(f'{name}.dataset.data_root')
    cfg = load_config(path, options)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        dataset = loader.dataset
        while 'dataset' in dataset:
            dataset = dataset.dataset
        dataset.indices = num_images
        loader.batch_size = min(loader.batch_size, 2)
        loader.num_workers = 0
        loader.persistent_workers = False
    return cfg


@pytest.fixture
def mmlog():
    """Text of what MMEngine's current logger records during the test."""
    import io
    import logging

    from mmengine.logging import MMLogger
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


@pytest.fixture
def bf16_even_if_emulated(monkeypatch):
    """bf16 autocast even on a CPU that only emulates bf16 (slower, but the code path a
    bf16 CPU or GPU takes)."""
    from plugins import autocast as precision
    monkeypatch.setattr(precision, 'native_bf16', lambda device_type: True)


def shrink_schedule(cfg, iters: int):
    """Run ``iters`` iterations with the config's own schedulers squeezed to fit."""
    cfg.train_cfg.max_iters = iters
    for sched in cfg.param_scheduler:
        sched.begin = min(sched.get('begin', 0), iters - 1)
        if 'end' in sched:
            sched.end = min(sched.end, iters)
    return cfg


@pytest.fixture(scope='session')
def tiny_run(neon_root, tmp_path_factory):
    """tools/train.py on the tiny detector for 4 iterations, validated at the end:
    the work dir, holding the dumped config, iter_4.pth and the logs."""
    work = tmp_path_factory.mktemp('tiny_run')
    out = run_tool('train.py', CONFIG, '--work-dir', str(work), '--cfg-options', *TINY,
                   *data_args(neon_root), 'train_cfg.max_iters=4', 'train_cfg.val_interval=4',
                   'default_hooks.logger.interval=1')
    assert out.returncode == 0, out.stderr[-2000:]
    return work
