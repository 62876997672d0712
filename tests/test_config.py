"""plugins/config.py: the one loader. What a file (or --cfg-options) writes closer to the
leaf wins over what its bases say; every entry point loads the same config."""
import argparse
import os.path as osp

import pytest
import torch
from mmengine.config import Config, DictAction

from plugins.apis import init_model
from plugins.config import check_schedule, config_for_test, load_config
from plugins.errors import ConfigError
from tests.conftest import CONFIG, TINY, data_args, run_tool

NEON = 'data/neon_trees/'
SPLITS = ('train', 'val', 'test')


def leaf(tmp_path, text: str, base: str = CONFIG) -> str:
    path = tmp_path / 'leaf.py'
    path.write_text(f'_base_ = {base!r}\n' + text)
    return str(path)


def roots(cfg) -> tuple:
    return tuple(cfg[f'{s}_dataloader'].dataset.data_root for s in SPLITS)


def test_a_leaf_written_the_mmdetection_way_keeps_its_own_paths(tmp_path):
    path = leaf(tmp_path, "train_dataloader = dict(dataset=dict(data_root='mine/'))\n"
                          "val_dataloader = dict(dataset=dict(data_root='mine/'))\n"
                          "test_dataloader = val_dataloader\n"
                          "val_evaluator = dict(ann_file='mine/val.json')\n"
                          "test_evaluator = val_evaluator\n")
    cfg = load_config(path)
    assert roots(cfg) == ('mine/',) * 3
    assert cfg.val_evaluator.ann_file == cfg.test_evaluator.ann_file == 'mine/val.json'


@pytest.mark.parametrize('split', SPLITS)
def test_one_dataloader_written_in_the_leaf_keeps_its_data_root(tmp_path, split):
    cfg = load_config(leaf(tmp_path, f"{split}_dataloader = dict(dataset=dict(data_root='x/'))"))
    assert roots(cfg) == tuple('x/' if s == split else NEON for s in SPLITS)


def test_a_top_level_data_root_in_the_leaf_moves_every_split(tmp_path):
    cfg = load_config(leaf(tmp_path, "data_root = 'x/'"))
    assert roots(cfg) == ('x/',) * 3
    assert 'ann_file' not in cfg.val_evaluator  # it scores its dataset's json


def test_the_leaf_s_own_dataloader_wins_over_its_own_top_level_data_root(tmp_path):
    cfg = load_config(leaf(tmp_path, "data_root = 'x/'\n"
                                     "val_dataloader = dict(dataset=dict(data_root='y/'))"))
    assert roots(cfg) == ('x/', 'y/', 'x/')


def test_a_middle_base_s_data_root_reaches_the_leaf(tmp_path):
    middle = tmp_path / 'middle.py'
    middle.write_text(f"_base_ = {CONFIG!r}\ndata_root = 'mid/'\n")
    cfg = load_config(leaf(tmp_path, "val_dataloader = dict(dataset=dict(data_root='y/'))",
                           base=str(middle)))
    assert roots(cfg) == ('mid/', 'y/', 'mid/')


@pytest.mark.parametrize('split', SPLITS)
def test_metainfo_follows_unless_a_dataloader_writes_its_own(tmp_path, split):
    cfg = load_config(leaf(tmp_path, "metainfo = dict(classes=('Tree',))\n"
                                     f"{split}_dataloader = dict(dataset=dict("
                                     "metainfo=dict(classes=('Bush',))))"))
    for s in SPLITS:
        assert cfg[f'{s}_dataloader'].dataset.metainfo.classes == (
            ('Bush',) if s == split else ('Tree',))


