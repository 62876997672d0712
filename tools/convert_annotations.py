"""Convert annotation files to and from COCO json (plugins/datasets/formats/).

``detplug convert``, run from a clone: the code and the arguments are in
plugins/commands/convert.py (``tools/convert_annotations.py -h``).

    python tools/convert_annotations.py voc XML_DIR --images DIR --out train.json
    python tools/convert_annotations.py yolo LABELS --images DIR --classes classes.txt --out a.json
    python tools/convert_annotations.py csv boxes.csv --images DIR --out a.json   # DeepForest CSV
    python tools/convert_annotations.py labelme JSON_DIR --out a.json
    python tools/convert_annotations.py cvat annotations.xml --out a.json   # CVAT for images 1.1
    python tools/convert_annotations.py coco a.json --to yolo|voc|csv --out OUT
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.commands import run_tool  # noqa: E402

if __name__ == '__main__':
    run_tool('convert', 'tools/convert_annotations.py')
