"""``load_config()``: the one way a config file becomes the config that runs. The tools,
``plugins.apis.init_model`` and the tests all call it, so one file gives one config
whichever entry point loads it (``tools/print_config.py`` shows it).

What loading adds to MMEngine's ``Config.fromfile`` + ``merge_from_dict``:

- **The value written last wins.** A top-level ``data_root`` (``metainfo``,
  ``scale_factor``) reaches every dataloader's dataset (every pipeline step with a
  ``scale_factor``) *unless* that dataset's own value was written in a file at least as
  close to the leaf, or in ``--cfg-options``. So a leaf that sets only ``data_root``
  moves every split, and a leaf that sets ``val_dataloader.dataset.data_root`` keeps it,
  whatever its bases say. Who wrote what is read from the chain of ``_base_`` files: a
  file "writes" a value when it differs from what its bases give.
- Evaluators are not edited: a ``CocoMetric`` without ``ann_file`` scores against the
  json of the dataset it evaluates (``dataset_meta['ann_file']``); one a config names
  explicitly is used as written.
- Checks before anything is built: top-level keys close to one the Runner reads
  (``trian_cfg``), dataloader ``batch_size`` / ``num_workers`` types, the keys of
  ``optim_wrapper.clip_grad``, every ``type=`` dict against its constructor
  (``registry.check_config``).
- Scheduler phases fixed in iterations that do not fit ``train_cfg.max_iters``: one
  line (``check_schedule``). Nothing is clamped: the base schedule, ``WarmupCosineLR``,
  follows ``max_iters`` by construction, so a smoke run of 3 iterations runs it as written.

``config_for_test()`` turns a loaded config into the one ``tools/test.py`` runs for its
flags (checkpoint, results file, TTA, fused BatchNorm, precision, drawn images), so
``tools/test.py --print-config`` prints exactly that.
"""
import ast
import difflib
import inspect
import os.path as osp
from typing import Optional, Union

from mmengine.config import Config
from mmengine.runner import Runner
from torch.nn.utils import clip_grad_norm_, clip_grad_value_

from plugins.deploy.runtimes import check_backend
from plugins.errors import ConfigError
from plugins.packaged_configs import resolve
from plugins.registry import check_config, close_match

TOP_LEVEL_KEYS = set(inspect.signature(Runner.__init__).parameters) - {'self', 'cfg'} | {
    'tta_model', 'tta_pipeline', 'custom_imports', 'model_wrapper_cfg', 'find_unused_parameters',
    'compile', 'strategy',
    # variables every base config uses by convention
    'data_root', 'dataset_type', 'metainfo', 'scale_factor', 'train_pipeline', 'val_pipeline',
    'test_pipeline'}
SPLITS = ('train', 'val', 'test')
FOLLOWED = ('data_root', 'metainfo', 'scale_factor')  # top-level values datasets follow
_MISSING = object()


def load_config(config: Union[str, Config], options: Optional[dict] = None,
                work_dir: Optional[str] = None) -> Config:
    """The config that runs: ``config`` (a file path or a packaged config's name) with
    ``options`` (``--cfg-options``, dotted keys) merged, the top-level values followed as
    the module docstring says, checked, ``work_dir`` set (default ``work_dirs/<config name>``)."""
    options = dict(options or {})
    if isinstance(config, Config):  # already loaded (a Config a user built or edited)
        config.merge_from_dict(options)
        return config
    config = resolve(config)  # a path, or a packaged config's name
    try:
        cfg = Config.fromfile(config)
    except SyntaxError as e:  # MMEngine's carries no file name
        raise ConfigError(syntax_error(config, e)) from None
    check_top_level(cfg)
    cfg.merge_from_dict(options)
    check_top_level(cfg)
    follow_top_level(cfg, written_ranks(config, options))
    check_loader_numbers(cfg)
    check_clip_grad(cfg)
    check_schedule(cfg)
    check_config(cfg._cfg_dict.to_dict())
    cfg.work_dir = work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', osp.splitext(osp.basename(config))[0])
    cfg.setdefault('launcher', 'none')
    return cfg


