"""The network exported to ONNX and run on ONNX Runtime and OpenVINO, with detplug's
own pre- and post-processing: each model family against PyTorch at three input sizes,
int8 through the maintained quantizers, and the one-line errors."""
import copy
import glob
import os.path as osp
import sys

import mmcv
import pytest
import torch
from torchvision.ops import box_iou

from plugins.apis import inference, init_model
from plugins.autocast import native_bf16
from plugins.deploy import set_backend
from plugins.deploy.backend import TorchBf16Part
from plugins.deploy.check import agreement, check_sizes, part_differences
from plugins.deploy.parts import flatten, network_parts, unflatten
from plugins.engine.precision import set_precision
from plugins.errors import ConfigError
from plugins.evaluation.agreement import matched_boxes
from tests.conftest import ROOT, use_data

FAMILIES = ['faster_rcnn/faster_rcnn_r18_fpn_neon.py',
            'mask_rcnn/mask_rcnn_r18_fpn_mnist_composites.py',
            'retinanet/retinanet_r18_fpn_neon.py', 'fcos/fcos_r18_fpn_neon.py',
            'ssd/ssdlite_mobilenetv2_neon.py', 'fcn/fcn8s_r18_mnist_composites.py',
            'deeplabv3/deeplabv3_r18_d8_mnist_composites.py']
SIZES = [(128, 128), (160, 224), (224, 192)]
pytestmark = pytest.mark.runtimes


@pytest.fixture(scope='module')
def image(neon_root):
    return mmcv.imread(f'{neon_root}/val/OSBS_029.png')


@pytest.mark.parametrize('config', FAMILIES)
def test_each_family_matches_pytorch_at_three_sizes(config, image, request):
    torch.manual_seed(0)
    cfg = use_data(f'{ROOT}/configs/{config}', request)
    if cfg.model.get('bbox_head', {}).get('test_cfg'):  # random RetinaNet scores are < 0.05
        cfg.model.bbox_head.test_cfg.score_thr = 0.0
    reference = init_model(cfg)
    parts = {p.name for p in network_parts(reference)}
    for backend in ('onnxruntime', 'openvino'):
        model = set_backend(copy.deepcopy(reference), backend, 'fp32')
        lines = check_sizes(reference, model, image, SIZES)
        for (h, w), line in zip(SIZES, lines):
            diffs = part_differences(model)  # the last size's; each size's is in its line
            assert set(diffs) == parts, (backend, line)
            assert max(diffs.values()) < 1e-4, (backend, line)
        ref = inference(reference, [image[:200, :300]])[0]
        out = inference(model, [image[:200, :300]])[0]  # a fourth size, the final outputs
        if 'pred_sem_seg' in ref:
            assert (ref.pred_sem_seg.data == out.pred_sem_seg.data).float().mean() > 0.999
        else:  # random weights: near-equal scores, so the top boxes only
            top = ref.pred_instances[:10]
            best = box_iou(top.bboxes, out.pred_instances.bboxes).amax(1)
            assert len(top) and best.min() > 0.99, agreement(ref, out)


def test_no_temporary_export_is_left_behind(image, request, tmp_path, monkeypatch):
    import tempfile
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path))
    model = init_model(use_data(f'{ROOT}/configs/faster_rcnn/faster_rcnn_r18_neon.py', request))
    out = inference(set_backend(model, 'openvino', 'fp32'), [image[:128, :128]])[0]
    assert 'pred_instances' in out and list(tmp_path.iterdir()) == []


