"""Write test images with ground truth and predictions drawn (``tools/test.py --show-dir``):
boxes for detectors, colour-blended label maps for segmentors."""
import os
import os.path as osp
from typing import Optional

import mmcv
from mmengine.hooks import Hook

from plugins.registry import HOOKS


@HOOKS.register_module()
class DetVisualizationHook(Hook):
    """Args:
        out_dir: folder for the drawn images; nothing is drawn when None.
        score_thr: predictions below this score are not drawn.
        draw_gt: also draw the ground-truth boxes.
    """

    def __init__(self, out_dir: Optional[str] = None, score_thr: float = 0.3,
                 draw_gt: bool = True):
        self.out_dir, self.score_thr, self.draw_gt = out_dir, score_thr, draw_gt

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if self.out_dir is None:
            return
        os.makedirs(self.out_dir, exist_ok=True)
        visualizer = runner.visualizer
        visualizer.dataset_meta = runner.test_dataloader.dataset.metainfo
        for sample in outputs:
            image = mmcv.imread(sample.img_path, channel_order='rgb')
            if 'pred_sem_seg' in sample:
                drawn = visualizer.draw_sem_seg(image, sample, draw_gt=self.draw_gt)
            else:
                drawn = visualizer.draw_det(image, sample, self.score_thr, self.draw_gt)
            mmcv.imwrite(drawn[..., ::-1], osp.join(self.out_dir, osp.basename(sample.img_path)))
