from .tta import DetTTAModel
from .two_stage import TwoStageDetector

__all__ = ['DetTTAModel', 'TwoStageDetector']
