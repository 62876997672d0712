"""detplug's registries: children of MMEngine's root registries.

A config with ``default_scope = 'plugins'`` resolves every ``type=`` here first,
then in the parent (MMEngine, or mmcv for transforms). ``locations`` lists the
modules to import on first use, so no component needs a manual import.
"""
from mmcv.transforms import TRANSFORMS as MMCV_TRANSFORMS
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import TASK_UTILS as MMENGINE_TASK_UTILS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
from mmengine.registry import RUNNERS as MMENGINE_RUNNERS
from mmengine.registry import Registry


class ConfigError(ValueError):
    """A component was given a config value it cannot take. The message names the
    value and what it must be; the tools print it as one line, without a traceback."""


MODELS = Registry('model', parent=MMENGINE_MODELS, locations=[
    'plugins.backbones', 'plugins.necks', 'plugins.dense_heads', 'plugins.roi_heads',
    'plugins.detectors', 'plugins.losses', 'plugins.decode_heads', 'plugins.segmentors'])
TASK_UTILS = Registry('task util', parent=MMENGINE_TASK_UTILS, locations=['plugins.task_modules'])
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS, locations=['plugins.datasets'])
DATA_SAMPLERS = Registry('data sampler', parent=MMENGINE_DATA_SAMPLERS,
                         locations=['plugins.datasets'])
TRANSFORMS = Registry('transform', parent=MMCV_TRANSFORMS,
                      locations=['plugins.datasets.transforms'])
METRICS = Registry('metric', parent=MMENGINE_METRICS, locations=['plugins.evaluation'])
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, locations=['plugins.engine'])
LOOPS = Registry('loop', parent=MMENGINE_LOOPS, locations=['plugins.engine'])
VISUALIZERS = Registry('visualizer', parent=MMENGINE_VISUALIZERS,
                       locations=['plugins.visualization'])
VISBACKENDS = Registry('vis_backend', parent=MMENGINE_VISBACKENDS,
                       locations=['plugins.visualization'])
OPTIMIZERS = Registry('optimizer', parent=MMENGINE_OPTIMIZERS, locations=['plugins.engine'])
OPTIM_WRAPPERS = Registry('optim wrapper', parent=MMENGINE_OPTIM_WRAPPERS,
                          locations=['plugins.engine'])
PARAM_SCHEDULERS = Registry('parameter scheduler', parent=MMENGINE_PARAM_SCHEDULERS,
                            locations=['plugins.engine'])
WEIGHT_INITIALIZERS = Registry('weight initializer', parent=MMENGINE_WEIGHT_INITIALIZERS)
# Declared so that the Runner, building under scope "plugins", finds MMEngine's own parts.
RUNNERS = Registry('runner', parent=MMENGINE_RUNNERS)
MODEL_WRAPPERS = Registry('model_wrapper', parent=MMENGINE_MODEL_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = Registry('optimizer wrapper constructor',
                                      parent=MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS)
EVALUATOR = Registry('evaluator', parent=MMENGINE_EVALUATOR)
LOG_PROCESSORS = Registry('log_processor', parent=MMENGINE_LOG_PROCESSORS)
FUNCTIONS = Registry('function', parent=MMENGINE_FUNCTIONS)