def syntax_error(path: str, error: SyntaxError) -> str:
    """'FILE, line N: what' for a config file that does not parse (or one of its bases)."""
    try:
        ast.parse(open(path).read(), path)
    except SyntaxError as own:
        return f'{path}, line {own.lineno}: syntax error: {own.msg}'
    return f'a base config of {path}, line {error.lineno}: syntax error: {error.msg}'


# -- who wrote what -------------------------------------------------------------------
def followed_keys() -> list:
    """The dotted keys whose writer decides what follows what."""
    keys = list(FOLLOWED)
    for split in SPLITS:
        for level in ('dataset', 'dataset.dataset'):  # a dataset, or one a wrapper holds
            keys += [f'{split}_dataloader.{level}.{k}' for k in ('data_root', 'metainfo',
                                                                 'pipeline')]
    return keys


def written_ranks(path: str, options: dict) -> dict:
    """Dotted key -> how far from the leaf its value was written: -1 by ``options``, 0 by
    the file itself, 1 by one of its bases, ... (absent: written nowhere)."""
    ranks = _file_ranks(path, followed_keys(), {})
    for key in followed_keys():
        if any(key == o or key.startswith(o + '.') or o.startswith(key + '.') for o in options):
            ranks[key] = -1
    return ranks


def _file_ranks(path: str, keys: list, cache: dict) -> dict:
    own = _load(path, cache)
    bases = [Config._get_cfg_path(b, path)[0] for b in Config._get_base_files(path)]
    inherited = {}
    for base in bases:
        inherited.update(_load(base, cache))
    base_ranks = [_file_ranks(b, keys, cache) for b in bases]
    ranks = {}
    for key in keys:
        value = _get(own, key)
        if value is _MISSING:
            continue
        if _get(inherited, key) != value:
            ranks[key] = 0
        else:
            ranks[key] = 1 + min(r[key] for r in base_ranks if key in r)
    return ranks


def _load(path: str, cache: dict) -> dict:
    if path not in cache:
        cache[path] = Config._file2dict(path)[0]
    return cache[path]


def _get(tree, key: str):
    for part in key.split('.'):
        if not isinstance(tree, dict) or part not in tree:
            return _MISSING
        tree = tree[part]
    return tree


def follow_top_level(cfg: Config, ranks: dict) -> None:
    """Each dataset (and the one a wrapper holds) takes the top-level ``data_root`` /
    ``metainfo`` / ``scale_factor`` where that was written closer to the leaf than the
    dataset's own value."""
    never = float('inf')
    for name in FOLLOWED:
        if name not in cfg or name not in ranks:
            continue
        value, rank = cfg[name], ranks[name]
        for split in SPLITS:
            level = f'{split}_dataloader.dataset'
            dataset = (cfg.get(f'{split}_dataloader') or {}).get('dataset') or {}
            while dataset:  # the dataset, then the one it wraps (MixImageDataset), if any
                if name == 'scale_factor':
                    if rank < ranks.get(f'{level}.pipeline', never):
                        for step in dataset.get('pipeline') or []:
                            if isinstance(step, dict) and 'scale_factor' in step:
                                step['scale_factor'] = value
                elif rank < ranks.get(f'{level}.{name}', never) and (
                        'data_root' in dataset if name == 'data_root' else 'ann_file' in dataset):
                    dataset[name] = value
                inner = dataset.get('dataset')
                dataset, level = (inner if isinstance(inner, dict) else {}), f'{level}.dataset'


# -- checks ---------------------------------------------------------------------------
def check_top_level(cfg: Config) -> None:
    for key in cfg:
        if key not in TOP_LEVEL_KEYS:
            close = difflib.get_close_matches(key, TOP_LEVEL_KEYS, n=1, cutoff=0.85)
            if close:
                raise ConfigError(f'unknown top-level key "{key}" (did you mean {close[0]}?)')


