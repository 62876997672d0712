"""detplug's registries: children of MMEngine's root registries.

A config with ``default_scope = 'plugins'`` resolves every ``type=`` here first,
then in the parent (MMEngine, or mmcv for transforms). ``locations`` lists the
modules to import on first use, so no component needs a manual import.

Every build through these registries checks the config's keys against the
constructor's signature first (``check_cfg``): an unknown type, an unknown key or a
missing one is a ``ConfigError`` with the nearest registered name, and so is a value
of the wrong type where the constructor declares int, float, bool or str. The Runner builds
its top-level parts (model, datasets, hooks, ...) through MMEngine's root
registries, so the tools also check the whole config tree once, before the Runner
exists (``check_config``).
"""
import difflib
import inspect
import types
import typing
from typing import Optional

from mmcv.transforms import TRANSFORMS as MMCV_TRANSFORMS
from mmengine import registry as mm
from mmengine.registry import Registry

from plugins.errors import ConfigError

# Keys a builder consumes or passes itself: mmcv's norm builder takes ``requires_grad``,
# and the Runner or a parent component gives these arguments to what it builds.
BUILDER_KEYS = {'type', '_scope_', 'requires_grad'}
SUPPLIED = {'dataset', 'params', 'optimizer', 'runner', 'dataloader', 'module', 'save_dir',
            'num_features'}


def _name(obj) -> str:
    return getattr(obj, '__name__', str(obj))


def close_match(word: str, names) -> str:
    close = difflib.get_close_matches(word, list(names), n=3)
    return f' (did you mean {" or ".join(close)}?)' if close else ''


def _registries():
    return [r for r in globals().values() if isinstance(r, Registry) and r.scope == 'plugins']


def _types(registry: Registry) -> dict:
    registry.import_from_location()
    return {**(registry.parent.module_dict if registry.parent else {}), **registry.module_dict}


def resolve(type_name, registry: Optional[Registry] = None, where: str = 'the config'):
    """The class (or function) a config's ``type`` names, from ``registry`` or, when None,
    from any detplug registry; ConfigError with the nearest names when there is none."""
    if not isinstance(type_name, str):
        return type_name
    pool = [registry] if registry is not None else _registries()
    for reg in pool:
        found = reg.get(type_name)
        if found is not None:
            return found
    best = max(pool, key=lambda r: len(difflib.get_close_matches(type_name, list(_types(r)))))
    hint = close_match(type_name, _types(best))
    raise ConfigError(f'{where}: unknown type "{type_name}": no such '
                      f'{best.name if hint or registry else "component"} is registered{hint}')


SIMPLE_TYPES = {int: lambda v: isinstance(v, int) and not isinstance(v, bool),
                float: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
                bool: lambda v: isinstance(v, bool), str: lambda v: isinstance(v, str)}


def _fits(value, annotation) -> bool:
    """Whether ``value`` fits a constructor's annotation; annotations other than int,
    float, bool, str and unions of them (or of classes, None) are not checked."""
    if annotation in SIMPLE_TYPES:
        return SIMPLE_TYPES[annotation](value)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = typing.get_args(annotation)
        if not all(o in SIMPLE_TYPES or isinstance(o, type) for o in options):
            return True
        return any(SIMPLE_TYPES[o](value) if o in SIMPLE_TYPES else isinstance(value, o)
                   for o in options)
    return True


def _type_name(annotation) -> str:
    options = typing.get_args(annotation) or (annotation,)
    return ' or '.join('None' if o is type(None) else _name(o) for o in options)


