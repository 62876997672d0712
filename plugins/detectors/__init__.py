from .single_stage import SingleStageDetector
from .tta import DetTTAModel
from .two_stage import TwoStageDetector

__all__ = ['DetTTAModel', 'SingleStageDetector', 'TwoStageDetector']
