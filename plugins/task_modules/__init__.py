from .anchor_generator import AnchorGenerator
from .assigner import AssignResult, MaxIoUAssigner
from .box_coder import DeltaXYWHBBoxCoder
from .hard_negative_miner import HardNegativeMiner
from .prior_generator import SSDPriorGenerator
from .sampler import RandomSampler, SamplingResult

__all__ = ['AnchorGenerator', 'AssignResult', 'MaxIoUAssigner', 'DeltaXYWHBBoxCoder',
           'HardNegativeMiner', 'RandomSampler', 'SamplingResult', 'SSDPriorGenerator']
