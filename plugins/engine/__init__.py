from .checkpoint import AtomicLocalBackend, SafeCheckpointHook, atomic_write, to_plain
from .fuse_conv_bn_hook import FuseConvBNHook
from .progress_bar_hook import ProgressBarHook
from .visualization_hook import DetVisualizationHook

__all__ = ['AtomicLocalBackend', 'SafeCheckpointHook', 'atomic_write', 'to_plain',
           'DetVisualizationHook', 'FuseConvBNHook', 'ProgressBarHook']
