"""Annotation formats to COCO: the Pascal VOC importer on real files (NEON's), its
one-line errors."""
import hashlib
import json
from pathlib import Path

import pytest

from plugins.datasets.formats import CocoBuilder, read_voc_folder
from plugins.errors import DataError

# prepare_neon.py's json files as its own VOC reader wrote them before the generic
# importer replaced it (2026-12-06): the importer must write the same bytes
BEFORE = dict(train='d69ed035588f2fd74d1eb78903575a4fd0c9f1ffa557916737148d5b97cf2423',
              train_whole='7392f8605c36dd0cbb4693582611ab1b5b1308c5a736561218ef7796a9b419f2',
              val='b810eb4c87b081cb5dbefee9da3e2c2a5839ba4384c7aa7c078786f2f6a2194b')


def test_prepare_neon_through_the_voc_importer_writes_the_same_json(neon_root):
    for name, digest in BEFORE.items():
        assert hashlib.sha256((Path(neon_root) / f'{name}.json').read_bytes()).hexdigest() == digest


def test_voc_boxes_and_sizes(neon_root):
    coco = json.loads((Path(neon_root) / 'val.json').read_text())
    assert len(coco['annotations']) == 61 and coco['categories'] == [dict(id=1, name='Tree')]
    assert coco['annotations'][0]['bbox'] == [203.0, 67.0, 24.0, 23.0]  # OSBS_029.xml's first


def _xml(path, body, size='<size><width>40</width><height>30</height></size>'):
    path.write_text(f'<annotation><filename>a.png</filename>{size}{body}</annotation>')
    return str(path)


@pytest.mark.parametrize('body,message', [
    ('<object><name>t</name><bndbox><xmin>1</xmin><ymin>2</ymin></bndbox></object>',
     r'a\.xml: object 0 needs <name> and <bndbox> with xmin, ymin, xmax, ymax'),
    ('<object><name>t</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>x</xmax><ymax>5</ymax>'
     '</bndbox></object>', r"a\.xml: object 0: bndbox values \['1', '2', 'x', '5'\] are not"),
    ('<object><name>t</name><bndbox><xmin>9</xmin><ymin>2</ymin><xmax>3</xmax><ymax>5</ymax>'
     '</bndbox></object>', r'a\.xml: box \[9\.0, 2\.0, 3\.0, 5\.0\] has no area'),
    ('<object><name>t', r'a\.xml: not valid XML'),
])
def test_bad_voc_files_are_one_line(tmp_path, body, message):
    (tmp_path / 'a.png').write_bytes(b'')
    with pytest.raises(DataError, match=message):
        read_voc_folder([_xml(tmp_path / 'a.xml', body)], str(tmp_path))


def test_a_class_outside_the_given_list_is_named(tmp_path):
    body = ('<object><name>car</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax>'
            '<ymax>5</ymax></bndbox></object>')
    (tmp_path / 'a.png').write_bytes(b'')
    with pytest.raises(DataError, match=r"a\.xml: class 'car' is not one of \['tree'\]"):
        read_voc_folder([_xml(tmp_path / 'a.xml', body)], str(tmp_path), classes=['tree'])
    assert CocoBuilder().to_dict()['categories'] == []


def _boxes(coco):
    names = {c['id']: c['name'] for c in coco['categories']}
    files = {i['id']: i['file_name'] for i in coco['images']}
    return sorted((files[a['image_id']].split('/')[-1], names[a['category_id']], *a['bbox'])
                  for a in coco['annotations'])


@pytest.fixture(scope='module')
def neon_val(neon_root):
    return json.loads((Path(neon_root) / 'val.json').read_text())


def test_coco_to_yolo_to_coco_keeps_every_box_to_half_a_pixel(neon_root, neon_val, tmp_path):
    from plugins.datasets.formats import read_class_list, read_yolo, write_yolo
    write_yolo(neon_val, str(tmp_path / 'labels'))
    back = read_yolo(str(tmp_path / 'labels'), str(Path(neon_root) / 'val'),
                     read_class_list(str(tmp_path / 'labels' / 'classes.txt'))).to_dict()
    before, after = _boxes(neon_val), _boxes(back)
    assert len(before) == len(after) == 61
    for a in before:  # each box has its twin within half a pixel, same image and class
        assert min(max(abs(x - y) for x, y in zip(a[2:], b[2:])) for b in after
                   if b[:2] == a[:2]) <= 0.5


def test_coco_to_voc_to_coco_keeps_every_box(neon_root, neon_val, tmp_path):
    from plugins.datasets.formats import write_voc
    write_voc(neon_val, str(tmp_path / 'xml'))
    back = read_voc_folder(str(tmp_path / 'xml'), str(Path(neon_root) / 'val')).to_dict()
    assert _boxes(back) == _boxes(neon_val) and back['images'][0]['width'] == 400


def test_coco_to_csv_to_coco_keeps_boxes_and_empty_images(neon_root, neon_val, tmp_path):
    from plugins.datasets.formats import read_csv, write_csv
    coco = dict(neon_val, images=neon_val['images'] + [dict(neon_val['images'][0], id=2)])
    coco['images'][1]['file_name'] = 'val/copy.png'
    (tmp_path / 'val').mkdir()
    for name in ('OSBS_029.png', 'copy.png'):  # the images, next to the csv
        (tmp_path / 'val' / name).write_bytes((Path(neon_root) / 'val/OSBS_029.png').read_bytes())
    write_csv(coco, str(tmp_path / 'boxes.csv'))
    rows = (tmp_path / 'boxes.csv').read_text().splitlines()
    assert rows[0] == 'image_path,xmin,ymin,xmax,ymax,label'
    assert rows[-1] == 'val/copy.png,0,0,0,0,Tree'
    back = read_csv(str(tmp_path / 'boxes.csv'), str(tmp_path)).to_dict()
    assert _boxes(back) == _boxes(neon_val) and len(back['images']) == 2  # the empty one kept


