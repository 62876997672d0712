"""Draw ground truth and predictions during validation and testing: boxes (and
masks) for detectors, colour-blended label maps for segmentors.

Validation: every ``interval``-th image goes to the visualizer's backends
(``vis_data/vis_image/`` locally, the Images tab of TensorBoard), tagged with the
training iteration. Testing: with ``out_dir`` (``tools/test.py --show-dir``)
every test image is written there.
"""
import os.path as osp
from typing import Optional

import mmcv
from mmengine.hooks import Hook

from plugins.registry import HOOKS


@HOOKS.register_module()
class DetVisualizationHook(Hook):
    """Args:
        out_dir: folder for drawn test images; nothing is drawn at test time when None.
        interval: during validation, draw every ``interval``-th image (0: none).
        score_thr: predictions below this score are not drawn.
        draw_gt: also draw the ground truth.
    """

    def __init__(self, out_dir: Optional[str] = None, interval: int = 0,
                 score_thr: float = 0.3, draw_gt: bool = True):
        self.out_dir, self.interval = out_dir, interval
        self.score_thr, self.draw_gt = score_thr, draw_gt

    def _draw(self, runner, loader, outputs, out_dir=None) -> None:
        visualizer = runner.visualizer
        visualizer.dataset_meta = loader.dataset.metainfo
        for sample in outputs:
            image = mmcv.imread(sample.img_path, channel_order='rgb')
            name = osp.basename(sample.img_path)
            visualizer.add_datasample(
                f'val_{osp.splitext(name)[0]}', image, sample, self.draw_gt,
                out_file=osp.join(out_dir, name) if out_dir else None,
                score_thr=self.score_thr, step=runner.iter)

    def after_val_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if self.interval and batch_idx % self.interval == 0:
            self._draw(runner, runner.val_dataloader, outputs)

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if self.out_dir is not None:
            self._draw(runner, runner.test_dataloader, outputs, self.out_dir)