def test_one_scale_factor_for_training_and_testing(tmp_path):
    cfg = load_config(leaf(tmp_path, 'scale_factor = 2.0'))
    steps = [s for split in SPLITS for s in cfg[f'{split}_dataloader'].dataset.pipeline
             if 'scale_factor' in s]
    assert {s['type'] for s in steps} == {'RandomRescale', 'Resize'}
    assert all(s['scale_factor'] == 2.0 for s in steps)
    # a pipeline the leaf writes itself keeps its own scale
    own = ("val_dataloader = dict(dataset=dict(pipeline=[dict(type='LoadImage'), "
           "dict(type='Resize', scale_factor=3.0, keep_ratio=True), dict(type='PackDetInputs')]))")
    cfg = load_config(leaf(tmp_path, 'scale_factor = 2.0\n' + own))
    assert cfg.val_dataloader.dataset.pipeline[1].scale_factor == 3.0
    assert cfg.train_dataloader.dataset.pipeline[2].scale_factor == 2.0


def test_options_win_over_files_and_one_dataloader_over_the_top_level():
    cfg = load_config(CONFIG, {'val_dataloader.dataset.data_root': 'y/'})
    assert roots(cfg) == (NEON, 'y/', NEON)
    cfg = load_config(CONFIG, {'data_root': 'x/', 'val_dataloader.dataset.data_root': 'y/'})
    assert roots(cfg) == ('x/', 'y/', 'x/')
    cfg = load_config(CONFIG, {'val_evaluator.ann_file': 'z.json'})
    assert cfg.val_evaluator.ann_file == 'z.json' and 'ann_file' not in cfg.test_evaluator


def test_a_leaf_on_other_data_trains_and_scores_on_it(composites_root, tmp_path):
    """The silent wrong result of the old rules: a leaf's own paths were pushed back to NEON."""
    from mmengine.runner import Runner
    from tests.conftest import shrink_schedule
    root = composites_root + '/'
    path = leaf(tmp_path, f"train_dataloader = dict(batch_size=2, num_workers=0, "
                          f"persistent_workers=False, dataset=dict(data_root={root!r}))\n"
                          f"val_dataloader = dict(dataset=dict(data_root={root!r}))\n"
                          "test_dataloader = val_dataloader\n"
                          "metainfo = dict(classes=tuple('0123456789'))\n"
                          "model = dict(roi_head=dict(bbox_head=dict(num_classes=10)))\n")
    cfg = load_config(path, {'train_cfg.max_iters': 1}, work_dir=str(tmp_path / 'w'))
    shrink_schedule(cfg, 1)
    runner = Runner.from_cfg(cfg)
    runner.train()
    coco = runner.val_evaluator.metrics[0].coco  # the composites' json, not NEON's
    assert coco.dataset['images'][0]['file_name'] == 'images/val/000000.png'
    assert len(coco.imgs) == 4


def dict_of(cfg) -> dict:
    out = Config(cfg.to_dict()).to_dict() if isinstance(cfg, Config) else cfg
    return {k: v for k, v in out.items() if k != 'work_dir'}


def test_every_entry_point_loads_the_same_config(neon_root, tmp_path):
    """tools/train.py's dumped config == init_model's == the tests' helper's."""
    args = [*TINY, *data_args(neon_root), 'train_cfg.max_iters=1', 'train_cfg.val_interval=10']
    out = run_tool('train.py', CONFIG, '--work-dir', str(tmp_path), '--cfg-options', *args)
    assert out.returncode == 0, out.stderr[-2000:]
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    options = parser.parse_args(['--cfg-options', *args]).cfg_options
    dumped = Config.fromfile(str(tmp_path / osp.basename(CONFIG)))
    through_api = init_model(CONFIG, cfg_options=options).cfg
    through_tests = load_config(CONFIG, options)
    assert dict_of(dumped) == dict_of(through_api) == dict_of(through_tests)


