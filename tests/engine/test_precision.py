"""bf16 inference (fused, channels_last, autocast; fp32 box arithmetic) and bf16
training (BF16OptimWrapper: autocast forward, fp32 master weights, the NaN guard)."""
import glob
import json
import os.path as osp

import pytest
import torch
from mmengine.optim import AmpOptimWrapper, build_optim_wrapper
from torchvision.ops import box_iou

from plugins.apis import inference, init_model
from plugins import autocast as precision_module
from plugins.engine.precision import set_precision
from plugins.errors import ConfigError, NonFiniteLossError
from tests.conftest import CONFIG, ROOT, TINY, data_args, make_sample, run_tool, use_data

SMALL = {k: int(v) if v.isdigit() else v for k, v in (o.split('=') for o in TINY[:5])}


@pytest.mark.usefixtures('bf16_even_if_emulated')
def test_bf16_predictions_follow_fp32_and_stay_fp32(neon_root, tiny_run):
    image = glob.glob(osp.join(neon_root, 'val', '*.png'))[0]
    ckpt = str(tiny_run / 'iter_4.pth')
    cfg = str(tiny_run / 'faster_rcnn_r18_neon.py')
    fp32 = inference(init_model(cfg, ckpt), [image])[0].pred_instances
    model = init_model(cfg, ckpt, precision='bf16')
    assert model.precision == 'bf16'
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in model.backbone.modules())  # fused
    bf16 = inference(model, [image])[0].pred_instances
    assert bf16.bboxes.dtype == bf16.scores.dtype == torch.float32
    assert len(fp32) > 0 and abs(len(bf16) - len(fp32)) <= max(3, len(fp32) // 5)
    best = box_iou(fp32.bboxes[:10], bf16.bboxes).amax(1)  # the top fp32 boxes are found again
    assert (best > 0.8).float().mean() >= 0.8, best


def test_an_unknown_precision_is_named():
    with pytest.raises(ConfigError, match="precision must be one of fp32, bf16, int8, got 'fp16'"):
        set_precision(torch.nn.Linear(1, 1), 'fp16')


def tiny_model():
    return init_model(CONFIG, cfg_options=SMALL).train()


def batch(model):
    sample = make_sample([[10., 12, 40, 44], [50, 60, 90, 100]])
    sample.set_metainfo(dict(img_shape=(128, 128), ori_shape=(128, 128), scale_factor=(1., 1.)))
    return dict(inputs=[torch.randint(0, 255, (3, 128, 128), dtype=torch.uint8)],
                data_samples=[sample])


@pytest.mark.usefixtures('bf16_even_if_emulated')
def test_bf16_training_autocasts_the_network_and_keeps_fp32_weights():
    model = tiny_model()
    wrapper = build_optim_wrapper(model, dict(type='BF16OptimWrapper',
                                              optimizer=dict(type='SGD', lr=0.01)))
    seen = {}

    def record(module, args, out):
        seen['dtype'] = out.dtype
    model.backbone.conv1.register_forward_hook(record)
    before = model.backbone.conv1.weight.detach().clone()
    losses = model.train_step(batch(model), wrapper)
    assert isinstance(wrapper, AmpOptimWrapper)  # MMEngine's, which asserts a GPU itself
    assert seen['dtype'] == torch.bfloat16
    assert all(v.dtype == torch.float32 and torch.isfinite(v) for v in losses.values())
    assert model.backbone.conv1.weight.dtype == torch.float32
    assert not torch.equal(model.backbone.conv1.weight, before)  # the step was applied


@pytest.mark.usefixtures('bf16_even_if_emulated')
def test_every_loss_and_predict_runs_in_fp32_after_a_bf16_network(monkeypatch):
    """The one boundary (``fp32_call``): no head casts its own outputs, yet each loss and
    predict gets fp32 tensors with autocast off, in training and at inference."""
    model = tiny_model()
    seen = []

    def float_dtypes(value):
        if isinstance(value, torch.Tensor):
            return [value.dtype] if value.is_floating_point() else []
        if isinstance(value, (list, tuple)):
            return [d for v in value for d in float_dtypes(v)]
        return []

    def spy(owner, name):
        fn = getattr(owner, name)

        def wrapped(*args):
            seen.append((name, torch.is_autocast_enabled('cpu'), set(float_dtypes(args))))
            return fn(*args)
        monkeypatch.setattr(owner, name, wrapped)
    for owner, name in ((model.rpn_head, 'loss_and_predict_by_feat'),
                        (model.rpn_head, 'predict_by_feat'),
                        (model.roi_head.bbox_head, 'loss'), (model.roi_head.bbox_head, 'predict')):
        spy(owner, name)
    wrapper = build_optim_wrapper(model, dict(type='BF16OptimWrapper',
                                              optimizer=dict(type='SGD', lr=0.01)))
    model.train_step(batch(model), wrapper)
    set_precision(model.eval(), 'bf16')
    with torch.no_grad():
        model.test_step(batch(model))
    assert [n for n, _, _ in seen] == ['loss_and_predict_by_feat', 'loss', 'predict_by_feat',
                                       'predict']
    assert all(not on and dtypes == {torch.float32} for _, on, dtypes in seen), seen


@pytest.mark.usefixtures('bf16_even_if_emulated')
def test_bf16_training_keeps_the_non_finite_guard():
    model = tiny_model()
    model.roi_head.bbox_head.loss_bbox.loss_weight = float('inf')
    wrapper = build_optim_wrapper(model, dict(type='BF16OptimWrapper',
                                              optimizer=dict(type='SGD', lr=0.01)))
    with pytest.raises(NonFiniteLossError):
        model.train_step(batch(model), wrapper)


def test_without_native_bf16_the_network_runs_in_fp32_and_says_so(monkeypatch, mmlog):
    monkeypatch.setattr(precision_module, 'native_bf16', lambda device_type: False)
    monkeypatch.setattr(precision_module, '_WARNED', set())
    model = tiny_model()
    wrapper = build_optim_wrapper(model, dict(type='BF16OptimWrapper',
                                              optimizer=dict(type='SGD', lr=0.01)))
    seen = []
    model.backbone.conv1.register_forward_hook(lambda m, a, out: seen.append(out.dtype))
    for _ in range(2):
        model.train_step(batch(model), wrapper)
    set_precision(model.eval(), 'bf16')
    with torch.no_grad():
        model.test_step(batch(model))
    assert seen == [torch.float32] * 3
    assert mmlog.getvalue().count('bf16 is not native on this cpu') == 1, mmlog.getvalue()


@pytest.mark.parametrize('precision,backend', [('bf16', 'torch'), ('int8', 'openvino'),
                                               ('fp32', 'onnxruntime')])
def test_test_tool_with_low_precision(neon_root, tiny_run, precision, backend):
    out = run_tool('test.py', str(tiny_run / 'faster_rcnn_r18_neon.py'),
                   str(tiny_run / 'iter_4.pth'), '--precision', precision, '--backend', backend,
                   '--cfg-options', *data_args(neon_root))
    assert out.returncode == 0 and 'coco/AP50=' in out.stdout, out.stderr[-1500:]


@pytest.mark.parametrize('config', ['faster_rcnn_r18_neon_bf16',
                                    'faster_rcnn_r18_neon_bf16_mosaic'])
def test_int8_calibration_images_are_spread_over_the_training_set(request, neon_root, config):
    """The first tiles of a tiled set are one scene's row: calibration takes images at
    even steps over the whole set, also through a wrapper dataset (Mosaic's)."""
    from plugins.engine.precision import calibration_inputs
    from plugins.registry import MODELS
    cfg = use_data(osp.join(ROOT, 'configs', 'faster_rcnn', config + '.py'), request,
                   num_images=None)
    with open(osp.join(neon_root, 'train.json')) as f:
        files = [osp.basename(image['file_name']) for image in json.load(f)['images']]
    batches = calibration_inputs(MODELS.build(cfg.model), cfg, 3)
    middle = round((len(files) - 1) / 2)
    assert [osp.basename(b['data_samples'][0].img_path) for b in batches] == [
        files[0], files[middle], files[-1]]
    assert batches[0]['inputs'].shape[:2] == (1, 3)
