"""Draw ground truth and predictions with MMEngine's Visualizer: boxes with class
and score, instance masks, or semantic label maps blended in the dataset's palette.

``draw_det`` / ``draw_sem_seg`` return the drawn image; ``add_datasample`` (what
MMEngine's hooks call) draws the right one and hands it to every vis backend
(local files, TensorBoard) and, with ``out_file``, writes it.
"""
from typing import Optional, Sequence

import mmcv
import numpy as np
from mmengine.visualization import Visualizer

from plugins.registry import VISUALIZERS


@VISUALIZERS.register_module()
class DetLocalVisualizer(Visualizer):
    """Args:
        name: instance name (MMEngine visualizers are named singletons).
        classes: class names for labels; set from the dataset when None.
        gt_color, pred_color: box and mask colours.
        mask_alpha: opacity of drawn instance masks.
        vis_backends, save_dir: as in MMEngine's Visualizer.
    """

    def __init__(self, name: str = 'visualizer', classes: Optional[Sequence[str]] = None,
                 gt_color: str = 'lime', pred_color: str = 'red', mask_alpha: float = 0.4,
                 vis_backends: Optional[list] = None, save_dir: Optional[str] = None):
        super().__init__(name=name, vis_backends=vis_backends, save_dir=save_dir)
        self.classes, self.gt_color, self.pred_color = classes, gt_color, pred_color
        self.mask_alpha = mask_alpha

    def _label(self, label: int) -> str:
        if self.classes is None and self.dataset_meta:
            self.classes = self.dataset_meta.get('classes')
        return self.classes[label] if self.classes else str(label)

    def _draw_instances(self, instances, color: str, with_scores: bool) -> None:
        if 'masks' in instances:
            masks = np.asarray(instances.masks.cpu() if hasattr(instances.masks, 'cpu')
                               else instances.masks, dtype=bool)
            self.draw_binary_masks(masks, colors=color, alphas=self.mask_alpha)
        self.draw_bboxes(instances.bboxes, edge_colors=color,
                         line_widths=1.5 if with_scores else 1)
        if with_scores:
            texts = [f'{self._label(int(lab))} {float(s):.2f}'
                     for lab, s in zip(instances.labels, instances.scores)]
            self.draw_texts(texts, instances.bboxes[:, :2], colors=color,
                            font_sizes=self.font_size)

    def _is_posion_valid(self, position: np.ndarray) -> bool:
        """MMEngine's check wants x < width, but a box that covers the last pixel column
        ends at x = width: such boxes are inside the image, so warn only beyond it."""
        return bool((position[..., 0] <= self.width).all() and (position[..., 0] >= 0).all()
                    and (position[..., 1] <= self.height).all() and (position[..., 1] >= 0).all())

    def draw_det(self, image: np.ndarray, data_sample, score_thr: float = 0.3,
                 draw_gt: bool = True) -> np.ndarray:
        """Return ``image`` (H, W, 3 RGB) with gt (thin) and predictions above ``score_thr``
        (with class and score), each with its masks when the instances have ``masks``."""
        self.set_image(image)  # (a no-op on ranks other than 0)
        self.font_size = max(6, round(0.015 * min(image.shape[:2])))  # readable at any size
        if draw_gt and 'gt_instances' in data_sample and len(data_sample.gt_instances):
            self._draw_instances(data_sample.gt_instances, self.gt_color, with_scores=False)
        if 'pred_instances' in data_sample:
            pred = data_sample.pred_instances
            pred = pred[pred.scores > score_thr]
            if len(pred):
                self._draw_instances(pred, self.pred_color, with_scores=True)
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

    def draw(self, image: np.ndarray, data_sample, draw_gt: bool = True,
             score_thr: float = 0.3) -> np.ndarray:
        """Detections or label map, whichever the data sample holds."""
        if 'pred_sem_seg' in data_sample:
            return self.draw_sem_seg(image, data_sample, draw_gt=draw_gt)
        return self.draw_det(image, data_sample, score_thr, draw_gt)

    def add_datasample(self, name: str, image: np.ndarray, data_sample=None,
                       draw_gt: bool = True, draw_pred: bool = True, show: bool = False,
                       wait_time: float = 0, out_file: Optional[str] = None,
                       score_thr: float = 0.3, step: int = 0) -> np.ndarray:
        """Draw ``data_sample`` on ``image`` (RGB), send it to the vis backends as
        ``name`` at ``step``, and write it to ``out_file`` (if given)."""
        drawn = image if data_sample is None else self.draw(image, data_sample, draw_gt,
                                                            score_thr if draw_pred else 2.0)
        if show:
            self.show(drawn, win_name=name, wait_time=wait_time)
        if out_file is not None:
            mmcv.imwrite(drawn[..., ::-1], out_file)
        else:
            self.add_image(name, drawn, step)
        return drawn
