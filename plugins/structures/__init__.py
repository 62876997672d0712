from .det_data_sample import DetDataSample, set_predictions
from .seg_data_sample import SegDataSample

__all__ = ['DetDataSample', 'SegDataSample', 'set_predictions']
