from .anchor_generator import AnchorGenerator
from .assigner import AssignResult, MaxIoUAssigner
from .box_coder import DeltaXYWHBBoxCoder, LTRBBBoxCoder
from .center_sampling_assigner import CenterSamplingAssigner
from .hard_negative_miner import HardNegativeMiner
from .prior_generator import SSDPriorGenerator
from .sampler import RandomSampler, SamplingResult

__all__ = ['AnchorGenerator', 'AssignResult', 'CenterSamplingAssigner', 'MaxIoUAssigner',
           'DeltaXYWHBBoxCoder', 'HardNegativeMiner', 'LTRBBBoxCoder', 'RandomSampler',
           'SamplingResult', 'SSDPriorGenerator']
