from .inference import inference, init_model

__all__ = ['init_model', 'inference']
