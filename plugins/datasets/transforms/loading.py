"""Image loading that names the file when it cannot be read."""
import os.path as osp

import cv2.utils.logging
from mmcv.transforms import LoadImageFromFile

from plugins.errors import DataError
from plugins.registry import TRANSFORMS
from plugins.utils.image_size import header_size

cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)  # the DataError below says it


@TRANSFORMS.register_module()
class LoadImage(LoadImageFromFile):
    """mmcv's ``LoadImageFromFile`` with one-line errors for missing or corrupt files.

    Also rejects images whose size disagrees with the annotation's ``height`` /
    ``width`` (boxes would not fit the pixels), and images of more than ``max_pixels``
    (read from the file header before decoding, ``plugins.utils.image_size``; a file whose
    header no reader knows is not decoded): a whole orthomosaic would exhaust memory in the
    network; tile it first.
    Grey, RGBA and 16-bit images are decoded to 8-bit, 3-channel BGR (mmcv's
    ``color_type='color'``).
    """

    def __init__(self, max_pixels: int = 40_000_000, to_float32: bool = False,
                 color_type: str = 'color', imdecode_backend: str = 'cv2',
                 backend_args: dict = None):
        super().__init__(to_float32=to_float32, color_type=color_type,
                         imdecode_backend=imdecode_backend, backend_args=backend_args)
        self.max_pixels = max_pixels

    def transform(self, results: dict) -> dict:
        path = results['img_path']
        if not osp.isfile(path):
            raise DataError(f'{path}: image file not found')
        size = header_size(path)
        if size is None:
            raise DataError(f'{path}: cannot decode image (corrupt or not an image)')
        if size[0] * size[1] > self.max_pixels:
            raise DataError(f'{path}: image is {size[0]}x{size[1]} ({size[0] * size[1] / 1e6:.0f} '
                            f'Mpx), more than max_pixels={self.max_pixels / 1e6:.0f} Mpx; predict '
                            'it in windows (tools/infer.py / tools/test.py --slice SIZE), tile '
                            'it for training, or raise LoadImage max_pixels')
        try:
            results = super().transform(results)
        except Exception:  # mmcv raises AssertionError or cv2 errors on bad bytes
            raise DataError(f'{path}: cannot decode image (corrupt or not an image)') from None
        h, w = results['img'].shape[:2]
        expected = (results.get('height', h), results.get('width', w))
        if (h, w) != expected:
            raise DataError(f'{path}: image is {h}x{w} but the annotation says '
                            f'{expected[0]}x{expected[1]}')
        return results
