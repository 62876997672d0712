"""An image file's size from its header, before anything decodes it: every path that
decodes a whole image checks this against its pixel limit first, since OpenCV decodes
any size it is given (a 7000 x 7000 Radiance file renamed ``.png`` is 49 Mpx).

Pillow reads the header of every format OpenCV's wheels decode but Radiance HDR, which
is read here. None means no reader knows the file: do not decode it.
"""
from typing import Optional, Tuple

from PIL import Image


def _hdr_size(path: str) -> Optional[Tuple[int, int]]:
    """A Radiance header: ``#?`` text lines up to a blank line, then e.g. ``-Y 7000 +X 7000``."""
    with open(path, 'rb') as f:
        if f.read(2) != b'#?':
            return None
        for _ in range(256):  # header lines; a real one has a handful
            if not f.readline(4096).strip():
                break
        axes = f.readline(256).split()
    try:
        sizes = dict(zip((a[-1:] for a in axes[::2]), map(int, axes[1::2])))
        return sizes[b'X'], sizes[b'Y']
    except (KeyError, ValueError):
        return None


def header_size(path: str) -> Optional[Tuple[int, int]]:
    """(width, height) of the image file ``path`` without decoding it (Pillow's own bomb
    check off: the caller's limit applies), or None."""
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(path) as img:
            return img.size
    except Exception:  # not a format Pillow reads, or a header it chokes on
        return _hdr_size(path)
    finally:
        Image.MAX_IMAGE_PIXELS = limit
