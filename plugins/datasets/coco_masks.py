"""The one rule for a COCO ``segmentation`` value, checked in Python before any of it
reaches pycocotools' C code. Unchecked, that code segfaults on polygon coordinates near
1e12, hangs on NaN, grows one process to tens of GB on infinity, and loops for ever in
``rleIou`` on RLE counts that run past the image; short counts or a garbage string are
decoded into a wrong mask without a word.

- Polygons: a list of lists of finite numbers, an even count each. A polygon of fewer than
  3 points is dropped (logged; with none left the annotation has no mask). Every vertex
  lies within the image grown by ``MARGIN`` of its width / height on each side (else the
  polygon was drawn for another image size: an error naming the vertex), and an
  annotation has at most ``MAX_VERTICES`` vertices in all.
- RLE: ``size`` is the image's [height, width]; ``counts`` a list of non-negative integers,
  or COCO's compressed string (decoded here, ``rle_counts``), summing to exactly
  height x width.
Anything else is a ``DataError`` naming the annotation and the field.
"""
import json
import math
from typing import List

from mmengine.logging import print_log

from plugins.errors import DataError

MARGIN = 0.1  # how far (a fraction of the image's side) a vertex may lie outside the image
MAX_VERTICES = 100_000  # per annotation; a COCO polygon has tens to hundreds


def rle_counts(text: str) -> List[int]:
    """The run lengths of COCO's compressed RLE string (pycocotools' ``rleFrString``
    format: each count in 5-bit groups, one character (48 + group) each, 0x20 = more
    groups follow, 0x10 in the last group = negative; from the third count on, each is
    stored as its difference to the count two before). ``ValueError`` on a character
    outside the format or a string that ends inside a count."""
    counts, value, shift = [], 0, 0
    for ch in text:
        group = ord(ch) - 48
        if not 0 <= group < 64:
            raise ValueError(f'character {ch!r} is not part of the format')
        value |= (group & 0x1F) << shift
        shift += 5
        if group & 0x20:
            continue
        if group & 0x10:
            value -= 1 << shift  # sign-extend the last group
        if len(counts) > 2:
            value += counts[-2]
        counts.append(value)
        value, shift = 0, 0
    if shift:
        raise ValueError('the string ends inside a count')
    return counts


def _checked_rle(seg: dict, img: dict, where: str) -> dict:
    if 'counts' not in seg or 'size' not in seg:
        raise DataError(f'{where}: an RLE segmentation needs "size" and "counts", got keys '
                        f'{sorted(seg)}')
    height, width = img['height'], img['width']
    if list(seg['size']) != [height, width]:
        raise DataError(f'{where}: RLE size {list(seg["size"])} does not match the image\'s '
                        f'[height, width] [{height}, {width}]')
    counts = seg['counts']
    if isinstance(counts, (str, bytes)):
        try:
            counts = rle_counts(counts.decode('ascii') if isinstance(counts, bytes) else counts)
        except (ValueError, UnicodeDecodeError) as e:
            raise DataError(f'{where}: RLE "counts" is not a COCO compressed string: {e}') \
                from None
    elif not isinstance(counts, list) or not all(
            isinstance(c, int) and not isinstance(c, bool) for c in counts):
        raise DataError(f'{where}: RLE "counts" must be a list of integers or a compressed '
                        f'string, got {json.dumps(counts)[:60]}')
    if any(c < 0 for c in counts):
        raise DataError(f'{where}: RLE "counts" holds a negative run '
                        f'({next(c for c in counts if c < 0)})')
    if sum(counts) != height * width:
        raise DataError(f'{where}: RLE "counts" cover {sum(counts)} pixels, the image has '
                        f'{height} x {width} = {height * width}')
    return seg


def _check_polygon(poly: list, img: dict, where: str) -> None:
    width, height = img['width'], img['height']
    for i, v in enumerate(poly):
        side = width if i % 2 == 0 else height
        if not math.isfinite(v) or not -MARGIN * side <= v <= (1 + MARGIN) * side:
            x, y = poly[i - i % 2:i - i % 2 + 2]  # polygons reaching here have even length
            what = (f'lies outside the {width} x {height} image (drawn for another image size?)'
                    if math.isfinite(v) else 'is not finite')
            raise DataError(f'{where}: "segmentation" vertex {i // 2} ({x}, {y}) {what}')


def checked_segmentation(seg, img: dict, where: str, log: bool = True):
    """``ann['segmentation']`` as polygons (those of 3 or more points) or RLE, or None
    when no polygon is left; ``where`` names the annotation in the messages."""
    if isinstance(seg, dict):
        return _checked_rle(seg, img, where)
    if not isinstance(seg, list) or not all(
            isinstance(p, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                        for v in p) for p in seg):
        raise DataError(f'{where}: "segmentation" must be polygons (lists of x, y numbers) or '
                        f'an RLE object, got {json.dumps(seg)[:60]}')
    if sum(len(p) for p in seg) > 2 * MAX_VERTICES:
        raise DataError(f'{where}: "segmentation" has {sum(len(p) for p in seg) // 2} vertices, '
                        f'more than {MAX_VERTICES}')
    kept = [p for p in seg if len(p) >= 6 and len(p) % 2 == 0]
    for poly in kept:
        _check_polygon(poly, img, where)
    if len(kept) < len(seg) and log:
        print_log(f'{where}: dropped {len(seg) - len(kept)} polygons of fewer than 3 points'
                  f'{"; no mask is left" if not kept else ""}', 'current', 30)
    return kept or None
