"""Rules the tools apply to a loaded config, so that a leaf config of a few lines does
what its author means (``plugins.cli.load_config`` calls ``apply_config_rules``).

- One ``data_root`` moves them all: the top-level ``data_root`` (and ``metainfo``, the
  class names) becomes every dataloader's ``dataset.data_root`` (``metainfo``), and
  each evaluator's ``ann_file`` becomes the json of the dataset it scores (a base
  config's paths never linger). A ``--cfg-options`` entry for one dataloader still
  wins: the options are merged after the files' rules.
- One ``scale_factor`` for training and testing: a top-level ``scale_factor`` becomes
  the ``scale_factor`` of every pipeline step that has one (``RandomRescale`` in
  training, ``Resize`` in testing).
- A short smoke run works: when a phase fixed in iterations (a warm-up) does not fit
  ``train_cfg.max_iters``, every such phase is clamped to half of it, and logged.
- A top-level key close to one the Runner reads (``trian_cfg``) is a ConfigError;
  other top-level names are the config's own variables (``train_pipeline``, ...).
- A dataloader's ``batch_size`` and ``num_workers`` are integers (the Runner builds
  dataloaders from plain dicts, which the registry's type checks do not see).
"""
import difflib
import inspect
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.runner import Runner

from plugins.errors import ConfigError

TOP_LEVEL_KEYS = set(inspect.signature(Runner.__init__).parameters) - {'self', 'cfg'} | {
    'tta_model', 'tta_pipeline', 'custom_imports', 'model_wrapper_cfg', 'find_unused_parameters',
    'compile', 'strategy',
    # variables every base config uses by convention
    'data_root', 'dataset_type', 'metainfo', 'scale_factor', 'train_pipeline', 'val_pipeline',
    'test_pipeline'}
EVALUATED = (('val_evaluator', 'val_dataloader'), ('test_evaluator', 'test_dataloader'))


def check_top_level(cfg: Config) -> None:
    for key in cfg:
        if key not in TOP_LEVEL_KEYS:
            close = difflib.get_close_matches(key, TOP_LEVEL_KEYS, n=1, cutoff=0.85)
            if close:
                raise ConfigError(f'unknown top-level key "{key}" (did you mean {close[0]}?)')


def check_loader_numbers(cfg: Config) -> None:
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader') or {}
        for key in ('batch_size', 'num_workers'):
            value = loader.get(key)
            if key in loader and (not isinstance(value, int) or isinstance(value, bool)
                                  or value < (key == 'batch_size')):
                raise ConfigError(f'{split}_dataloader.{key}: {value!r} is not a '
                                  f'{"positive" if key == "batch_size" else "non-negative"} '
                                  'integer')


def follow_data_root(cfg: Config) -> None:
    root, metainfo = cfg.get('data_root'), cfg.get('metainfo')
    for split in ('train', 'val', 'test'):
        dataset = (cfg.get(f'{split}_dataloader') or {}).get('dataset') or {}
        if root is not None and 'data_root' in dataset:
            dataset['data_root'] = root
        if metainfo is not None and 'ann_file' in dataset:
            dataset['metainfo'] = metainfo


def follow_datasets(cfg: Config) -> None:
    for evaluator, loader in EVALUATED:
        metric, dataset = cfg.get(evaluator), (cfg.get(loader) or {}).get('dataset') or {}
        if isinstance(metric, dict) and 'ann_file' in metric and 'ann_file' in dataset:
            ann_file = osp.join(dataset.get('data_root') or '', dataset['ann_file'])
            if osp.normpath(metric['ann_file']) != osp.normpath(ann_file):
                print_log(f'{evaluator}.ann_file follows {loader}: {ann_file}', logger='current')
                metric['ann_file'] = ann_file


def follow_scale_factor(cfg: Config) -> None:
    scale = cfg.get('scale_factor')
    if scale is None:
        return
    for split in ('train', 'val', 'test'):
        dataset = (cfg.get(f'{split}_dataloader') or {}).get('dataset') or {}
        for step in dataset.get('pipeline') or []:
            if isinstance(step, dict) and 'scale_factor' in step:
                step['scale_factor'] = scale


def clamp_schedule(cfg: Config) -> None:
    max_iters = (cfg.get('train_cfg') or {}).get('max_iters')
    schedulers = cfg.get('param_scheduler') or []
    schedulers = [schedulers] if isinstance(schedulers, dict) else schedulers
    if not max_iters or not isinstance(max_iters, int):
        return
    fixed = [s for s in schedulers if not s.get('by_epoch', True)]
    if all(s.get('begin', 0) < (s.get('end') or max_iters) <= max_iters for s in fixed):
        return  # every phase fits (an open end is filled in with max_iters by MMEngine)
    limit = max_iters // 2
    for s in fixed:
        old = (s.get('begin', 0), s.get('end'))
        s['begin'] = min(s.get('begin', 0), limit)
        if s.get('end') is not None:
            s['end'] = max(min(s['end'], limit), s['begin'] + 1)
        print_log(f'param_scheduler {s["type"]}: begin/end {old} clamped to '
                  f'({s["begin"]}, {s.get("end")}) for max_iters={max_iters}',
                  logger='current', level=30)


def apply_config_rules(cfg: Config, options: Optional[dict] = None) -> None:
    """Apply the rules to ``cfg`` as its files define it, then merge ``options``
    (``--cfg-options``): an option for one dataloader (``val_dataloader.dataset.data_root``)
    wins over the top-level ``data_root``, a top-level option moves them all again."""
    options = options or {}
    check_top_level(cfg)
    follow_data_root(cfg)
    follow_scale_factor(cfg)
    cfg.merge_from_dict(options)
    check_top_level(cfg)
    if {'data_root', 'metainfo'} & set(options):
        follow_data_root(cfg)
    if 'scale_factor' in options:
        follow_scale_factor(cfg)
    follow_datasets(cfg)
    check_loader_numbers(cfg)
    clamp_schedule(cfg)
