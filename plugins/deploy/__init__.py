"""Export and CPU runtimes: a model's network on ONNX Runtime or OpenVINO."""
from .backend import set_backend
from .runtimes import BACKENDS, PRECISIONS, check_backend

__all__ = ['set_backend', 'BACKENDS', 'PRECISIONS', 'check_backend']
