"""plugins/inference/slicing.py: windows, sliced == plain where the image fits, seams
merged (boxes, masks, segmentation logits), bad arguments in one line."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from plugins.apis import inference, init_model, sliced_inference
from plugins.errors import ConfigError
from plugins.inference import ArraySource, slice_windows, sliced_predict
from plugins.structures.masks import paste_crops
from tests.conftest import ROOT, data_options

NEON_IMAGE = 'val/OSBS_029.png'  # 400 x 400


@pytest.mark.parametrize('size, overlap, culprit', [
    (400, 1.0, 'overlap 1.0'), (400, -0.1, 'overlap -0.1'), (16, 0.2, 'size 16'),
    (400.5, 0.2, 'size 400.5'), (400, True, 'overlap True')])
def test_bad_slicing_arguments_name_the_value(size, overlap, culprit):
    with pytest.raises(ConfigError, match=culprit):
        slice_windows(1000, 1000, size, overlap)


@pytest.mark.parametrize('width, height, size, overlap, count', [
    (400, 400, 400, 0.2, 1), (400, 300, 800, 0.5, 1), (1000, 500, 400, 0.25, 6),
    (1001, 1001, 256, 0.0, 16)])
def test_windows_cover_the_image_and_end_at_its_edges(width, height, size, overlap, count):
    windows = slice_windows(width, height, size, overlap)
    assert len(windows) == count
    covered = np.zeros((height, width), bool)
    for x0, y0, x1, y1 in windows:
        assert x1 - x0 == min(size, width) and y1 - y0 == min(size, height)
        covered[y0:y1, x0:x1] = True
    assert covered.all()
    assert max(w[2] for w in windows) == width and max(w[3] for w in windows) == height


def model_and_image(name, request):
    """A random-weight model of the config (seeded) and a real test image of its data."""
    from tests.conftest import use_data
    path = osp.join(ROOT, 'configs', name)
    cfg = use_data(path, request)
    torch.manual_seed(0)
    model = init_model(cfg)
    root = cfg.test_dataloader.dataset.data_root
    image = (osp.join(root, NEON_IMAGE) if 'neon' in name else
             osp.join(root, 'images', 'val', '000000.png'))
    return model, image


@pytest.mark.parametrize('name', [
    'faster_rcnn/faster_rcnn_r18_neon.py', 'retinanet/retinanet_r18_fpn_neon.py',
    'fcos/fcos_r18_fpn_neon.py', 'ssd/ssd300_vgg16_neon.py',
    'mask_rcnn/mask_rcnn_r18_fpn_mnist_composites.py', 'fcn/fcn8s_r18_mnist_composites.py'])
def test_a_slice_at_least_the_image_equals_plain_inference(name, request):
    model, image = model_and_image(name, request)
    if 'retinanet' in name:  # the focal prior puts random-weight scores near 0.01
        model.bbox_head.test_cfg['score_thr'] = 0.005
    plain = inference(model, [image])[0]
    h, w = plain.ori_shape[:2]
    sliced = sliced_inference(model, image, size=max(h, w, 32) + 100)
    if 'pred_sem_seg' in plain:
        assert torch.equal(sliced.seg_logits.data, plain.seg_logits.data)
        return
    a, b = plain.pred_instances, sliced.pred_instances
    assert len(a) > 0
    assert torch.equal(a.bboxes, b.bboxes) and torch.equal(a.scores, b.scores)
    assert torch.equal(a.labels, b.labels)
    if 'masks' in a:  # kept as crops around each instance, the same pixels
        assert 'masks' not in b and len(b.mask_crops) == len(a)
        assert torch.equal(paste_crops(b.mask_crops, b.mask_origins, (h, w)), a.masks)


def test_segmentation_logits_are_averaged_where_windows_overlap(request):
    model, image = model_and_image('fcn/fcn8s_r18_mnist_composites.py', request)
    array = cv2.imread(image)
    assert array.shape[:2] == (128, 128)
    sliced = sliced_predict(model, ArraySource(array), size=64, overlap=0.5)  # x0, y0: 0, 32, 64
    left, middle = inference(model, [array[:64, :64].copy(), array[:64, 32:96].copy()])
    # pixel (y 10, x 40) lies in the windows starting at x 0 and x 32 (rows 0-31: one row)
    expected = (left.seg_logits.data[:, 10, 40] + middle.seg_logits.data[:, 10, 8]) / 2
    assert torch.allclose(sliced.seg_logits.data[:, 10, 40], expected, atol=1e-5)
    # pixel (y 10, x 10): the first window alone
    assert torch.equal(sliced.seg_logits.data[:, 10, 10], left.seg_logits.data[:, 10, 10])
    assert sliced.pred_sem_seg.data.shape == (1, 128, 128)


def test_sliced_detection_shifts_boxes_into_the_whole_image(request):
    """A box found in a window lies where that content is in the image: the top-left
    window's detections above the merge score equal the plain ones of that crop."""
    model, image = model_and_image('faster_rcnn/faster_rcnn_r18_neon.py', request)
    array = cv2.imread(image)
    crop = inference(model, [array[200:, 200:].copy()])[0].pred_instances
    sliced = sliced_predict(model, ArraySource(array), size=200, overlap=0.0).pred_instances
    assert len(crop) and len(sliced)
    inside = (sliced.bboxes[:, 0] >= 200) & (sliced.bboxes[:, 1] >= 200)
    assert inside.any()
    # every box of the bottom-right window is a box of the crop moved by (200, 200)
    moved = crop.bboxes + 200
    for box in sliced.bboxes[inside]:
        assert (moved - box).abs().max(1).values.min() < 1e-3


