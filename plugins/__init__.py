"""detplug: detection and segmentation components for MMEngine.

Importing ``plugins`` declares the registries and makes every checkpoint load safe
(``plugins.engine.checkpoint_loading``); every component module is imported lazily
through the registries' ``locations`` when a config names it.
"""
from .engine import checkpoint_loading  # noqa: F401  (replaces MMEngine's local loader)
from .registry import DATASETS, HOOKS, METRICS, MODELS, TASK_UTILS, TRANSFORMS, VISUALIZERS

__version__ = '0.1.0'
__all__ = ['DATASETS', 'HOOKS', 'METRICS', 'MODELS', 'TASK_UTILS', 'TRANSFORMS', 'VISUALIZERS']
