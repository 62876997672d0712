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


def test_instance_masks_are_blended_and_add_datasample_writes_the_file(tmp_path):
    import mmcv
    vis = DetLocalVisualizer(name='test_mask_vis', classes=('Tree',))
    sample = DetDataSample()
    masks = torch.zeros(1, 32, 32, dtype=torch.bool)
    masks[0, 8:16, 8:16] = True
    sample.pred_instances = InstanceData(bboxes=torch.tensor([[8., 8, 16, 16]]),
                                         scores=torch.tensor([0.9]), labels=torch.tensor([0]),
                                         masks=masks)
    image = np.full((32, 32, 3), 100, np.uint8)
    drawn = vis.add_datasample('x', image, sample, out_file=str(tmp_path / 'x.png'))
    assert drawn[12, 12, 0] > 100 and drawn[12, 12, 1] < 100  # red blended inside the mask
    assert (drawn[24:, 24:] == 100).all()  # outside mask and box: untouched
    assert (mmcv.imread(str(tmp_path / 'x.png'), channel_order='rgb') == drawn).all()


def test_add_datasample_goes_to_the_vis_backends(tmp_path):
    vis = DetLocalVisualizer(name='test_backend_vis', save_dir=str(tmp_path),
                             vis_backends=[dict(type='LocalVisBackend')])
    sample = DetDataSample()
    sample.pred_instances = InstanceData(bboxes=torch.tensor([[2., 2, 10, 10]]),
                                         scores=torch.tensor([0.9]), labels=torch.tensor([0]))
    vis.add_datasample('val_img', np.zeros((16, 16, 3), np.uint8), sample, step=7)
    assert (tmp_path / 'vis_data' / 'vis_image' / 'val_img_7.png').exists()


def test_boxes_touching_the_image_edge_give_no_out_of_bounds_warning():
    import warnings
    vis = DetLocalVisualizer(name='test_edge_vis', classes=('Tree',))
    sample = DetDataSample()
    sample.pred_instances = InstanceData(bboxes=torch.tensor([[30., 40, 64, 64]]),
                                         scores=torch.tensor([0.9]), labels=torch.tensor([0]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        vis.draw_det(np.zeros((64, 64, 3), np.uint8), sample)
    assert not [w for w in caught if 'out of bounds' in str(w.message)]
    sample.pred_instances.bboxes[0, 2] = 80  # really outside: still warned
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        vis.draw_det(np.zeros((64, 64, 3), np.uint8), sample)
    assert [w for w in caught if 'out of bounds' in str(w.message)]
