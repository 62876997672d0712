"""Draw ground-truth and predicted boxes, or semantic label maps, on an image with
MMEngine's Visualizer."""
from typing import Optional, Sequence

import numpy as np
from mmengine.visualization import Visualizer

from plugins.registry import VISUALIZERS


@VISUALIZERS.register_module()
class DetLocalVisualizer(Visualizer):
    """Args:
        name: instance name (MMEngine visualizers are named singletons).
        classes: class names for labels; set from the dataset when None.
        gt_color, pred_color: box colours.
        vis_backends, save_dir: as in MMEngine's Visualizer.
    """

    def __init__(self, name: str = 'visualizer', classes: Optional[Sequence[str]] = None,
                 gt_color: str = 'lime', pred_color: str = 'red',
                 vis_backends: Optional[list] = None, save_dir: Optional[str] = None):
        super().__init__(name=name, vis_backends=vis_backends, save_dir=save_dir)
        self.classes, self.gt_color, self.pred_color = classes, gt_color, pred_color

    def _label(self, label: int) -> str:
        if self.classes is None and self.dataset_meta:
            self.classes = self.dataset_meta.get('classes')
        return self.classes[label] if self.classes else str(label)

    def draw_det(self, image: np.ndarray, data_sample, score_thr: float = 0.3,
                 draw_gt: bool = True) -> np.ndarray:
        """Return ``image`` (H, W, 3 RGB) with gt boxes (thin) and predictions (with scores)."""
        self.set_image(image)
        if draw_gt and 'gt_instances' in data_sample and len(data_sample.gt_instances):
            self.draw_bboxes(data_sample.gt_instances.bboxes, edge_colors=self.gt_color,
                             line_widths=1)
        if 'pred_instances' in data_sample:
            pred = data_sample.pred_instances
            pred = pred[pred.scores > score_thr]
            if len(pred):
                self.draw_bboxes(pred.bboxes, edge_colors=self.pred_color, line_widths=1.5)
                texts = [f'{self._label(int(lab))} {float(s):.2f}'
                         for lab, s in zip(pred.labels, pred.scores)]
                self.draw_texts(texts, pred.bboxes[:, :2], colors=self.pred_color, font_sizes=6)
        return self.get_image()

    def draw_sem_seg(self, image: np.ndarray, data_sample, alpha: float = 0.5,
                     draw_gt: bool = True) -> np.ndarray:
        """Return ``image`` (H, W, 3 RGB) with the predicted classes blended in, in the
        dataset's palette (RGB), class 0 left clear when it is called 'background';
        with ``draw_gt`` the ground truth is drawn the same way on the left."""
        palette = np.asarray(self.dataset_meta['palette'], np.float32)
        clear = 0 if self.dataset_meta.get('classes', ('',))[0] == 'background' else -1

        def blend(seg):
            seg = seg.squeeze(0).cpu().numpy()
            out = image.astype(np.float32)
            mask = (seg != clear) & (seg < len(palette))
            out[mask] = (1 - alpha) * out[mask] + alpha * palette[seg[mask]]
            return out.astype(np.uint8)

        panels = [blend(data_sample.pred_sem_seg.data)]
        if draw_gt and 'gt_sem_seg' in data_sample:
            gt = data_sample.gt_sem_seg.data
            if tuple(gt.shape[-2:]) == image.shape[:2]:
                panels.insert(0, blend(gt))
        return np.concatenate(panels, axis=1)