def check_cfg(cfg: dict, registry: Optional[Registry] = None, default_args: Optional[dict] = None,
              where: str = 'the config', check_missing: bool = True):
    """Check one ``dict(type=..., **keys)`` against its constructor; return the class."""
    obj = resolve(cfg['type'], registry, where)
    try:
        params = inspect.signature(obj).parameters
    except (TypeError, ValueError):  # builtins without a signature
        return obj
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return obj
    names = [n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    for key in cfg:
        if key not in BUILDER_KEYS and key not in names:
            raise ConfigError(f'{where}: unknown key "{key}" for {_name(obj)}'
                              f'{close_match(key, names)}')
        param = params.get(key)
        if param is not None and not (cfg[key] is None and param.default is None) \
                and not _fits(cfg[key], param.annotation):
            raise ConfigError(f'{where}.{key}: {cfg[key]!r} is a {type(cfg[key]).__name__}, '
                              f'{_name(obj)} takes {_type_name(param.annotation)}')
    given = set(cfg) | set(default_args or {}) | SUPPLIED
    missing = [n for n in names if params[n].default is params[n].empty and n not in given]
    if check_missing and missing:
        raise ConfigError(f'{where}: {_name(obj)} needs {", ".join(missing)}')
    return obj


def check_config(node, path: str = '') -> None:
    """Check every ``type=`` dict of a config tree for unknown types and keys, naming the
    dotted key path of the one at fault. Missing keys are left to the build: a parent
    component may complete a child's config (an RoI layer's ``spatial_scale``)."""
    if isinstance(node, dict):
        if 'type' in node:
            check_cfg(node, None, None, path or 'the config', check_missing=False)
        for key, value in node.items():
            check_config(value, f'{path}.{key}' if path else str(key))
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            check_config(value, f'{path}[{i}]')


def _checked(build):
    def checked_build(cfg, registry, default_args=None):
        if isinstance(cfg, dict) and 'type' in cfg:
            check_cfg(cfg, registry, default_args, f'a {registry.name} config')
        return build(cfg, registry=registry, default_args=default_args)
    return checked_build


def _child(name: str, parent: Registry, *locations: str) -> Registry:
    """A registry for detplug's components whose builds are checked (``check_cfg``)."""
    return Registry(name, parent=parent, locations=list(locations),
                    build_func=_checked(parent.build_func))


MODELS = _child('model', mm.MODELS, 'plugins.backbones', 'plugins.necks',
                'plugins.dense_heads', 'plugins.roi_heads', 'plugins.detectors', 'plugins.losses',
                'plugins.decode_heads', 'plugins.segmentors', 'plugins.inference.sliced_model')
TASK_UTILS = _child('task util', mm.TASK_UTILS, 'plugins.task_modules')
DATASETS = _child('dataset', mm.DATASETS, 'plugins.datasets')
DATA_SAMPLERS = _child('data sampler', mm.DATA_SAMPLERS, 'plugins.datasets')
TRANSFORMS = _child('transform', MMCV_TRANSFORMS, 'plugins.datasets.transforms')
METRICS = _child('metric', mm.METRICS, 'plugins.evaluation')
HOOKS = _child('hook', mm.HOOKS, 'plugins.engine')
LOOPS = _child('loop', mm.LOOPS, 'plugins.engine')
VISUALIZERS = _child('visualizer', mm.VISUALIZERS, 'plugins.visualization')
VISBACKENDS = _child('vis_backend', mm.VISBACKENDS, 'plugins.visualization')
OPTIMIZERS = _child('optimizer', mm.OPTIMIZERS, 'plugins.engine')
OPTIM_WRAPPERS = _child('optim wrapper', mm.OPTIM_WRAPPERS, 'plugins.engine')
PARAM_SCHEDULERS = _child('parameter scheduler', mm.PARAM_SCHEDULERS, 'plugins.engine')
WEIGHT_INITIALIZERS = Registry('weight initializer', parent=mm.WEIGHT_INITIALIZERS)
# Declared so that the Runner, building under scope "plugins", finds MMEngine's own parts.
RUNNERS = Registry('runner', parent=mm.RUNNERS)
MODEL_WRAPPERS = Registry('model_wrapper', parent=mm.MODEL_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = Registry('optimizer wrapper constructor',
                                      parent=mm.OPTIM_WRAPPER_CONSTRUCTORS)
EVALUATOR = Registry('evaluator', parent=mm.EVALUATOR)
LOG_PROCESSORS = Registry('log_processor', parent=mm.LOG_PROCESSORS)
FUNCTIONS = Registry('function', parent=mm.FUNCTIONS)
