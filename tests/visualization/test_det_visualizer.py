import numpy as np
import torch
from mmengine.structures import InstanceData

from plugins.structures import DetDataSample
from plugins.visualization import DetLocalVisualizer


def test_draws_gt_and_only_confident_predictions():
    vis = DetLocalVisualizer(name='test_vis', classes=('Tree',))
    sample = DetDataSample()
    sample.gt_instances = InstanceData(bboxes=torch.tensor([[10., 10, 30, 30]]),
                                       labels=torch.tensor([0]))
    sample.pred_instances = InstanceData(bboxes=torch.tensor([[40., 40, 60, 60], [5, 45, 25, 60]]),
                                         scores=torch.tensor([0.9, 0.1]),
                                         labels=torch.tensor([0, 0]))
    image = np.zeros((64, 64, 3), np.uint8)
    drawn = vis.draw_det(image, sample, score_thr=0.3)
    assert drawn.shape == image.shape
    assert drawn[10, 20].any() and drawn[40, 50].any()  # gt edge and confident prediction edge
    assert not drawn[45, 15].any() and not drawn[55, 5].any()  # the 0.1 box is not drawn
    assert not drawn[20, 20].any()  # box interiors stay untouched


def test_sem_seg_blends_palette_colours_beside_the_ground_truth():
    from mmengine.structures import PixelData

    from plugins.structures import SegDataSample
    vis = DetLocalVisualizer(name='test_seg_vis')
    vis.dataset_meta = dict(classes=('background', 'a'), palette=[(0, 0, 0), (200, 0, 0)])
    sample = SegDataSample()
    pred = torch.zeros(1, 4, 4, dtype=torch.long)
    pred[0, 0, 0] = 1
    sample.pred_sem_seg = PixelData(data=pred)
    sample.gt_sem_seg = PixelData(data=torch.ones(1, 4, 4, dtype=torch.long))
    image = np.full((4, 4, 3), 100, np.uint8)
    drawn = vis.draw_sem_seg(image, sample, alpha=0.5)
    assert drawn.shape == (4, 8, 3)  # ground truth | prediction
    assert drawn[0, 4].tolist() == [150, 50, 50] and drawn[1, 5].tolist() == [100, 100, 100]
    assert (drawn[:, :4] == [150, 50, 50]).all()
