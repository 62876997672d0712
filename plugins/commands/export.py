"""Export a detector's or segmentor's network to ONNX (any input size) and check the
ONNX Runtime or OpenVINO model against PyTorch at three sizes.

    detplug export CONFIG CHECKPOINT --image IMAGE --out DIR \
        [--backend onnxruntime|openvino] [--precision fp32|bf16|int8] \
        [--sizes 256x256 320x416 480x352]

Writes one ONNX file per network part (``network.onnx``: backbone, neck and first head;
``roi_head.bbox_head.onnx``, ...: plugins/deploy/parts.py), traced on IMAGE, every
size dynamic; detplug's pre- and post-processing runs around them
(``tools/test.py --backend``, ``plugins.deploy.set_backend``). Then prints, per size,
the agreement of the backend with PyTorch fp32 and each part's relative difference.
CHECKPOINT "none": random weights.
"""
import argparse
import copy
import os
import os.path as osp

import mmcv

from plugins.apis import inference, init_model
from plugins.deploy import BACKENDS, set_backend
from plugins.deploy.check import check_sizes
from plugins.engine.precision import calibration_inputs


def size(text: str):
    h, _, w = text.partition('x')
    if not (h.isdigit() and w.isdigit()):
        raise argparse.ArgumentTypeError(f'a size is HxW, e.g. 320x416, got {text!r}')
    return int(h), int(w)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='checkpoint file ("none": random weights)')
    parser.add_argument('--image', required=True, help='a real image to trace and check on')
    parser.add_argument('--out', required=True, help='folder for the ONNX files')
    parser.add_argument('--backend', choices=BACKENDS[1:], default='onnxruntime')
    parser.add_argument('--precision', default='fp32', help='fp32, bf16 (openvino), int8')
    parser.add_argument('--sizes', type=size, nargs='+',
                        default=[(256, 256), (320, 416), (480, 352)])


def main(args) -> None:
    if not osp.isfile(args.image):
        raise FileNotFoundError(f'{args.image}: file not found')
    checkpoint = None if args.checkpoint == 'none' else args.checkpoint
    reference = init_model(args.config, checkpoint)
    model = copy.deepcopy(reference)  # the same weights, also when random
    calibration = (calibration_inputs(model, model.cfg) if args.precision == 'int8' else None)
    os.makedirs(args.out, exist_ok=True)
    set_backend(model, args.backend, args.precision, calibration, export_dir=args.out)
    image = mmcv.imread(args.image)
    inference(model, [image])  # every part traced on the real image
    print(f'wrote {", ".join(sorted(f for f in os.listdir(args.out) if f.endswith(".onnx")))} '
          f'to {args.out}')
    for line in check_sizes(reference, model, image, args.sizes):
        print(f'{args.backend} {args.precision} {line}')

