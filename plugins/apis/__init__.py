from .inference import inference, init_model, sliced_inference
from .predictor import Prediction, Predictor, load

__all__ = ['init_model', 'inference', 'sliced_inference', 'load', 'Predictor', 'Prediction']
