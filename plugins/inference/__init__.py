"""Inference on the images users have: large rasters through overlapping windows
(``slicing``), read window by window (``sources``), results with map coordinates
(``geo``)."""
from .slicing import check_slicing, slice_windows, sliced_predict
from .sources import ArraySource, open_image

__all__ = ['ArraySource', 'check_slicing', 'open_image', 'slice_windows', 'sliced_predict']