def check_loader_numbers(cfg: Config) -> None:
    for split in SPLITS:
        loader = cfg.get(f'{split}_dataloader') or {}
        for key in ('batch_size', 'num_workers'):
            value = loader.get(key)
            if key in loader and (not isinstance(value, int) or isinstance(value, bool)
                                  or value < (key == 'batch_size')):
                raise ConfigError(f'{split}_dataloader.{key}: {value!r} is not a '
                                  f'{"positive" if key == "batch_size" else "non-negative"} '
                                  'integer')


def check_clip_grad(cfg: Config) -> None:
    """``optim_wrapper.clip_grad`` (a plain dict MMEngine passes to torch's
    ``clip_grad_norm_``, or ``clip_grad_value_`` with ``type='value'``): its keys."""
    clip = (cfg.get('optim_wrapper') or {}).get('clip_grad')
    if not isinstance(clip, dict):
        return
    fn = clip_grad_value_ if clip.get('type') == 'value' else clip_grad_norm_
    names = [n for n in inspect.signature(fn).parameters if n != 'parameters'] + ['type']
    for key in clip:
        if key not in names:
            raise ConfigError(f'optim_wrapper.clip_grad: unknown key "{key}" for torch\'s '
                              f'{fn.__name__}{close_match(key, names)}')


def check_schedule(cfg: Config) -> None:
    """Every scheduler phase fixed in iterations fits ``train_cfg.max_iters`` (an open
    ``end`` is MMEngine's ``max_iters``): else one line, before anything is built, where
    MMEngine would fail with "end should be larger than begin" after building it all."""
    max_iters = (cfg.get('train_cfg') or {}).get('max_iters')
    schedulers = cfg.get('param_scheduler') or []
    if not max_iters or not isinstance(max_iters, int):
        return
    for i, s in enumerate([schedulers] if isinstance(schedulers, dict) else schedulers):
        begin, end = s.get('begin', 0), s.get('end') or max_iters
        if not s.get('by_epoch', True) and not begin < end <= max_iters:
            raise ConfigError(f'param_scheduler[{i}] {s.get("type")}: begin {begin}, end '
                              f'{s.get("end")} do not fit train_cfg.max_iters={max_iters}; '
                              'WarmupCosineLR (configs/_base_/schedules/cpu_budget.py) follows '
                              'max_iters by construction')


def config_for_test(cfg: Config, checkpoint: str, out: Optional[str] = None,
                    tta: bool = False, fuse_conv_bn: bool = False, precision: str = 'fp32',
                    show_dir: Optional[str] = None, backend: str = 'torch') -> Config:
    """``cfg`` set up to test ``checkpoint`` (loaded strictly): raw results to ``out``;
    ``tta``: the config's ``tta_model`` around its model and its ``tta_pipeline``;
    ``FuseConvBNHook`` / ``InferencePrecisionHook`` for ``fuse_conv_bn`` / ``precision``
    and ``backend``;
    drawn images to ``show_dir``."""
    check_backend(backend, precision)  # before the Runner builds anything
    cfg.load_from = checkpoint
    for hook in cfg.get('custom_hooks', []):  # the checkpoint must fit the model exactly
        if hook.get('type') == 'SafeCheckpointHook':
            hook['strict_load'] = True
    if out:
        cfg.test_evaluator.outfile = out
    if tta:
        missing = [k for k in ('tta_model', 'tta_pipeline') if cfg.get(k) is None]
        if missing:
            raise ConfigError(f'{cfg.filename}: --tta needs {" and ".join(missing)} in the '
                              'config')
        cfg.model = dict(cfg.tta_model, module=cfg.model)
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
    hooks = [dict(type='FuseConvBNHook')] if fuse_conv_bn else []
    kept = cfg.get('custom_hooks', [])
    if (precision, backend) != ('fp32', 'torch'):  # the flags replace the config's own
        hooks.append(dict(type='InferencePrecisionHook', precision=precision, backend=backend))
        kept = [h for h in kept if h.get('type') != 'InferencePrecisionHook']
    cfg.custom_hooks = kept + hooks
    if show_dir:
        cfg.default_hooks.visualization.out_dir = show_dir
    return cfg
