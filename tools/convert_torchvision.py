"""Convert a torchvision detection or segmentation state dict file to a detplug
checkpoint, by the rules of its builder (``--builder``; else the name the source
carries, ``torchvision://NAME`` or a file name starting with it; else read from the
keys): ``fasterrcnn_resnet50_fpn`` (and
``_v2``), ``maskrcnn_resnet50_fpn`` (and ``_v2``), ``keypointrcnn_resnet50_fpn``,
``retinanet_resnet50_fpn`` (and
``_v2``), ``fcos_resnet50_fpn``, ``fasterrcnn_mobilenet_v3_large_fpn`` (and
``_320_fpn``), ``ssd300_vgg16``, ``ssdlite320_mobilenet_v3_large``, ``fcn_resnet50`` /
``101``, ``deeplabv3_resnet50`` / ``101`` / ``_mobilenet_v3_large`` and
``lraspp_mobilenet_v3_large``.

    python tools/convert_torchvision.py fasterrcnn_resnet50_fpn_coco-258fb6c6.pth \
        work_dirs/tv_r50_fpn.pth [--coco80]

The output loads into the matching ``configs/_base_/models/`` file (the builder's name
in detplug's spelling: ``faster_rcnn_r50_fpn.py`` / ``_v2.py``, ``retinanet_r50_fpn.py``
/ ``_v2.py``, ``fcos_r50_fpn.py``, ``ssd300_vgg16.py``, ``fcn_r50_d8.py`` /
``fcn_r101_d8.py``, ``deeplabv3_r50_d8.py`` / ``_r101_d8.py`` /
``deeplabv3_mobilenet_v3_large.py``, ``lraspp_mobilenet_v3_large.py``,
``mask_rcnn_r50_fpn.py`` / ``_v2.py``, ``keypoint_rcnn_r50_fpn.py``; ``load_from`` or
``tools/test.py``) with
``torch.load(weights_only=True)``. torchvision's detectors have 91 class outputs
(per prior for SSD), background first, label i = COCO category id i; detplug's
have background last and no background regression, so the 90 foreground rows
move and label i-1 means category i. RetinaNet's and FCOS's sigmoid outputs have
no background: their output 0 (unused) is dropped. Segmentation classes are kept as they are
(21 Pascal VOC classes, background 0). ``--coco80`` keeps only
the 80 categories COCO annotates (ids 1-90 minus 10 unused ones), so the model
has ``num_classes=80`` and its labels follow a COCO dataset's sorted category ids.
"""
import argparse
import io
import os.path as osp
import sys

import torch

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from plugins.converters.torchvision import (BUILDERS, builder_named, convert,  # noqa: E402
                                            guess_builder, num_classes_of)
from plugins.engine.checkpoint_loading import CheckpointError, load_any  # noqa: E402
from plugins.utils.fileio import atomic_write  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='torchvision state dict: a .pth file, its https URL (read '
                        'through the torch hub cache) or torchvision://NAME')
    parser.add_argument('dst', help='detplug checkpoint to write')
    parser.add_argument('--builder', choices=list(BUILDERS), metavar='NAME',
                        help="torchvision's builder of these weights (default: from the name)")
    parser.add_argument('--coco80', action='store_true',
                        help='keep only the 80 annotated COCO categories (num_classes=80)')
    args = parser.parse_args()
    try:
        state = load_any(args.src)
    except (FileNotFoundError, CheckpointError) as e:
        sys.exit(f'error: {e}')
    state = state.get('state_dict', state.get('model', state))
    builder = args.builder or builder_named(args.src) or guess_builder(state)
    try:
        converted = convert(state, builder, args.coco80)
    except KeyError as e:
        sys.exit(f'error: {args.src}: {e.args[0]}')
    num_classes = num_classes_of(converted)
    buf = io.BytesIO()
    torch.save(dict(state_dict=converted,
                    meta=dict(source=osp.basename(args.src), builder=builder,
                              num_classes=num_classes)), buf)
    atomic_write(buf.getvalue(), args.dst)
    print(f'wrote {args.dst}: {builder}, {len(converted)} tensors, num_classes={num_classes}')


if __name__ == '__main__':
    main()
