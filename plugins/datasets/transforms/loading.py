"""Image loading that names the file when it cannot be read."""
import cv2.utils.logging
from mmcv.transforms import LoadImageFromFile

from plugins.datasets.coco import DataError
from plugins.registry import TRANSFORMS

cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)  # the DataError below says it


@TRANSFORMS.register_module()
class LoadImage(LoadImageFromFile):
    """mmcv's ``LoadImageFromFile`` with one-line errors for missing or corrupt files.

    Also rejects images whose size disagrees with the annotation's
    ``height``/``width`` (boxes would not fit the pixels).
    """

    def transform(self, results: dict) -> dict:
        path = results['img_path']
        try:
            results = super().transform(results)
        except FileNotFoundError:
            raise DataError(f'{path}: image file not found') from None
        except Exception:  # mmcv raises AssertionError or cv2 errors on bad bytes
            raise DataError(f'{path}: cannot decode image (corrupt or not an image)') from None
        h, w = results['img'].shape[:2]
        expected = (results.get('height', h), results.get('width', w))
        if (h, w) != expected:
            raise DataError(f'{path}: image is {h}x{w} but the annotation says '
                            f'{expected[0]}x{expected[1]}')
        return results