def test_the_tools_slice_a_test_set_and_an_image(neon_root, tmp_path):
    from tests.conftest import CONFIG, run_tool
    torch.manual_seed(0)
    model = init_model(CONFIG)
    ckpt = tmp_path / 'random.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, ckpt)
    options = [f'{k}={v}' for k, v in data_options(neon_root).items()]
    plain = run_tool('test.py', CONFIG, str(ckpt), '--work-dir', str(tmp_path / 'a'),
                     '--cfg-options', *options)
    sliced = run_tool('test.py', CONFIG, str(ckpt), '--work-dir', str(tmp_path / 'b'),
                      '--slice', '400', '--cfg-options', *options)
    assert plain.returncode == sliced.returncode == 0, sliced.stderr[-2000:]
    assert plain.stdout.strip().splitlines()[-1] == sliced.stdout.strip().splitlines()[-1]
    out = run_tool('test.py', CONFIG, str(ckpt), '--slice', '400', '--overlap', '1')
    assert out.returncode == 1 and out.stderr.strip().splitlines()[-1].startswith('error: ')
    assert 'overlap 1.0' in out.stderr
    out = run_tool('infer.py', CONFIG, str(ckpt), osp.join(neon_root, NEON_IMAGE), '--out-dir',
                   str(tmp_path / 'i'), '--slice', '256', '--overlap', '0.25', '--score-thr', '0')
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / 'i' / 'vis' / 'OSBS_029.png').exists()
    rows = (tmp_path / 'i' / 'predictions.csv').read_text().splitlines()
    assert rows[0] == 'image_path,xmin,ymin,xmax,ymax,label,score' and len(rows) > 1


def test_the_whole_image_pass_adds_the_shrunk_image_s_boxes(request):
    model, image = model_and_image('faster_rcnn/faster_rcnn_r18_neon.py', request)
    source = ArraySource(cv2.imread(image))
    windows = sliced_predict(model, source, size=200, overlap=0.0, merge=False).pred_instances
    both = sliced_predict(model, source, size=200, overlap=0.0, merge=False,
                          full_image=True).pred_instances
    small, factor = source.read_resized(200)
    whole = inference(model, [small])[0].pred_instances
    assert factor == 0.5 and len(both) == len(windows) + len(whole) > len(windows)
    assert torch.allclose(both.bboxes[len(windows):], whole.bboxes / factor)
    assert not both.cut[len(windows):].any()
    merged = sliced_predict(model, source, size=200, overlap=0.0, full_image=True)
    assert 0 < len(merged.pred_instances) <= len(both)


@pytest.mark.runtimes
@pytest.mark.usefixtures('bf16_even_if_emulated')
def test_slicing_runs_at_every_precision(request):
    from plugins.deploy import set_backend
    from plugins.engine.precision import calibration_inputs
    model, image = model_and_image('faster_rcnn/faster_rcnn_r18_neon.py', request)
    fp32 = sliced_inference(model, image, size=256, overlap=0.25).pred_instances
    for backend, precision in (('torch', 'bf16'), ('openvino', 'int8')):
        model, _ = model_and_image('faster_rcnn/faster_rcnn_r18_neon.py', request)
        set_backend(model, backend, precision, calibration_inputs(model, model.cfg, 1)
                    if precision == 'int8' else None)
        pred = sliced_inference(model, image, size=256, overlap=0.25).pred_instances
        assert pred.bboxes.dtype == torch.float32 and len(pred) > 0
        assert torch.isfinite(pred.bboxes).all() and len(fp32) > 0
