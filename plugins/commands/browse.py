"""Write a dataset's images as the model sees them: through the config's pipeline
(augmentations included), with the ground truth drawn.

    detplug browse CONFIG --out-dir DIR [--split train] [--num 20]

Boxes for detection datasets, colour-blended label maps for segmentation ones.
"""
import argparse
import os.path as osp

from mmengine.config import DictAction
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmengine.utils import ProgressBar

from plugins.config import load_config
from plugins.registry import DATASETS
from plugins.visualization import DetLocalVisualizer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('config')
    parser.add_argument('--out-dir', required=True)
    parser.add_argument('--split', choices=('train', 'val', 'test'), default='train')
    parser.add_argument('--num', type=int, default=20, help='how many images')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})


def main(args) -> None:
    cfg = load_config(args.config, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'plugins'))
    dataset = DATASETS.build(cfg[f'{args.split}_dataloader'].dataset)
    visualizer = DetLocalVisualizer(name='browse')
    visualizer.dataset_meta = dataset.metainfo
    count = min(args.num, len(dataset))
    bar = ProgressBar(count)
    for index in range(count):
        item = dataset[index]
        sample = item['data_samples']
        image = item['inputs'].permute(1, 2, 0).numpy()[..., ::-1].copy()  # BGR -> RGB
        if 'gt_sem_seg' in sample:  # drawn as if predicted, so only one panel
            sample.pred_sem_seg = PixelData(data=sample.gt_sem_seg.data)
            drawn = visualizer.draw_sem_seg(image, sample, draw_gt=False)
        else:
            drawn = visualizer.draw_det(image, sample)
        name = f'{index:04d}_{osp.basename(sample.img_path)}'
        visualizer.add_datasample(name, drawn, out_file=osp.join(args.out_dir, name))
        bar.update()
    print(f'\n{count} images -> {args.out_dir}')

