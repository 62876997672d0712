from .anchor_generator import AnchorGenerator
from .assigner import AssignResult, MaxIoUAssigner
from .box_coder import DeltaXYWHBBoxCoder
from .sampler import RandomSampler, SamplingResult

__all__ = ['AnchorGenerator', 'AssignResult', 'MaxIoUAssigner', 'DeltaXYWHBBoxCoder',
           'RandomSampler', 'SamplingResult']
