from .det_visualizer import DetLocalVisualizer

__all__ = ['DetLocalVisualizer']
