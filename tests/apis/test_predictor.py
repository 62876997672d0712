"""plugins.apis.load(...).predict: plain arrays from a path, an array, a PIL image."""
import mmcv
import numpy as np
import pytest
from PIL import Image

from plugins.apis import Prediction, load


def test_a_trained_detector_gives_the_same_arrays_for_every_kind_of_input(tiny_run, neon_root):
    model = load(str(tiny_run / 'faster_rcnn_r18_neon.py'), str(tiny_run / 'iter_4.pth'))
    path = f'{neon_root}/val/OSBS_029.png'
    result = model.predict(path)
    assert isinstance(result, Prediction) and len(result) > 0
    assert result.boxes.dtype == np.float32 and result.boxes.shape == (len(result), 4)
    assert result.scores.dtype == np.float32 and result.labels.dtype == np.int64
    assert set(result.class_names) == {'Tree'} and result.masks is None
    assert (np.diff(result.scores) <= 0).all()  # best first
    bgr = mmcv.imread(path)
    same = [model.predict(bgr), model.predict(bgr[..., ::-1], channel_order='rgb'),
            model.predict(Image.open(path)), *model.predict([path, bgr])]
    for other in same:
        np.testing.assert_array_equal(other.boxes, result.boxes)
        np.testing.assert_array_equal(other.scores, result.scores)
    kept = model.predict(path, score_thr=float(result.scores[2]))
    assert len(kept) == 3


def test_sliced_prediction_covers_the_whole_image(tiny_run, neon_root):
    model = load(str(tiny_run / 'faster_rcnn_r18_neon.py'), str(tiny_run / 'iter_4.pth'))
    result = model.predict(f'{neon_root}/val/OSBS_029.png', slice=160, overlap=0.25)
    assert len(result) > 0 and result.boxes[:, 2].max() > 240  # boxes beyond the first window
    assert result.boxes.max() <= 400


def test_masks_and_label_maps_come_at_the_image_size():
    image = np.random.default_rng(0).integers(0, 255, (96, 128, 3), dtype=np.uint8)
    masks = load('mask_rcnn_r18_fpn_mnist_composites').predict(image)
    assert masks.masks.dtype == bool and masks.masks.shape == (len(masks), 96, 128)
    seg = load('fcn_r18_d8_mnist_composites').predict(image)
    assert seg.boxes is None and seg.label_map.shape == (96, 128)
    assert seg.label_map.dtype == np.int64 and seg.label_map.max() < 11


@pytest.mark.parametrize('image, culprit', [(np.zeros((4, 5, 2), np.uint8), r'\(4, 5, 2\)'),
                                            (np.zeros(7, np.uint8), r'\(7,\)')])
def test_a_bad_array_names_its_shape(image, culprit):
    model = load('faster_rcnn_r18_neon')
    with pytest.raises(ValueError, match=culprit):
        model.predict(image)
    with pytest.raises(ValueError, match="channel_order.*'RGB'"):
        model.predict(np.zeros((8, 8, 3), np.uint8), channel_order='RGB')
