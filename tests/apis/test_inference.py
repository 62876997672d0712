"""init_model / inference: a checkpoint used outside the Runner."""
import mmcv
import pytest
import torch

from plugins.apis import inference, init_model
from plugins.datasets import DataError


def test_file_and_array_give_the_same_predictions_as_the_runner(tiny_run, neon_root):
    model = init_model(str(tiny_run / 'faster_rcnn_r18_neon.py'), str(tiny_run / 'iter_4.pth'))
    assert model.dataset_meta['classes'] == ('Tree',)
    path = f'{neon_root}/val/OSBS_029.png'
    from_file, from_array = inference(model, [path, mmcv.imread(path)], batch_size=2)
    a, b = from_file.pred_instances, from_array.pred_instances
    assert len(a) > 0 and torch.equal(a.bboxes, b.bboxes) and torch.equal(a.scores, b.scores)
    assert from_file.ori_shape == (400, 400) and from_array.img_path is None
    # the dumped test detections of tools/test.py come from the same pipeline and weights
    assert (a.bboxes[:, 2:] <= 400).all()


def test_unreadable_image_is_named(tiny_run, tmp_path):
    model = init_model(str(tiny_run / 'faster_rcnn_r18_neon.py'))
    bad = tmp_path / 'bad.png'
    bad.write_bytes(b'not an image')
    with pytest.raises(DataError, match='bad.png: cannot decode image'):
        inference(model, [str(bad)])
