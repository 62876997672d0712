from .checkpoint import AtomicLocalBackend, SafeCheckpointHook, to_plain
from .visualization_hook import DetVisualizationHook

__all__ = ['AtomicLocalBackend', 'SafeCheckpointHook', 'to_plain', 'DetVisualizationHook']
