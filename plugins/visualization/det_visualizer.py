"""Draw ground-truth and predicted boxes on an image with MMEngine's Visualizer."""
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
