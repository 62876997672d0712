from .inference import inference, init_model, sliced_inference

__all__ = ['init_model', 'inference', 'sliced_inference']