def test_an_export_dir_gets_every_part_even_the_one_bf16_runs_in_torch(image, request, tmp_path):
    cfg = use_data(f'{ROOT}/configs/faster_rcnn/faster_rcnn_r18_neon.py', request)
    model = set_backend(init_model(cfg), 'openvino', 'bf16', export_dir=str(tmp_path))
    assert 'pred_instances' in inference(model, [image[:128, :128]])[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ['network.onnx',
                                                          'roi_head.bbox_head.onnx']


def test_a_mask_head_with_no_detection_runs_its_own_method(image, request):
    cfg = use_data(f'{ROOT}/configs/mask_rcnn/mask_rcnn_r18_fpn_mnist_composites.py', request)
    cfg.model.roi_head.bbox_head.test_cfg.score_thr = 1.1  # nothing passes
    model = set_backend(init_model(cfg), 'onnxruntime', 'fp32')
    out = inference(model, [image[:128, :128]])[0].pred_instances
    assert len(out) == 0 and out.masks.shape[0] == 0
    assert model.roi_head.mask_head.forward.run is None  # never exported: no input to trace


@pytest.mark.filterwarnings('error::DeprecationWarning', 'error::FutureWarning')
@pytest.mark.parametrize('backend', ['openvino', 'onnxruntime'])
def test_int8_keeps_a_trained_detectors_boxes(backend, neon_root, tiny_run):
    images = sorted(glob.glob(osp.join(neon_root, 'val', '*.png')))
    ckpt, cfg = str(tiny_run / 'iter_4.pth'), str(tiny_run / 'faster_rcnn_r18_neon.py')
    fp32 = inference(init_model(cfg, ckpt), images[:1])[0].pred_instances
    model = init_model(cfg, ckpt, precision='int8', backend=backend)  # 8 training tiles
    int8 = inference(model, images[:1])[0].pred_instances
    assert model.backend == backend and int8.bboxes.dtype == torch.float32 and len(int8) > 0
    best = box_iou(fp32.bboxes[:10], int8.bboxes).amax(1)
    assert (best > 0.7).float().mean() >= 0.7, best
    in_torch = isinstance(model.roi_head.bbox_head.forward, TorchBf16Part)
    assert in_torch == (backend == 'openvino' and native_bf16('cpu'))  # FCs only: faster


def test_sliced_inference_on_a_backend_takes_batches_of_windows(image, request):
    from plugins.apis import sliced_inference
    cfg = use_data(f'{ROOT}/configs/faster_rcnn/faster_rcnn_r18_neon.py', request)
    torch.manual_seed(0)
    reference = init_model(cfg)
    model = set_backend(copy.deepcopy(reference), 'openvino', 'fp32')
    ref = sliced_inference(reference, image, size=256, overlap=0.25, batch_size=3)
    out = sliced_inference(model, image, size=256, overlap=0.25, batch_size=3)
    matched, total, _ = matched_boxes(ref.pred_instances, out.pred_instances)
    assert total and matched >= 0.9 * total


def test_precision_and_backend_errors_name_the_value(request, monkeypatch):
    model = init_model(use_data(f'{ROOT}/configs/faster_rcnn/faster_rcnn_r18_neon.py', request))
    cases = [(lambda: set_precision(model, 'int8'), "backend torch runs .* not 'int8'"),
             (lambda: set_backend(model, 'onnxruntime', 'bf16'),
              "backend onnxruntime runs precision fp32, int8, not 'bf16'"),
             (lambda: set_backend(model, 'tensorrt', 'fp32'), "got 'tensorrt'"),
             (lambda: set_backend(model, 'openvino', 'int8'), 'int8 needs calibration images')]
    for call, message in cases:
        with pytest.raises(ConfigError, match=message):
            call()
    monkeypatch.setitem(sys.modules, 'openvino', None)  # not installed
    with pytest.raises(ConfigError, match='backend openvino needs the package openvino: pip'):
        set_backend(model, 'openvino', 'fp32')


def test_flatten_keeps_the_nesting():
    value = ([torch.zeros(1), torch.ones(2)], (torch.zeros(3),), torch.ones(4))
    leaves, nesting = flatten(value)
    assert [t.numel() for t in leaves] == [1, 2, 3, 4]
    back = unflatten(leaves, nesting)
    assert type(back[0]) is list and type(back[1]) is tuple and back[2] is leaves[3]
    with pytest.raises(TypeError, match='dict'):
        flatten({'a': torch.zeros(1)})
