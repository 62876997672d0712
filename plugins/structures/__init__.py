from .det_data_sample import DetDataSample, set_predictions

__all__ = ['DetDataSample', 'set_predictions']