def test_print_config_shows_what_runs(tmp_path):
    out = run_tool('print_config.py', leaf(tmp_path, "data_root = 'x/'"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("data_root='x/'") == 3 and NEON not in out.stdout


def test_the_test_flags_are_part_of_the_loaded_config(tmp_path):
    cfg = config_for_test(load_config(CONFIG), 'ckpt.pth', out='dets.json', tta=True,
                      fuse_conv_bn=True, precision='bf16', show_dir='vis')
    assert cfg.load_from == 'ckpt.pth' and cfg.test_evaluator.outfile == 'dets.json'
    assert cfg.model.type == 'DetTTAModel' and cfg.model.module.type == 'TwoStageDetector'
    assert [h['type'] for h in cfg.custom_hooks][-2:] == ['FuseConvBNHook',
                                                         'InferencePrecisionHook']
    assert cfg.custom_hooks[-1]['precision'] == 'bf16'
    assert cfg.default_hooks.visualization.out_dir == 'vis'
    again = config_for_test(cfg, 'ckpt.pth', precision='int8', backend='openvino')
    hooks = [h for h in again.custom_hooks if h['type'] == 'InferencePrecisionHook']
    assert hooks == [dict(type='InferencePrecisionHook', precision='int8', backend='openvino')]
    no_tta = leaf(tmp_path, 'tta_model = None')
    with pytest.raises(ConfigError, match='--tta needs tta_model'):
        config_for_test(load_config(no_tta), 'ckpt.pth', tta=True)


def test_test_tool_prints_the_config_its_flags_give(tmp_path):
    ckpt = tmp_path / 'ckpt.pth'
    ckpt.write_bytes(b'')  # never read: --print-config builds nothing
    out = run_tool('test.py', CONFIG, str(ckpt), '--precision', 'int8', '--backend', 'openvino',
                   '--print-config')
    assert out.returncode == 0, out.stderr[-1500:]
    assert "backend='openvino', precision='int8', type='InferencePrecisionHook'" in out.stdout
    assert f"load_from = '{ckpt}'" in out.stdout
    out = run_tool('test.py', CONFIG, str(ckpt), '--precision', 'int8', '--print-config')
    assert out.returncode == 1 and "backend torch runs precision fp32, bf16, not 'int8'" in \
        out.stderr.strip().splitlines()[-1]


def test_a_phase_that_does_not_fit_max_iters_is_one_line():
    """Checked, not clamped: MMEngine would build everything, then fail with "end should
    be larger than begin"."""
    fixed = [dict(type='LinearLR', by_epoch=False, begin=0, end=100),
             dict(type='CosineAnnealingLR', by_epoch=False, begin=100)]
    check_schedule(Config(dict(train_cfg=dict(max_iters=2000), param_scheduler=fixed)))
    with pytest.raises(ConfigError, match=r'param_scheduler\[0\] LinearLR: begin 0, end 100 do '
                                          r'not fit train_cfg.max_iters=60'):
        check_schedule(Config(dict(train_cfg=dict(max_iters=60), param_scheduler=fixed)))


@pytest.mark.parametrize('max_iters, warmup', [(2000, 100), (100, 50), (3, 1), (1, 0)])
def test_the_base_schedule_follows_max_iters(max_iters, warmup):
    """The loaded config is what runs: WarmupCosineLR's phases follow max_iters (the
    Runner gives it ``end``), from the base's 2,000 iterations down to one."""
    from mmengine.optim.scheduler.param_scheduler import INF

    from plugins.engine import WarmupCosineLR
    cfg = load_config(CONFIG, {'train_cfg.max_iters': max_iters})
    sched = dict(cfg.param_scheduler[0])
    assert sched.pop('type') == 'WarmupCosineLR' and sched.get('end', INF) == INF
    assert sched['by_epoch'] is False  # the Runner reads it from the config, not the class
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    lr = WarmupCosineLR(opt, end=max_iters, **sched)
    values = []
    for _ in range(max_iters):
        values.append(opt.param_groups[0]['lr'])
        opt.step()
        lr.step()
    assert lr.warmup == warmup and max(values) == pytest.approx(1.0)
    assert values[:warmup] == sorted(values[:warmup])  # rising, then
    assert values[warmup:] == sorted(values[warmup:], reverse=True)  # annealing
