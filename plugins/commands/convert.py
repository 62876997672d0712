"""Convert annotation files to and from COCO json (plugins/datasets/formats/).

    detplug convert voc XML_DIR --images DIR --out train.json
    detplug convert yolo LABELS --images DIR --classes classes.txt --out a.json
    detplug convert csv boxes.csv --images DIR --out a.json   # DeepForest CSV
    detplug convert labelme JSON_DIR --out a.json
    detplug convert cvat annotations.xml --out a.json   # CVAT for images 1.1
    detplug convert coco a.json --to yolo|voc|csv --out OUT

An image without objects stays in the json (a DeepForest row of four zeros, an image
without a YOLO txt or a VOC file without objects). ``--classes``: a class list (a file,
one name per line, or names) fixing the label order; otherwise classes are numbered
as they first appear. Prints the counts; a bad file is one line naming file and line.
"""
import argparse
import json
import os.path as osp

from plugins.datasets import formats

WRITERS = dict(yolo=formats.write_yolo, voc=formats.write_voc, csv=formats.write_csv)


def classes_from(values):
    if not values:
        return None
    if len(values) == 1 and osp.isfile(values[0]):
        return formats.read_class_list(values[0])
    return list(values)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('format', choices=['voc', 'yolo', 'csv', 'labelme', 'cvat', 'coco'])
    parser.add_argument('input', help='a folder (voc, yolo, labelme) or a file (csv, cvat, coco)')
    parser.add_argument('--images', help='the images (voc, yolo, csv: sizes are read from them)')
    parser.add_argument('--classes', nargs='+', help='class list file, or the names')
    parser.add_argument('--to', choices=sorted(WRITERS), help='from coco: the format to write')
    parser.add_argument('--out', required=True)


def main(args) -> None:
    if not osp.exists(args.input):
        raise FileNotFoundError(f'{args.input}: not found')
    if args.format == 'coco':
        if not args.to:
            raise ValueError('from coco, name the format to write with --to')
        with open(args.input) as f:
            WRITERS[args.to](json.load(f), args.out)
        print(f'{args.input} -> {args.out} ({args.to})')
        return
    classes = classes_from(args.classes)
    if args.format in ('labelme', 'cvat'):  # the sizes are in the files
        read = formats.read_labelme if args.format == 'labelme' else formats.read_cvat
        builder = read(args.input, classes)
    elif not args.images:
        raise ValueError(f'{args.format}: --images is needed (the image sizes)')
    elif args.format == 'voc':
        builder = formats.read_voc_folder(args.input, args.images, classes)
    elif args.format == 'yolo':
        if not classes:
            raise ValueError('yolo: --classes is needed (class index -> name)')
        builder = formats.read_yolo(args.input, args.images, classes)
    else:
        builder = formats.read_csv(args.input, args.images, classes)
    builder.dump(args.out)
    coco = builder.to_dict()
    empty = len({i['id'] for i in coco['images']} - {a['image_id'] for a in coco['annotations']})
    print(f'{args.input} -> {args.out}: {len(coco["images"])} images ({empty} without objects), '
          f'{len(coco["annotations"])} boxes, classes {builder.classes}')

