from .det_visualizer import DetLocalVisualizer
from .mlflow_backend import MLflowVisBackend

__all__ = ['DetLocalVisualizer', 'MLflowVisBackend']
