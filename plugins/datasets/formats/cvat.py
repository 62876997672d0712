"""CVAT for images 1.1 XML (one file: ``<image name width height>`` elements holding
``<box label xtl ytl xbr ybr>`` and ``<polygon label points="x,y;x,y;...">``) to COCO.
Polygons become a box and a segmentation polygon. Read with ElementTree; errors name
the file and the image.
"""
import xml.etree.ElementTree as ET
from typing import Optional, Sequence

from plugins.datasets.formats.coco_builder import CocoBuilder
from plugins.errors import DataError


def read_cvat(xml_path: str, classes: Optional[Sequence[str]] = None) -> CocoBuilder:
    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as e:
        raise DataError(f'{xml_path}: not valid XML ({e})') from None
    builder = CocoBuilder(classes)
    images = root.findall('image')
    if not images:
        raise DataError(f'{xml_path}: no <image> elements (a CVAT for images 1.1 export?)')
    for image in images:
        name = image.get('name')
        where = f'{xml_path}: image {name!r}'
        try:
            image_id = builder.add_image(name, int(image.get('width')), int(image.get('height')))
            for box in image.findall('box'):
                builder.add_box(image_id, box.get('label'),
                                [float(box.get(k)) for k in ('xtl', 'ytl', 'xbr', 'ybr')], where)
            for polygon in image.findall('polygon'):
                points = [[float(v) for v in p.split(',')]
                          for p in polygon.get('points').split(';')]
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                builder.add_box(image_id, polygon.get('label'), (min(xs), min(ys), max(xs),
                                                                 max(ys)), where,
                                [[v for p in points for v in p]])
        except (TypeError, ValueError, AttributeError, IndexError):
            raise DataError(f'{where}: needs name, width, height, and numeric box corners / '
                            'polygon points "x,y;x,y;..."') from None
    return builder
