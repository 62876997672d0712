from .two_stage import TwoStageDetector

__all__ = ['TwoStageDetector']
