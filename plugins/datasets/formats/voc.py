"""Pascal VOC XML (one file per image: ``<size>``, ``<object>`` with ``<name>`` and
``<bndbox>`` xmin ymin xmax ymax in pixels) to COCO.

Read with the standard library's ElementTree: the format is a handful of tags, and a
dependency would not name the file and object at fault the way these errors do. The
image size comes from ``<size>``, or from the image file when the XML has none.
``clip``: boxes clipped to the image (VOC files from some tools run past the border).
"""
import glob
import os
import os.path as osp
import xml.etree.ElementTree as ET
from typing import List, Optional, Sequence, Tuple

from PIL import Image

from plugins.datasets.formats.coco_builder import CocoBuilder
from plugins.errors import DataError

KEYS = ('xmin', 'ymin', 'xmax', 'ymax')


def read_voc(xml_path: str) -> Tuple[str, Optional[Tuple[int, int]], List[Tuple[str, list]]]:
    """-> (file name, (width, height) or None, [(class name, [x1, y1, x2, y2])])."""
    try:
        root = ET.parse(xml_path).getroot()
    except ET.ParseError as e:
        raise DataError(f'{xml_path}: not valid XML ({e})') from None
    size = root.find('size')
    wh = None
    if size is not None and size.findtext('width') and size.findtext('height'):
        wh = (int(float(size.findtext('width'))), int(float(size.findtext('height'))))
    objects = []
    for i, obj in enumerate(root.iter('object')):
        box = obj.find('bndbox')
        values = [box.findtext(k) if box is not None else None for k in KEYS]
        if None in values or not obj.findtext('name'):
            raise DataError(f'{xml_path}: object {i} needs <name> and <bndbox> with '
                            f'{", ".join(KEYS)}')
        try:
            objects.append((obj.findtext('name').strip(), [float(v) for v in values]))
        except ValueError:
            raise DataError(f'{xml_path}: object {i}: bndbox values {values} are not '
                            'numbers') from None
    return (root.findtext('filename') or '').strip(), wh, objects


def read_voc_folder(xml_files: Sequence[str], image_root: str,
                    classes: Optional[Sequence[str]] = None, clip: bool = False,
                    builder: Optional[CocoBuilder] = None,
                    file_names: Optional[Sequence[str]] = None) -> CocoBuilder:
    """Every XML file (or every ``*.xml`` of a folder) into one ``CocoBuilder``.
    ``file_names``: the images' names to write (default: the XML's ``<filename>``, else
    the XML's stem + .png/.jpg found in ``image_root``)."""
    if isinstance(xml_files, str):
        xml_files = sorted(glob.glob(osp.join(xml_files, '*.xml')))
        if not xml_files:
            raise DataError(f'{xml_files}: no .xml files')
    builder = builder or CocoBuilder(classes)
    for i, path in enumerate(xml_files):
        name, wh, objects = read_voc(path)
        name = file_names[i] if file_names else _image_name(path, name, image_root)
        if wh is None or wh[0] <= 0 or wh[1] <= 0:
            with Image.open(osp.join(image_root, name)) as img:
                wh = img.size
        image_id = builder.add_image(name, *wh)
        for label, (x1, y1, x2, y2) in objects:
            if clip:
                x1, x2 = min(max(x1, 0), wh[0]), min(max(x2, 0), wh[0])
                y1, y2 = min(max(y1, 0), wh[1]), min(max(y2, 0), wh[1])
            builder.add_box(image_id, label, (x1, y1, x2, y2), path)
    return builder


def _image_name(xml_path: str, name: str, image_root: str) -> str:
    if name and osp.isfile(osp.join(image_root, name)):
        return name
    stem = osp.splitext(osp.basename(xml_path))[0]
    for ext in ('.png', '.jpg', '.jpeg', '.tif', '.tiff'):
        if osp.isfile(osp.join(image_root, stem + ext)):
            return stem + ext
    raise DataError(f'{xml_path}: its image ({name or stem + ".*"}) is not in {image_root}')


def write_voc(coco: dict, out_dir: str) -> None:
    """``<out_dir>/<stem>.xml`` per image; coordinates written as Python floats (exact)."""
    os.makedirs(out_dir, exist_ok=True)
    cats = {c['id']: c['name'] for c in coco['categories']}
    objects = {img['id']: [] for img in coco['images']}
    for ann in coco['annotations']:
        objects[ann['image_id']].append(ann)
    for img in coco['images']:
        root = ET.Element('annotation')
        ET.SubElement(root, 'filename').text = img['file_name']
        size = ET.SubElement(root, 'size')
        for key in ('width', 'height'):
            ET.SubElement(size, key).text = str(img[key])
        ET.SubElement(size, 'depth').text = '3'
        for ann in objects[img['id']]:
            obj = ET.SubElement(root, 'object')
            ET.SubElement(obj, 'name').text = cats[ann['category_id']]
            ET.SubElement(obj, 'difficult').text = '0'
            box = ET.SubElement(obj, 'bndbox')
            x, y, w, h = ann['bbox']
            for key, value in zip(KEYS, (x, y, x + w, y + h)):
                ET.SubElement(box, key).text = str(float(value))
        stem = osp.splitext(osp.basename(img['file_name']))[0]
        ET.ElementTree(root).write(osp.join(out_dir, stem + '.xml'), encoding='utf-8')
