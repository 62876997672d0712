"""FLOPs and parameter count of a config's model (MMEngine's analysis tools).

    python tools/analysis/get_flops.py CONFIG [--shape 400 400] [--table]

Detectors are measured along the whole test path (preprocessing, backbone, heads,
box decoding) on one image of the given size; operators MMEngine cannot count
(RoI pooling, NMS) are listed as skipped. Segmentors: backbone and decode head.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
import torch  # noqa: E402
from mmengine.analysis import get_model_complexity_info  # noqa: E402

from plugins.apis import init_model  # noqa: E402
from plugins.cli import run  # noqa: E402


class DetectorPredict(torch.nn.Module):
    """A detector as image (1, 3, H, W) BGR 0-255 -> its detections (the test path)."""

    def __init__(self, detector, size):
        super().__init__()
        self.detector, self.size = detector, tuple(size)

    def forward(self, image):
        from plugins.structures import DetDataSample
        sample = DetDataSample(metainfo=dict(img_shape=self.size, ori_shape=self.size,
                                             scale_factor=(1.0, 1.0)))
        data = self.detector.data_preprocessor(dict(inputs=[image[0]], data_samples=[sample]))
        pred = self.detector(data['inputs'], data['data_samples'], mode='predict')[0]
        return tuple(pred.pred_instances[k] for k in ('bboxes', 'scores', 'labels'))


class SegmentorLogits(torch.nn.Module):
    def __init__(self, segmentor):
        super().__init__()
        self.segmentor = segmentor

    def forward(self, image):
        return self.segmentor(image, mode='tensor')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--shape', type=int, nargs=2, default=(400, 400), metavar=('H', 'W'))
    parser.add_argument('--table', action='store_true', help='also print the per-module table')
    args = parser.parse_args()
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'{args.config}: config file not found')
    model = init_model(args.config)
    is_segmentor = model.cfg.model.type == 'EncoderDecoder'
    wrapped = SegmentorLogits(model) if is_segmentor else DetectorPredict(model, args.shape)
    image = torch.rand(1, 3, *args.shape) * 255
    if is_segmentor:
        image = (image - 128) / 64
    info = get_model_complexity_info(wrapped.eval(), inputs=(image,), show_table=args.table,
                                     show_arch=False)
    if args.table:
        print(info['out_table'])
    print(f'config: {args.config}\ninput: 1x3x{args.shape[0]}x{args.shape[1]}\n'
          f'flops: {info["flops_str"]} ({info["flops"] / 1e9:.3f} GFLOPs, multiply-adds)\n'
          f'params: {info["params_str"]} ({info["params"]:,})')


if __name__ == '__main__':
    run(main)
