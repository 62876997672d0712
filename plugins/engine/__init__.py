from .checkpoint import AtomicLocalBackend, SafeCheckpointHook, to_plain
from .checkpoint_loading import CheckpointError, latest_good_checkpoint, safe_load
from .data_consistency_hook import DataConsistencyHook
from .fuse_conv_bn_hook import FuseConvBNHook
from .memory_monitor_hook import MemoryMonitorHook, resident_mb
from .optim_wrapper import FiniteLossOptimWrapper, NonFiniteLossError
from .precision import BF16OptimWrapper, InferencePrecisionHook, set_precision
from .progress_bar_hook import ProgressBarHook
from .rerun_validation_hook import RerunValidationHook
from .rng_state_hook import RNGStateHook
from .rotating_checkpoint_hook import RotatingCheckpointHook
from .train_progress import EarlyLoggerHook, RecentETATimerHook
from .visualization_hook import DetVisualizationHook
from .warmup_cosine import WarmupCosineLR

__all__ = ['AtomicLocalBackend', 'CheckpointError', 'latest_good_checkpoint', 'safe_load',
           'SafeCheckpointHook', 'to_plain', 'DataConsistencyHook', 'DetVisualizationHook',
           'FuseConvBNHook', 'ProgressBarHook', 'RNGStateHook', 'FiniteLossOptimWrapper',
           'NonFiniteLossError', 'MemoryMonitorHook', 'resident_mb', 'BF16OptimWrapper',
           'InferencePrecisionHook', 'set_precision', 'EarlyLoggerHook', 'RecentETATimerHook',
           'RotatingCheckpointHook', 'RerunValidationHook', 'WarmupCosineLR']
