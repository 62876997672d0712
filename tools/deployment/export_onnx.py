"""Export a detector to ONNX for a fixed input size and check it with onnxruntime.

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT --out model.onnx \
        [--shape 400 400] [--check-image IMAGE]

The graph takes image (1, 3, H, W) float32 BGR 0-255 and returns boxes (D, 4),
scores (D,), labels (D,) (see plugins/apis/export.py). With --check-image (resized
to H x W) it prints the PyTorch vs onnxruntime detection counts and max abs differences.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
import mmcv  # noqa: E402

from plugins.apis import init_model  # noqa: E402
from plugins.apis.export import compare_onnx, export_onnx  # noqa: E402
from plugins.cli import run  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='checkpoint file ("none": random weights)')
    parser.add_argument('--out', required=True, help='ONNX file to write')
    parser.add_argument('--shape', type=int, nargs=2, default=(400, 400), metavar=('H', 'W'))
    parser.add_argument('--check-image', help='compare PyTorch and onnxruntime on this image')
    args = parser.parse_args()
    for path in (args.config, args.check_image):  # the checkpoint: safe_load names it
        if path and not osp.isfile(path):
            raise FileNotFoundError(f'{path}: file not found')
    model = init_model(args.config, None if args.checkpoint == 'none' else args.checkpoint)
    export_onnx(model, args.shape, args.out)
    print(f'wrote {args.out} (input 1x3x{args.shape[0]}x{args.shape[1]})')
    if args.check_image:
        image = mmcv.imresize(mmcv.imread(args.check_image), tuple(args.shape[::-1]))
        print(' '.join(f'{k}={v:.3g}' if isinstance(v, float) else f'{k}={v}'
                       for k, v in compare_onnx(model, args.out, image).items()))


if __name__ == '__main__':
    run(main)