@pytest.mark.parametrize('line,message', [
    ('0 0.5 0.5 0.2', r'a\.txt:2: expected "class cx cy w h" \(5 numbers\)'),
    ('3 0.5 0.5 0.2 0.2', r'a\.txt:2: class 3 outside 0 \.\. 0 \(the class list has 1\)'),
    ('0 200 150 40 30', r'a\.txt:2: 200\.0 150\.0 40\.0 30\.0 are not normalised to 0 \.\. 1'),
])
def test_bad_yolo_lines_name_file_and_line(tmp_path, line, message):
    import cv2
    import numpy as np
    from plugins.datasets.formats import read_yolo
    cv2.imwrite(str(tmp_path / 'a.png'), np.zeros((30, 40, 3), np.uint8))
    (tmp_path / 'a.txt').write_text('0 0.5 0.5 0.2 0.2\n' + line + '\n')
    with pytest.raises(DataError, match=message):
        read_yolo(str(tmp_path), str(tmp_path), ['tree'])


@pytest.mark.parametrize('content,message', [
    ('image_path,xmin,ymin,xmax,label\n', r"b\.csv: missing columns \['ymax'\]"),
    ('image_path,xmin,ymin,xmax,ymax,label\na.png,1,2,x,4,Tree\n',
     r"b\.csv:2: box \['1', '2', 'x', '4'\] is not four numbers"),
    ('image_path,xmin,ymin,xmax,ymax,label\nz.png,1,2,3,4,Tree\n',
     r"b\.csv:2: image 'z\.png' not found"),
])
def test_bad_csv_rows_name_file_and_line(tmp_path, content, message):
    import cv2
    import numpy as np
    from plugins.datasets.formats import read_csv
    cv2.imwrite(str(tmp_path / 'a.png'), np.zeros((30, 40, 3), np.uint8))
    (tmp_path / 'b.csv').write_text(content)
    with pytest.raises(DataError, match=message):
        read_csv(str(tmp_path / 'b.csv'), str(tmp_path))


LABELME = {  # as LabelMe 5 saves a file
    'version': '5.4.1', 'flags': {}, 'imagePath': 'a.jpg', 'imageData': None,
    'imageHeight': 30, 'imageWidth': 40,
    'shapes': [
        {'label': 'tree', 'points': [[30.0, 20.0], [10.0, 5.0]], 'group_id': None,
         'description': '', 'shape_type': 'rectangle', 'flags': {}, 'mask': None},
        {'label': 'roof', 'points': [[1, 1], [9, 1], [9, 6], [1, 6]], 'group_id': None,
         'description': '', 'shape_type': 'polygon', 'flags': {}, 'mask': None}]}

CVAT = """<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><task><name>trees</name><size>2</size></task></meta>
  <image id="0" name="a.jpg" width="40" height="30">
    <box label="tree" source="manual" occluded="0" xtl="10.00" ytl="5.00" xbr="30.00"
         ybr="20.00" z_order="0"></box>
    <polygon label="roof" source="manual" occluded="0"
             points="1.00,1.00;9.00,1.00;9.00,6.00;1.00,6.00" z_order="0"></polygon>
  </image>
  <image id="1" name="b.jpg" width="40" height="30"></image>
</annotations>
"""


def test_labelme_rectangles_and_polygons(tmp_path):
    from plugins.datasets.formats import read_labelme
    (tmp_path / 'a.json').write_text(json.dumps(LABELME))
    coco = read_labelme(str(tmp_path)).to_dict()
    assert _boxes(coco) == [('a.jpg', 'roof', 1.0, 1.0, 8.0, 5.0),
                            ('a.jpg', 'tree', 10.0, 5.0, 20.0, 15.0)]
    assert coco['annotations'][1]['segmentation'] == [[1, 1, 9, 1, 9, 6, 1, 6]]
    bad = dict(LABELME, shapes=[dict(LABELME['shapes'][0], shape_type='circle')])
    (tmp_path / 'a.json').write_text(json.dumps(bad))
    with pytest.raises(DataError, match=r'a\.json: shape 0: a circle of 2 points'):
        read_labelme(str(tmp_path))


def test_cvat_boxes_polygons_and_an_empty_image(tmp_path):
    from plugins.datasets.formats import read_cvat
    (tmp_path / 'annotations.xml').write_text(CVAT)
    coco = read_cvat(str(tmp_path / 'annotations.xml')).to_dict()
    assert _boxes(coco) == [('a.jpg', 'roof', 1.0, 1.0, 8.0, 5.0),
                            ('a.jpg', 'tree', 10.0, 5.0, 20.0, 15.0)]
    assert [i['file_name'] for i in coco['images']] == ['a.jpg', 'b.jpg']  # b: no objects
    (tmp_path / 'annotations.xml').write_text(CVAT.replace('xbr="30.00"', 'xbr="thirty"'))
    with pytest.raises(DataError, match=r"annotations\.xml: image 'a\.jpg': needs name"):
        read_cvat(str(tmp_path / 'annotations.xml'))
