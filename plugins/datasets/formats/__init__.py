"""Annotation files users have, to and from COCO json: one small reader (and writer)
per format, all building the same ``CocoBuilder`` (``coco_builder.py``)."""
from .coco_builder import CocoBuilder
from .csv_boxes import read_csv, write_csv
from .cvat import read_cvat
from .labelme import read_labelme
from .voc import read_voc, read_voc_folder, write_voc
from .yolo import read_class_list, read_yolo, write_yolo

__all__ = ['CocoBuilder', 'read_voc', 'read_voc_folder', 'write_voc', 'read_yolo',
           'write_yolo', 'read_class_list', 'read_csv', 'write_csv', 'read_labelme',
           'read_cvat']
