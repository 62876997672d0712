"""detplug: detection and segmentation components for MMEngine.

Importing ``plugins`` only declares the registries; every component module is
imported lazily through the registries' ``locations`` when a config names it.
"""
from .registry import DATASETS, HOOKS, METRICS, MODELS, TASK_UTILS, TRANSFORMS, VISUALIZERS

__version__ = '0.1.0'
__all__ = ['DATASETS', 'HOOKS', 'METRICS', 'MODELS', 'TASK_UTILS', 'TRANSFORMS', 'VISUALIZERS']
