"""Where sliced inference reads its windows: an array in memory, or a file read window by
window, so that peak memory follows the window batch, not the image.

Every source has ``height``, ``width``, ``path`` (None for an array), ``crs`` and
``transform`` (the raster's affine pixel -> map transform; None without georeference),
``read(x0, y0, x1, y1)`` -> (h, w, 3) uint8 BGR, and ``read_resized(max_side)``: the whole
image shrunk so that its longer side is ``max_side`` (for the optional full-image pass),
with the factor it was shrunk by.

- GeoTIFF / TIFF: rasterio (the ``geo`` extra), windowed reads; bands 1-3 as RGB (one band
  as grey); 8-bit, or 16-bit scaled by 1/256.
- PNG / JPEG / other formats OpenCV reads: read whole, up to ``MAX_WHOLE_PIXELS`` (the size
  from the header, checked before decoding).
"""
import os.path as osp
from typing import Optional, Tuple

import cv2
import numpy as np

from plugins.errors import DataError
from plugins.utils.image_size import header_size

MAX_WHOLE_PIXELS = 1 << 30  # OpenCV's own decoding limit (CV_IO_MAX_IMAGE_PIXELS)
RASTER_EXTS = ('.tif', '.tiff', '.vrt', '.jp2')


class ArraySource:
    """An (H, W, 3) uint8 BGR image in memory."""

    def __init__(self, image: np.ndarray, path: Optional[str] = None):
        if image.ndim != 3 or image.shape[2] != 3:
            raise DataError(f'{path or "image"}: expected (H, W, 3) BGR, got {image.shape}')
        self.image, self.path = image, path
        self.height, self.width = image.shape[:2]
        self.crs = self.transform = None

    def read(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        return np.ascontiguousarray(self.image[y0:y1, x0:x1])

    def read_resized(self, max_side: int) -> Tuple[np.ndarray, float]:
        factor = min(1.0, max_side / max(self.height, self.width))
        size = (max(1, round(self.width * factor)), max(1, round(self.height * factor)))
        return cv2.resize(self.image, size, interpolation=cv2.INTER_AREA), factor


class RasterSource:
    """A raster read window by window with rasterio."""

    def __init__(self, path: str):
        import rasterio  # the geo extra
        try:
            self.dataset = rasterio.open(path)
        except rasterio.errors.RasterioIOError as e:
            raise DataError(f'{path}: cannot open the raster ({str(e).splitlines()[0]})') \
                from None
        ds, self.path = self.dataset, path
        if ds.dtypes[0] not in ('uint8', 'uint16'):
            raise DataError(f'{path}: band type {ds.dtypes[0]}; 8- or 16-bit images expected')
        self.bands = [1, 2, 3] if ds.count >= 3 else [1, 1, 1]
        self.height, self.width = ds.height, ds.width
        self.crs = ds.crs.to_string() if ds.crs else None
        self.transform = ds.transform if self.crs else None

    def _bgr(self, rgb: np.ndarray) -> np.ndarray:
        if rgb.dtype == np.uint16:
            rgb = (rgb >> 8).astype(np.uint8)
        return np.ascontiguousarray(rgb.transpose(1, 2, 0)[..., ::-1])

    def read(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        from rasterio.windows import Window
        try:
            return self._bgr(self.dataset.read(self.bands, window=Window(x0, y0, x1 - x0,
                                                                         y1 - y0)))
        except Exception as e:  # a corrupt block: rasterio's error, without the traceback
            raise DataError(f'{self.path}: window x {x0}-{x1}, y {y0}-{y1} cannot be read '
                            f'({str(e).splitlines()[0] if str(e) else type(e).__name__})') \
                from None

    def read_resized(self, max_side: int) -> Tuple[np.ndarray, float]:
        from rasterio.enums import Resampling
        factor = min(1.0, max_side / max(self.height, self.width))
        shape = (3, max(1, round(self.height * factor)), max(1, round(self.width * factor)))
        return self._bgr(self.dataset.read(self.bands, out_shape=shape,
                                           resampling=Resampling.average)), factor


def open_image(path: str):
    """The source for an image file: windowed for rasters (rasterio, if installed), else
    the whole image decoded by OpenCV (up to ``MAX_WHOLE_PIXELS``)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: image file not found')
    if path.lower().endswith(RASTER_EXTS):
        try:
            import rasterio  # noqa: F401
            return RasterSource(path)
        except ImportError:
            pass  # read whole below: pip install detplug[geo] for windows and georeference
    size = header_size(path)
    if size is None:
        raise DataError(f'{path}: not an image OpenCV can decode, or corrupt')
    if size[0] * size[1] > MAX_WHOLE_PIXELS:
        raise DataError(f'{path}: more than {MAX_WHOLE_PIXELS / 1e6:.0f} Mpx to decode whole; '
                        'save it as a (Geo)TIFF and install rasterio (pip install detplug[geo])'
                        ' to read it window by window')
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise DataError(f'{path}: not an image OpenCV can decode, or corrupt')
    return ArraySource(image, path)
