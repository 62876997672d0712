"""Malformed inputs through dataset loading, the pipeline, the model and the tools.

Each input must end in a one-line error naming the culprit, or in a documented,
logged skip or conversion; nothing may crash deep in torch or hang. Run with -s
to print the table of what each input produced.
"""
import glob
import json
import os.path as osp
import re
import signal
import subprocess
import sys
import time

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from plugins.apis import init_model
from plugins.datasets import CocoDetDataset, DataError
from tests.conftest import CONFIG, ROOT, TINY, data_args, run_tool
from tests.engine.test_exact_resume import _max_diff

PIPELINE = Config.fromfile(CONFIG).train_pipeline
REPORT = []


@pytest.fixture(scope='module', autouse=True)
def print_report():
    """After the module: the table of inputs and outcomes (pytest -s shows it)."""
    yield
    width = max([len(k) for k, _ in REPORT] + [1])
    print('\n' + '\n'.join(f'{k:<{width}}  {v[:220]}' for k, v in REPORT))


def image_file(folder, name, kind):
    """Write a test image of the given kind; returns (file name, width, height)."""
    path = osp.join(folder, name)
    real = cv2.imread(osp.join(folder, '..', 'real.png'))
    if kind == 'truncated':
        ok, png = cv2.imencode('.png', real)
        open(path, 'wb').write(png.tobytes()[:200])
        return name, 400, 400
    if kind == 'Radiance HDR 7000x7000 named .png':  # Pillow cannot read it, OpenCV can
        open(path, 'wb').write(b'#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 7000 +X 7000\n'
                               + bytes(4 * 7000))
        return name, 7000, 7000
    if kind == 'not an image':
        open(path, 'w').write('<html>404 not found</html>')
        return name, 400, 400
    image = {'grey (1 channel)': lambda: cv2.cvtColor(real, cv2.COLOR_BGR2GRAY),
             'RGBA (4 channels)': lambda: cv2.cvtColor(real, cv2.COLOR_BGR2BGRA),
             '16-bit PNG': lambda: real.astype(np.uint16) * 257,
             '1 pixel': lambda: real[:1, :1],
             'huge (8000x8000)': lambda: np.zeros((8000, 8000, 3), np.uint8)}[kind]()
    cv2.imwrite(path, image)
    return name, image.shape[1], image.shape[0]


IMAGE_CASES = {  # kind -> what must happen when a training sample is loaded
    'truncated': r'error: .*truncated\.png: cannot decode image',
    'not an image': r'error: .*not_an_image\.png: cannot decode image',
    'Radiance HDR 7000x7000 named .png':
        r'error: .*Radiance.*\.png: image is 7000x7000 \(49 Mpx\), more than max_pixels',
    'grey (1 channel)': r'ok: loaded as 3 channels',
    'RGBA (4 channels)': r'ok: loaded as 3 channels',
    '16-bit PNG': r'ok: loaded as 3 channels',
    '1 pixel': r'ok: loaded as 3 channels',
    'huge (8000x8000)':
        r'error: .*huge.*\.png: image is 8000x8000 \(64 Mpx\), more than max_pixels.*--slice',
}


def load_sample(folder, kind):
    name = re.sub(r'\W+', '_', kind).strip('_') + '.png'
    fname, w, h = image_file(folder, name, kind)
    box = [0, 0, min(w, 30), min(h, 30)]
    ann = osp.join(folder, name + '.json')
    json.dump(dict(images=[dict(id=1, file_name=fname, width=w, height=h)],
                   annotations=[dict(id=1, image_id=1, category_id=1, bbox=box)],
                   categories=[dict(id=1, name='Tree')]), open(ann, 'w'))
    dataset = CocoDetDataset(ann_file=ann, data_prefix=dict(img=folder), pipeline=PIPELINE)
    try:
        item = dataset[0]
    except DataError as e:
        return f'error: {e}'
    inputs = item['inputs']
    assert inputs.dtype == torch.uint8 and inputs.shape[0] == 3
    return f'ok: loaded as {inputs.shape[0]} channels, {tuple(inputs.shape[1:])} after the pipeline'


@pytest.fixture(scope='module')
def folder(tmp_path_factory, neon_root):
    root = tmp_path_factory.mktemp('fuzz')
    cv2.imwrite(str(root / 'real.png'), cv2.imread(osp.join(neon_root, 'val', 'OSBS_029.png')))
    (root / 'imgs').mkdir()
    return str(root / 'imgs')


@pytest.mark.parametrize('kind', list(IMAGE_CASES))
def test_image_inputs(folder, kind):
    outcome = load_sample(folder, kind)
    REPORT.append((kind, outcome))
    assert re.match(IMAGE_CASES[kind], outcome), outcome


def _ann_file(folder, name, content):
    path = osp.join(folder, name)
    if isinstance(content, bytes):
        open(path, 'wb').write(content)
    elif content is not None:
        open(path, 'w').write(content if isinstance(content, str) else json.dumps(content))
    return path


def _coco(anns, images=None):
    return dict(images=images or [dict(id=1, file_name='real.png', width=400, height=400)],
                annotations=anns, categories=[dict(id=1, name='Tree')])


ANN_CASES = {  # name -> (annotation file content, what must happen)
    'missing annotation file': (None, r'error: .*missing\.json: annotation file not found'),
    'empty annotation file': ('', r'error: .*empty\.json: invalid JSON'),
    'invalid JSON': ('{"images": [', r'error: .*invalid\.json: invalid JSON'),
    'no "images" key': ({'annotations': []}, r'error: .*no_images\.json: missing key "images"'),
    'image entry without size': (_coco([], [dict(id=1, file_name='real.png')]),
                                 r'error: .*no_size\.json: image entry 1 has no width, height'),
    'duplicate image ids': (
        _coco([], [dict(id=1, file_name='real.png', width=400, height=400)] * 2),
                            r'error: .*dup\.json: duplicate image id 1'),
    'label outside the classes': (_coco([dict(id=7, image_id=1, category_id=9, bbox=[0, 0, 5, 5])]),
                                  r'error: .*annotation 7 .*unknown category_id 9'),
    'bbox not 4 numbers': (_coco([dict(id=3, image_id=1, category_id=1, bbox=[0, 'a', 5])]),
                           r'error: .*annotation 3 .*"bbox" must be 4 numbers'),
    'NaN box': (_coco([dict(id=4, image_id=1, category_id=1, bbox=[float('nan'), 0, 5, 5]),
                       dict(id=5, image_id=1, category_id=1, bbox=[0, 0, 9, 9])]),
                r'ok: 1 box kept; logged: .*annotation 4 of .*skipped invalid box'),
    'negative width': (_coco([dict(id=4, image_id=1, category_id=1, bbox=[20, 0, -5, 5]),
                              dict(id=5, image_id=1, category_id=1, bbox=[0, 0, 9, 9])]),
                       r'ok: 1 box kept; logged: .*annotation 4 of .*skipped invalid box'),
    'box outside the image': (_coco([dict(id=4, image_id=1, category_id=1, bbox=[900, 9, 5, 5]),
                                     dict(id=5, image_id=1, category_id=1, bbox=[0, 0, 9, 9])]),
                              r'ok: 1 box kept; logged: .*annotation 4 of .*skipped box outside'),
    'box partly outside': (_coco([dict(id=4, image_id=1, category_id=1, bbox=[390, 0, 50, 5])]),
                           r'ok: 1 box kept; logged: .*annotation 4 of .*clipped box'),
    'only invalid boxes': (_coco([dict(id=4, image_id=1, category_id=1, bbox=[0, 0, 0, 5])]),
                           r'error: .*only_invalid\.json: no image with a valid box is left'),
    'not UTF-8': ('{"images": [], "categories": [{"id": 1, "name": "Bäume"}]}'.encode('latin-1'),
                  r'error: .*not_UTF_8\.json: not UTF-8 text \(byte 50: invalid'),
    'annotations: null': (dict(_coco([]), annotations=None),
                          r'error: .*\.json: "annotations" must be a list, got null'),
    'annotation without image_id': (_coco([dict(id=3, category_id=1, bbox=[0, 0, 5, 5])]),
                                    r'error: .*\.json: annotation 3 has no image_id'),
    'annotation of an unknown image': (
        _coco([dict(id=3, image_id=8, category_id=1, bbox=[0, 0, 5, 5]),
               dict(id=5, image_id=1, category_id=1, bbox=[0, 0, 9, 9])]),
        r'ok: 1 box kept; logged: .*1 annotations refer to image ids that are not among the '
        r'images \(8\); they are left out'),
    'category without id': (dict(_coco([]), categories=[dict(name='Tree')]),
                            r'error: .*\.json: category entry 0 has no id'),
    'no images (an empty validation set)': (dict(_coco([]), images=[]),
                                            r'error: .*\.json: "images" is empty: nothing to '
                                            r'train on or evaluate'),
    'width as a string': (_coco([], [dict(id=1, file_name='real.png', width='400', height=400)]),
                          r'error: .*\.json: image entry 1: width must be a positive integer, '
                          r'got "400"'),
    'file_name: null': (_coco([], [dict(id=1, file_name=None, width=400, height=400)]),
                        r'error: .*\.json: image entry 1: file_name must be a non-empty string, '
                        r'got null'),
    'file_name outside the data root': (
        _coco([], [dict(id=1, file_name='../' * 12 + 'etc/hostname', width=400,
                   height=400)]),
        r"error: .*\.json: image 1: file_name '(\.\./)+etc/hostname' resolves to "
        r'/etc/hostname, outside the data root'),
    'absolute file_name elsewhere': (
        _coco([], [dict(id=1, file_name='/etc/hostname', width=400, height=400)]),
        r"error: .*\.json: image 1: file_name '/etc/hostname' resolves to /etc/hostname, "
        r'outside the data root .* \(allow_outside_root=True reads it\)'),
    '5,000 boxes on one image': (
        _coco([dict(id=i, image_id=1, category_id=1, bbox=[i % 390, i // 390, 5, 5])
               for i in range(5000)]),
        r'error: .*\.json: image 1 \(.*real\.png\) has 5000 annotations, more than '
        r'max_instances=1000'),
}
FILES = {'missing annotation file': 'missing.json', 'empty annotation file': 'empty.json',
         'invalid JSON': 'invalid.json', 'no "images" key': 'no_images.json',
         'image entry without size': 'no_size.json', 'duplicate image ids': 'dup.json',
         'only invalid boxes': 'only_invalid.json'}


@pytest.mark.parametrize('case', list(ANN_CASES))
def test_annotation_inputs(folder, case, mmlog):
    content, expected = ANN_CASES[case]
    ann = _ann_file(osp.dirname(folder), FILES.get(case, re.sub(r'\W+', '_', case) + '.json'),
                    content)
    try:
        dataset = CocoDetDataset(ann_file=ann, data_prefix=dict(img=osp.dirname(folder)),
                                 filter_empty_gt=True)
        logged = ' | '.join(line for line in mmlog.getvalue().splitlines() if 'annotation' in line)
        outcome = f'ok: {len(dataset[0]["instances"])} box kept; logged: {logged}'
    except DataError as e:
        outcome = f'error: {e}'
    REPORT.append((case, outcome))
    assert re.match(expected, outcome), outcome


SQUARE = [[10, 10, 30, 10, 30, 30, 10, 30]]  # a valid polygon inside box [10, 10, 20, 20]


def _one(segmentation) -> list:
    """One annotation (id 4, box [10, 10, 20, 20]) with ``segmentation``."""
    return [dict(id=4, image_id=1, category_id=1, bbox=[10, 10, 20, 20],
                 segmentation=segmentation)]


MASK_CASES = {  # name -> (annotations, what loading one training sample with masks gives)
    'polygon of fewer than 3 points': (
        _one([[10, 10, 30, 30]] + SQUARE),
        r'ok: 1 masks \(\d+ px\); logged: .*annotation 4 of .*dropped 1 polygons of fewer than '
        r'3 points'),
    'only a polygon of 2 points': (
        _one([[10, 10, 30, 30]]) + [
            dict(id=5, image_id=1, category_id=1, bbox=[10, 10, 20, 20], segmentation=SQUARE)],
        r'error: .*real\.png: 1 of its 2 annotations have no valid segmentation \(ids \[4\]\); '
        r'LoadAnnotations\(with_mask=True\) needs one for every box'),
    'RLE of another size than the image': (
        _one(dict(size=[40, 40], counts='PPZ50')),
        r'error: .*annotation 4 of .*: RLE size \[40, 40\] does not match the image\'s '
        r'\[height, width\] \[400, 400\]'),
    'polygon vertex near 1e12': (
        _one([[10, 10, 1e12, 10, 30, 30]]),
        r'error: .*annotation 4 of .*: "segmentation" vertex 1 \(1000000000000\.0, 10\) lies '
        r'outside the 400 x 400 image'),
    'polygon vertex NaN': (
        _one([[10, 10, float('nan'), 10, 30, 30]]),
        r'error: .*annotation 4 of .*: "segmentation" vertex 1 \(nan, 10\) is not finite'),
    'polygon vertex Infinity': (
        _one([[10, 10, 30, float('inf'), 30, 30]]),
        r'error: .*annotation 4 of .*: "segmentation" vertex 1 \(30, inf\) is not finite'),
    'polygon drawn for a 4x larger image': (
        _one([[v * 4 for v in [300, 300, 380, 300, 380, 380, 300, 380]]]),
        r'error: .*annotation 4 of .*: "segmentation" vertex 0 \(1200, 1200\) lies outside the '
        r'400 x 400 image \(drawn for another image size\?\)'),
    'polygon of 200,000 vertices': (
        _one([[10, 10, 30, 10, 30, 30] * 66_667]),
        r'error: .*annotation 4 of .*: "segmentation" has 200001 vertices, more than 100000'),
    'RLE counts past the image': (
        _one(dict(size=[400, 400], counts=[1000, 200_000])),
        r'error: .*annotation 4 of .*: RLE "counts" cover 201000 pixels, the image has '
        r'400 x 400 = 160000'),
    'RLE counts short of the image': (
        _one(dict(size=[400, 400], counts=[1000, 20])),
        r'error: .*annotation 4 of .*: RLE "counts" cover 1020 pixels'),
    'RLE negative counts': (
        _one(dict(size=[400, 400], counts=[170_000, -10_000])),
        r'error: .*annotation 4 of .*: RLE "counts" holds a negative run \(-10000\)'),
    'RLE compressed garbage': (
        _one(dict(size=[400, 400], counts='not an RLE ~~~')),
        r'error: .*annotation 4 of .*: RLE "counts" is not a COCO compressed string: '
        r"character '.' is not part of the format"),
    'masks missing for some annotations': (
        [dict(id=4, image_id=1, category_id=1, bbox=[10, 10, 20, 20], segmentation=SQUARE),
         dict(id=5, image_id=1, category_id=1, bbox=[50, 50, 20, 20])],
        r'error: .*real\.png: 1 of its 2 annotations have no valid segmentation \(ids \[5\]\)'),
    'segmentation neither polygons nor RLE': (
        _one('square'),
        r'error: .*annotation 4 of .*: "segmentation" must be polygons \(lists of x, y numbers\) '
        r'or an RLE object, got "square"'),
}


@pytest.mark.parametrize('case', list(MASK_CASES))
def test_mask_inputs(folder, case, mmlog):
    """Instance masks (Mask R-CNN): the dataset's rule, then LoadAnnotations(with_mask)."""
    anns, expected = MASK_CASES[case]
    ann = _ann_file(osp.dirname(folder), re.sub(r'\W+', '_', case) + '.json', _coco(anns))
    pipeline = [dict(type='LoadImage'), dict(type='LoadAnnotations', with_mask=True),
                dict(type='PackDetInputs')]
    try:
        dataset = CocoDetDataset(ann_file=ann, data_prefix=dict(img=osp.dirname(folder)),
                                 pipeline=pipeline)
        masks = dataset[0]['data_samples'].gt_instances.masks
        logged = ' | '.join(line for line in mmlog.getvalue().splitlines() if 'annotation' in line)
        outcome = f'ok: {len(masks)} masks ({int(masks.sum())} px); logged: {logged}'
    except DataError as e:
        outcome = f'error: {e}'
    REPORT.append((f'mask: {case}', outcome))
    assert re.match(expected, outcome), outcome


def test_one_pixel_and_empty_images_through_the_model(folder):
    """A 1x1 image and one without boxes: the detector trains and predicts on them."""
    model = init_model(CONFIG)
    from plugins.apis import inference
    tiny = osp.join(folder, '1_pixel.png')
    image_file(folder, '1_pixel.png', '1 pixel')
    pred = inference(model, [tiny])[0].pred_instances
    assert pred.bboxes.shape[1] == 4 and torch.isfinite(pred.bboxes).all()
    REPORT.append(('1 pixel, predicted', f'ok: {len(pred)} detections, all finite'))


CONFIG_CASES = {  # --cfg-options -> the one line it must end in
    'optim_wrapper.clip_grad.max_nrom=10': 'error: in the config: optim_wrapper.clip_grad: '
                                           'unknown key "max_nrom" for torch\'s clip_grad_norm_ '
                                           '(did you mean max_norm',
    'model.backbone.depthh=18': 'error: in the config: model.backbone: unknown key "depthh" for '
                                'ResNet (did you mean depth?)',
    'train_cfg.max_iter=5': 'error: in the config: train_cfg: unknown key "max_iter" for '
                            'IterBasedTrainLoop (did you mean max_iters',
    'model.rpn_head.anchor_generator.type=AnchorGenerater':
        'error: in the config: model.rpn_head.anchor_generator: unknown type "AnchorGenerater": '
        'no such task util is registered (did you mean AnchorGenerator',
    'train_dataloader.dataset.type=CocoDataset':
        'error: in the config: train_dataloader.dataset: unknown type "CocoDataset": no such '
        'dataset is registered (did you mean CocoDetDataset',
    'model.backbone.depth=19': 'error: in the config: ResNet depth must be one of '
                               '[18, 34, 50, 101], got 19',
    'optim_wrapper.on_nonfinite=ignore': "error: in the config: optim_wrapper.on_nonfinite must "
                                         "be 'stop' or 'skip'",
    'train_cfg.max_iters=many': "error: in the config: train_cfg.max_iters: 'many' is a str, "
                                'IterBasedTrainLoop takes int',
    'model.backbone.depth=eighteen': "error: in the config: model.backbone.depth: 'eighteen' is "
                                     'a str, ResNet takes int',
    'optim_wrapper.optimizer.lr=fast': "error: in the config: optim_wrapper.optimizer.lr: "
                                       "'fast' is a str, AdamW takes float or Tensor",
    'train_dataloader.batch_size=four': "error: in the config: train_dataloader.batch_size: "
                                        "'four' is not a positive integer",
    'model.rpn_head.train_proposals.nms_pree=100': 'error: in the config: RPNHead '
                                                   'train_proposals: unknown key "nms_pree"',
    'trian_cfg.max_iters=3': 'error: in the config: unknown top-level key "trian_cfg" (did you '
                             'mean train_cfg?)',
    'model.rpn_head.in_channels=wide': "error: in the config: model.rpn_head.in_channels: 'wide' "
                                       'is a str, RPNHead takes int',
}


@pytest.mark.parametrize('option', list(CONFIG_CASES))
def test_config_inputs_through_train(option, tmp_path, neon_root):
    out = run_tool('train.py', CONFIG, '--work-dir', str(tmp_path), '--cfg-options', *TINY,
                   *data_args(neon_root), option, timeout=300)
    last = out.stderr.strip().splitlines()[-1]
    REPORT.append((f'config {option}', last))
    assert out.returncode == 1 and last.startswith(CONFIG_CASES[option]), out.stderr[-1500:]


def _finite_checkpoints(work):
    """Each checkpoint of ``work`` -> how many of its tensors hold NaN or infinity."""
    from plugins.engine.checkpoint import non_finite
    return {osp.basename(f): len(non_finite(torch.load(f, weights_only=True), 'checkpoint'))
            for f in sorted(glob.glob(osp.join(work, '*.pth')))}


def _on_disk(work):
    counts = _finite_checkpoints(work)
    bad = sum(counts.values())
    return (f'{", ".join(counts)} on disk, ' +
            (f'{bad} non-finite tensors' if bad else 'all finite'))


def test_lr_1e2_stops_cleanly_and_every_checkpoint_is_finite(tmp_path, neon_root):
    """The probe that once saved NaN weights: a finite loss, a non-finite gradient."""
    work = str(tmp_path / 'w')
    args = [CONFIG, '--work-dir', work, '--cfg-options', *TINY, *data_args(neon_root),
            'optim_wrapper.optimizer.lr=100', 'train_cfg.max_iters=25',
            'train_cfg.val_interval=100', 'default_hooks.checkpoint.interval=1']
    out = run_tool('train.py', *args, timeout=600)
    last = out.stderr.strip().splitlines()[-1]
    REPORT.append(('lr 1e2 (stop)', f'{_on_disk(work)}; {last}'))
    stop = re.match(r'error: the (loss|gradient norm) is (nan|inf) at iteration (\d+): training '
                    r'stopped before that step', last)
    assert out.returncode == 1 and stop, out.stderr[-2000:]
    saved = _finite_checkpoints(work)
    assert saved and set(saved.values()) == {0}
    newest = max(int(re.search(r'\d+', name).group()) for name in saved)
    assert newest == int(stop.group(3)) - 1  # saved up to the last good step

    out = run_tool('train.py', *args, '--resume', timeout=600)
    resumed = re.search(r'resumed epoch: 0, iter: (\d+)', out.stdout + out.stderr)
    last = out.stderr.strip().splitlines()[-1]
    REPORT.append(('lr 1e2, then --resume', f'resumed at iteration {resumed and resumed[1]}; '
                   f'{_on_disk(work)}; {last}'))
    assert out.returncode == 1 and resumed and int(resumed[1]) == newest
    assert last.startswith('error: the ') and set(_finite_checkpoints(work).values()) == {0}

    work = str(tmp_path / 'skip')
    out = run_tool('train.py', *args[:2], work, *args[3:], 'optim_wrapper.on_nonfinite=skip',
                   timeout=600)
    last = out.stderr.strip().splitlines()[-1] if out.returncode else 'finished'
    skipped = len(re.findall('step skipped', out.stdout + out.stderr))
    REPORT.append(('lr 1e2 (skip)', f'{skipped} steps skipped; {_on_disk(work)}; {last}'))
    assert skipped and set(_finite_checkpoints(work).values()) == {0}
    assert out.returncode == 0 or 'non-finite gradients in a row' in last, out.stderr[-2000:]


def test_empty_validation_set_and_resume_with_nothing_through_train(tmp_path, neon_root):
    empty = tmp_path / 'empty_val.json'
    coco = json.load(open(osp.join(neon_root, 'val.json')))
    empty.write_text(json.dumps(dict(coco, images=[], annotations=[])))
    base = [CONFIG, '--work-dir', str(tmp_path / 'w'), '--cfg-options', *TINY,
            *data_args(neon_root), 'train_cfg.max_iters=2', 'train_cfg.val_interval=2']
    for name, extra, expected in [
            ('empty validation set', [f'val_dataloader.dataset.ann_file={empty}',
                                      f'val_evaluator.ann_file={empty}'],
             f'error: {empty}: "images" is empty: nothing to train on or evaluate'),
            ('--resume with no checkpoint', ['--resume'],
             f'error: --resume: nothing to resume from in {tmp_path / "w"} (tried: no '
             'checkpoint there); use --resume-or-start')]:
        out = run_tool('train.py', *base, *extra, timeout=300)
        last = out.stderr.strip().splitlines()[-1]
        REPORT.append((f'train.py: {name}', last))
        assert out.returncode == 1 and last.startswith(expected), out.stderr[-1500:]
        assert not glob.glob(str(tmp_path / 'w' / '*.pth'))  # nothing was trained


def _last_error(out):
    return out.stderr.strip().splitlines()[-1]


def test_checkpoint_inputs_through_the_tools(tiny_run, neon_root, tmp_path):
    """Checkpoints that do not fit, are truncated or carry a pickle payload."""
    from tests.engine.test_checkpoint_loading import Payload
    ckpt = str(tiny_run / 'iter_4.pth')  # the tiny detector's, 8 base channels
    out = run_tool('test.py', CONFIG, ckpt, '--work-dir', str(tmp_path / 't'), '--cfg-options',
                   *data_args(neon_root), timeout=300)
    REPORT.append(('checkpoint that does not fit, test.py', _last_error(out)))
    assert out.returncode == 1 and "does not fit the config's model: " in _last_error(out)

    work = tmp_path / 'w'
    work.mkdir()
    (work / 'iter_3.pth').write_bytes(open(ckpt, 'rb').read()[:5000])  # a save cut short
    out = run_tool('train.py', CONFIG, '--work-dir', str(work), '--resume', '--cfg-options',
                   *TINY, *data_args(neon_root), timeout=300)
    REPORT.append(('only a truncated checkpoint, --resume', _last_error(out)))
    assert out.returncode == 1 and 'nothing to resume from' in _last_error(out)
    assert 'iter_3.pth: not a readable checkpoint, truncated or corrupt' in _last_error(out)

    evil, marker = tmp_path / 'evil.pth', tmp_path / 'ran'
    torch.save({'state_dict': Payload(marker)}, evil)
    out = run_tool('infer.py', str(tiny_run / 'faster_rcnn_r18_neon.py'), str(evil),
                   osp.join(neon_root, 'val', 'OSBS_029.png'), '--out-dir', str(tmp_path / 'i'),
                   timeout=300)
    REPORT.append(('pickle payload (os.system) as checkpoint, infer.py', _last_error(out)))
    assert out.returncode == 1 and 'refused, it holds objects that are not tensors' in \
        _last_error(out) and 'system)' in _last_error(out) and not marker.exists()


def test_saving_on_a_full_disk_or_nan_weights_is_one_line(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from plugins.engine.checkpoint import AtomicLocalBackend, SafeCheckpointHook
    from plugins.errors import CheckpointError
    from plugins.utils import fileio
    ckpt = dict(state_dict={'w': torch.tensor([1.0, float('nan')])},
                optimizer=dict(state={0: dict(exp_avg=torch.tensor([float('inf')]))}))
    with pytest.raises(CheckpointError) as e:
        SafeCheckpointHook().before_save_checkpoint(SimpleNamespace(iter=12), ckpt)
    REPORT.append(('weights and optimizer state with NaN at a save', f'error: {e.value}'))
    assert str(e.value).startswith('not saving the checkpoint of iteration 12: 2 tensors hold')

    def full(src, dst):
        raise OSError(28, 'No space left on device')
    monkeypatch.setattr(fileio.os, 'replace', full)
    with pytest.raises(CheckpointError) as e:
        AtomicLocalBackend().put(b'weights', tmp_path / 'iter_3.pth')
    REPORT.append(('a full disk (ENOSPC) while saving', f'error: {e.value}'))
    assert 'iter_3.pth: cannot be written (No space left on device); the checkpoints already' \
        in str(e.value) and not glob.glob(str(tmp_path / '.*tmp*'))


def test_max_iters_within_the_warm_up_runs_as_written(tmp_path, neon_root):
    """The base's 100-iteration warm-up at max_iters=2: WarmupCosineLR shortens it by
    construction (nothing is clamped after loading); a fixed LinearLR that cannot fit is
    one line before anything is built."""
    out = run_tool('train.py', CONFIG, '--work-dir', str(tmp_path), '--cfg-options', *TINY,
                   *data_args(neon_root), 'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
                   'default_hooks.logger.interval=1', timeout=300)
    lrs = re.findall(r'Iter\(train\) \[(\d)/2\].*?lr: ([\d.e+-]+)', out.stdout + out.stderr)
    REPORT.append(('max_iters=2 with the base\'s 100-iteration warm-up',
                   f'exit {out.returncode}; lr per iteration {lrs}'))
    assert out.returncode == 0, out.stderr[-1500:]
    assert lrs == [('1', '1.0000e-05'), ('2', '1.0000e-03')]  # one warm-up step, then the cosine
    leaf = tmp_path / 'fixed_warm_up.py'
    leaf.write_text(f"_base_ = '{CONFIG}'\nparam_scheduler = [dict(type='LinearLR', "
                    "by_epoch=False, begin=0, end=100)]\n")
    out = run_tool('train.py', str(leaf), '--work-dir', str(tmp_path), '--cfg-options', *TINY,
                   *data_args(neon_root), 'train_cfg.max_iters=2', timeout=300)
    last = out.stderr.strip().splitlines()[-1]
    REPORT.append(('max_iters=2 with a fixed LinearLR(end=100)', last))
    assert out.returncode == 1 and last.startswith(
        'error: in the config: param_scheduler[0] LinearLR: begin 0, end 100 do not fit '
        'train_cfg.max_iters=2')


def test_ground_truth_the_dataset_repairs_is_scored_as_repaired(tmp_path, mmlog):
    from plugins.evaluation import CocoMetric
    path = tmp_path / 'gt.json'  # no area anywhere; a negative width; a box partly outside
    path.write_text(json.dumps(_coco([dict(id=1, image_id=1, category_id=1, bbox=[10, 10, 20, 20]),
                                      dict(id=2, image_id=1, category_id=1, bbox=[60, 10, -20, 20]),
                                      dict(id=3, image_id=1, category_id=1,
                                           bbox=[390, 50, 30, 30])])))
    metric = CocoMetric(str(path))
    metric.process({}, [dict(img_id=1, pred_instances=dict(
        bboxes=torch.tensor([[10., 10, 30, 30], [390, 50, 400, 80]]), scores=torch.tensor([.9, .8]),
        labels=torch.zeros(2, dtype=torch.long)))])
    ap = metric.evaluate(size=1)['coco/AP']
    logged = [line.split(' - ')[-1] for line in mmlog.getvalue().splitlines() if 'gt.json' in line]
    REPORT.append(('evaluator: gt without area, negative width, partly outside',
                   f'ok: AP {ap:.3f} against the kept boxes; logged: {logged}'))
    assert ap == pytest.approx(1.0) and any('1 invalid boxes are not ground truth' in line
                                            for line in logged)

    path.write_text(json.dumps(_coco([])))  # the evaluated image has no box at all
    metric = CocoMetric(str(path))
    metric.process({}, [dict(img_id=1, pred_instances=dict(
        bboxes=torch.tensor([[10., 10, 30, 30]]), scores=torch.tensor([.9]),
        labels=torch.zeros(1, dtype=torch.long)))])
    ap = metric.evaluate(size=1)['coco/AP']
    said = [line.split(' - ')[-1] for line in mmlog.getvalue().splitlines()
            if 'have no ground-truth box' in line]
    REPORT.append(('evaluator: evaluated images without ground truth', f'AP {ap}, logged: {said}'))
    assert ap == -1 and said


def test_a_config_with_a_syntax_error_is_one_line(tmp_path):
    leaf = tmp_path / 'leaf.py'
    leaf.write_text(f"_base_ = '{CONFIG}'\noptim_wrapper = dict(optimizer=dict(lr=0.01)\n"
                    'train_cfg = dict(max_iters=3)\n')
    out = run_tool('train.py', str(leaf), '--work-dir', str(tmp_path / 'w'))
    last = out.stderr.strip().splitlines()[-1]
    REPORT.append(('config file with a syntax error', last))
    assert out.returncode == 1
    assert last == f"error: in the config: {leaf}, line 2: syntax error: '(' was never closed"


@pytest.mark.parametrize('kind', ['truncated', 'huge (8000x8000)', '16-bit PNG', '1 pixel'])
def test_image_inputs_through_infer(kind, folder, tiny_run, tmp_path):
    name = re.sub(r'\W+', '_', kind).strip('_') + '.png'
    image_file(folder, name, kind)
    out = run_tool('infer.py', str(tiny_run / 'faster_rcnn_r18_neon.py'),
                   str(tiny_run / 'iter_4.pth'), osp.join(folder, name), '--out-dir', str(tmp_path),
                   timeout=300)
    last = out.stderr.strip().splitlines()[-1] if out.returncode else out.stdout.splitlines()[-1]
    REPORT.append((f'infer.py {kind}', last))
    if kind in ('truncated', 'huge (8000x8000)'):
        assert out.returncode == 1 and last.startswith(f'error: {folder}/{name}: '), last
    else:
        assert out.returncode == 0 and json.load(open(tmp_path / 'predictions.json')), last


def test_validation_rle_past_the_image_is_an_error_for_the_metric(folder):
    """pycocotools loops for ever in rleIou on such counts: the metric's ground truth is
    checked by the dataset's rule first."""
    from plugins.evaluation.coco_ground_truth import ground_truth
    ann = _ann_file(osp.dirname(folder), 'val_rle_past.json',
                    _coco(_one(dict(size=[400, 400], counts=[1000, 200_000]))))
    with pytest.raises(DataError) as e:
        ground_truth(ann, masks=True)
    REPORT.append(('validation RLE past the image (segm metric)', f'error: {e.value}'))
    assert 'annotation 4: RLE "counts" cover 201000 pixels' in str(e.value)


def test_checkpoint_contents_are_checked_before_use(tiny_run, neon_root, tmp_path, mmlog):
    """Checkpoints that unpickle safely but hold values that would give silent wrong
    results (inference), hang or turn NaN (resume), or run code (MMEngine's resume runs
    ``meta.config`` as a Python config file)."""
    from plugins.engine.checkpoint_checks import check_resume
    from plugins.errors import CheckpointError
    config, good = str(tiny_run / 'faster_rcnn_r18_neon.py'), str(tiny_run / 'iter_4.pth')
    ckpt = torch.load(good, weights_only=True)

    def saved(name, edit):
        c = torch.load(good, weights_only=True)
        edit(c)
        torch.save(c, tmp_path / name)
        return str(tmp_path / name)

    nan = saved('nan.pth', lambda c: [v.fill_(float('nan')) for v in c['state_dict'].values()
                                      if v.is_floating_point()])
    int8 = saved('int8.pth', lambda c: c.update(state_dict={
        k: v.to(torch.int8) if v.is_floating_point() else v for k, v in c['state_dict'].items()}))
    for name, path, expected in [('every weight NaN', nan, 'tensors hold NaN or infinity'),
                                 ('weights cast to int8', int8, 'weights are not floating point')]:
        with pytest.raises(CheckpointError) as e:
            init_model(config, path)  # tools/test.py, infer.py and the export load this way
        REPORT.append((f'checkpoint: {name}, inference', f'error: {e.value}'))
        assert str(e.value).startswith(path) and expected in str(e.value)
    for name, classes in [('classes = 5', 5), ('class names with markup and escapes',
                                                ['<script>x</script>', 'tree\x1b[31m'])]:
        path = saved('meta.pth', lambda c: c['meta'].update(dataset_meta=dict(classes=classes)))
        model = init_model(config, path)
        logged = [line for line in mmlog.getvalue().splitlines() if 'dataset_meta ignored' in line]
        classes = model.dataset_meta.get('classes')  # none: labels are shown as numbers
        REPORT.append((f'checkpoint meta: {name}', f'ok: classes {classes}; logged: '
                       f'{logged[-1].split(" - ")[-1]}'))
        assert classes is None and logged

    for name, edit, expected in [
            ('meta.iter = 10**12', lambda c: c['meta'].update(iter=10**12),
             "meta.iter 1000000000000 is past this schedule's 5"),
            ('meta.iter a string', lambda c: c['meta'].update(iter='4'),
             "meta.iter must be a non-negative integer, got '4'"),
            ('optimizer state NaN', lambda c: next(iter(c['optimizer']['state'].values()))[
                'exp_avg'].fill_(float('nan')), 'optimizer state tensors hold NaN')]:
        c = torch.load(good, weights_only=True)
        edit(c)
        with pytest.raises(CheckpointError) as e:
            check_resume(c, 5, None, 'x.pth')  # what SafeCheckpointHook runs on resume
        REPORT.append((f'checkpoint: {name}, --resume', f'error: {e.value}'))
        assert str(e.value).startswith('x.pth: ') and expected in str(e.value)

    marker = tmp_path / 'ran'
    work = tmp_path / 'w'
    work.mkdir()
    ckpt['meta']['config'] = f"x = __import__('pathlib').Path('{marker}').touch()\n"
    torch.save(ckpt, work / 'iter_4.pth')
    out = run_tool('train.py', CONFIG, '--work-dir', str(work), '--resume', '--cfg-options',
                   *TINY, *data_args(neon_root), 'train_cfg.max_iters=5',
                   'train_cfg.val_interval=100', timeout=300)
    said = [line.split(' - ')[-1] for line in (out.stdout + out.stderr).splitlines()
            if 'meta.config ignored' in line]
    REPORT.append(('checkpoint meta.config holding code, --resume',
                   f'exit {out.returncode}, code run: {marker.exists()}; logged: {said}'))
    assert out.returncode == 0 and said and not marker.exists(), out.stderr[-1500:]
    assert 'resumed epoch: 0, iter: 4' in out.stdout + out.stderr


def test_infer_on_a_folder_with_entries_that_are_not_images(tiny_run, neon_root, tmp_path):
    """A FIFO, a sub-folder and a dangling link named like images are skipped (a FIFO
    once hung the run); a text file named .png is skipped after the others are predicted,
    and the run ends with exit 1."""
    import os
    import shutil
    folder = tmp_path / 'in'
    folder.mkdir()
    shutil.copy(osp.join(neon_root, 'val', 'OSBS_029.png'), folder / 'good.png')
    os.mkfifo(folder / 'pipe.png')
    (folder / 'sub.png').mkdir()
    os.symlink(tmp_path / 'absent.png', folder / 'dangling.png')
    (folder / 'text.png').write_text('not an image')
    out_dir = tmp_path / 'out'
    out = run_tool('infer.py', str(tiny_run / 'faster_rcnn_r18_neon.py'),
                   str(tiny_run / 'iter_4.pth'), str(folder), '--out-dir', str(out_dir),
                   timeout=300)
    skipped = [line for line in out.stdout.splitlines() if 'skipped' in line]
    entries = json.load(open(out_dir / 'predictions.json'))
    REPORT.append(('infer.py on a folder with a FIFO, a folder, a dangling link and a text '
                   'file named .png', f'exit {out.returncode}; {skipped}; {_last_error(out)}'))
    assert out.returncode == 1 and _last_error(out).startswith(
        'error: 1 of 2 images could not be read (first: ') and 'text.png' in _last_error(out)
    assert 'skipped 3 entries that are not regular files: dangling.png, pipe.png, sub.png' in \
        skipped[0]
    assert [osp.basename(e['file']) for e in entries] == ['good.png', 'text.png']
    assert 'detections' in entries[0] and 'cannot decode image' in entries[1]['error']


def test_a_crowd_region_is_ignored_in_training(folder):
    """COCO ``iscrowd: 1`` (tests/datasets/test_crowd.py: on a real image, its anchors)."""
    anns = [dict(id=4, image_id=1, category_id=1, bbox=[10, 10, 20, 20]),
            dict(id=5, image_id=1, category_id=1, bbox=[100, 100, 80, 80], iscrowd=1)]
    ann = _ann_file(osp.dirname(folder), 'crowd.json', _coco(anns))
    pipeline = [dict(type='LoadImage'), dict(type='LoadAnnotations'), dict(type='PackDetInputs')]
    sample = CocoDetDataset(ann_file=ann, data_prefix=dict(img=osp.dirname(folder)),
                            pipeline=pipeline)[0]['data_samples']
    outcome = (f'ok: {len(sample.gt_instances)} object, crowd regions in ignored_instances: '
               f'{sample.ignored_instances.bboxes.tolist()} (anchors there neither positive nor '
               'negative)')
    REPORT.append(('an iscrowd: 1 annotation in training', outcome))
    assert len(sample.gt_instances) == 1
    assert sample.ignored_instances.bboxes.tolist() == [[100, 100, 180, 180]]


# SIGINT / SIGTERM and a busy work dir, through tools/train.py: the signals are sent by the
# process itself at a chosen point (tests/engine/interrupting_hook.py), as Ctrl-C would
def _leaf(tmp_path, **signal_hook):
    """CONFIG with ``SendSignalHook(**signal_hook)`` after its own hooks."""
    hooks = list(Config.fromfile(CONFIG).custom_hooks) + [dict(type='SendSignalHook',
                                                               **signal_hook)]
    leaf = tmp_path / f'leaf_{len(list(tmp_path.iterdir()))}.py'
    leaf.write_text(f"_base_ = '{CONFIG}'\ncustom_imports = dict(imports=["
                    f"'tests.engine.interrupting_hook'], allow_failed_imports=False)\n"
                    f'custom_hooks = {hooks!r}\n')
    return str(leaf)


def _signal_args(work, neon_root):
    return ['--work-dir', str(work), '--cfg-options', *TINY, *data_args(neon_root),
            'train_cfg.max_iters=4', 'train_cfg.val_interval=2',
            'default_hooks.checkpoint.interval=1', 'randomness.deterministic=True']


def test_sigterm_in_training_is_one_line(tmp_path, neon_root):
    work = tmp_path / 'w'
    out = run_tool('train.py', _leaf(tmp_path, signal_name='SIGTERM', at=1),
                   *_signal_args(work, neon_root))
    last = out.stderr.strip().splitlines()[-1]
    REPORT.append(('SIGTERM during training', f'exit {out.returncode}: {last}'))
    assert out.returncode == 143 and 'Traceback' not in out.stderr, out.stderr[-2000:]
    assert last.startswith('interrupted (SIGTERM) at iteration 2; newest checkpoint: ') and \
        last.endswith(f'go on with: python tools/train.py CONFIG --work-dir {work} --resume')


def test_sigint_in_validation_then_resume_reruns_it_and_ends_as_uninterrupted(tmp_path,
                                                                               neon_root):
    straight, cut = tmp_path / 'straight', tmp_path / 'cut'
    assert run_tool('train.py', CONFIG, *_signal_args(straight, neon_root)).returncode == 0
    # a shell's background job (the suite run with `&`) ignores SIGINT, and so would the
    # tool it starts: Ctrl-C reaches a foreground job, so the tool is started as one
    out = run_tool('train.py', _leaf(tmp_path, signal_name='SIGINT', val_at=2),
                   *_signal_args(cut, neon_root),
                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    last = out.stderr.strip().splitlines()[-1]
    REPORT.append(('SIGINT (Ctrl-C) during validation', f'exit {out.returncode}: {last}'))
    assert out.returncode == 130 and 'Traceback' not in out.stderr, out.stderr[-2000:]
    assert last.startswith(f'interrupted (SIGINT) at iteration 2; newest checkpoint: '
                           f'{cut}/iter_2.pth')
    out = run_tool('train.py', CONFIG, *_signal_args(cut, neon_root), '--resume')
    assert out.returncode == 0, out.stderr[-2000:]
    log = out.stdout + out.stderr
    assert 'the validation at iteration 2 did not finish before the run stopped: running it ' \
        'now' in log and 'resumed epoch: 0, iter: 2' in log
    assert log.count('Iter(val) [') >= 2  # the validation at 2 again, then the one at 4
    a, b = (torch.load(w / 'iter_4.pth', weights_only=True) for w in (straight, cut))
    diff = {k: _max_diff(a[k], b[k]) for k in ('state_dict', 'optimizer')}
    REPORT.append(('... then --resume', f'exit {out.returncode}; validation at 2 rerun; final '
                   f'weights vs an uninterrupted run: max |diff| {diff}'))
    assert diff == {'state_dict': 0.0, 'optimizer': 0.0}


def test_a_second_training_on_a_busy_work_dir_refuses(tmp_path, neon_root):
    work = tmp_path / 'w'
    first = subprocess.Popen([sys.executable, f'{ROOT}/tools/train.py', CONFIG,
                              *_signal_args(work, neon_root), 'train_cfg.max_iters=1000'], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while not (work / 'iter_1.pth').exists() and time.time() < deadline:
            time.sleep(0.1)
        out = run_tool('train.py', CONFIG, *_signal_args(work, neon_root))
    finally:
        first.terminate()
        first.wait()
    REPORT.append(('a second training on a busy work dir', _last_error(out)))
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1] == (
        f'error: in the config: {work}: another training (pid {first.pid}) is using this work '
        'dir; wait for it to end or choose another --work-dir')


def test_a_swapped_hub_cache_file_is_refused(tmp_path, monkeypatch):
    """A tensor-only file in place of torchvision's resnet18 in the hub cache (torch.hub
    checks a name's hash prefix only when it downloads; tests/engine/test_remote_checkpoints.py
    has the other cache cases)."""
    from plugins.engine import checkpoint_loading
    from plugins.errors import CheckpointError
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path))
    (tmp_path / 'checkpoints').mkdir()
    torch.save({'conv1.weight': torch.zeros(64, 3, 7, 7)},
               tmp_path / 'checkpoints' / 'resnet18-f37072fd.pth')
    with pytest.raises(CheckpointError) as e:
        checkpoint_loading.load_any('torchvision://resnet18')
    REPORT.append(('a swapped file in the hub cache (torchvision://resnet18)', f'error: {e.value}'))
    assert 'resnet18-f37072fd.pth: refused, its SHA-256 starts with ' in str(e.value)
    assert 'not f37072fd as its name says' in str(e.value)


def _label_maps(root, maps, rgb=False):
    """Images and label maps (H, W) in ``root``/img and ``root``/ann."""
    for sub in ('img', 'ann'):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for i, label in enumerate(maps):
        cv2.imwrite(str(root / 'img' / f'{i}.png'), np.full((*label.shape, 3), 100, np.uint8))
        cv2.imwrite(str(root / 'ann' / f'{i}.png'),
                    np.repeat(label[..., None], 3, 2) if rgb else label)
    return dict(data_root=str(root), data_prefix=dict(img_path='img', seg_map_path='ann'))


def _mask(foreground: int) -> np.ndarray:
    label = np.zeros((32, 32), np.uint8)
    label[8:24, 8:24] = foreground
    return label


LABEL_CASES = {  # name -> (label maps, classes, rgb, expected outcome)
    'label maps 0/255, two classes (the 0/255 trap)': (
        [_mask(255), _mask(255)], ('background', 'tree'), False,
        r"error: .*0\.png and the other 1 label maps hold only 0 and 255 \(the ignore index\)"
        r": no pixel of classes 1 \.\. 1\. Foreground saved as 255\? Map it to 1"),
    'label maps 0/1, num_classes=1 (classes=("tree",))': (
        [_mask(1)], ('tree',), False,
        r"error: .*0\.png: label values \[1\] outside 0 \.\. 0 \(1 class\) and not the ignore "
        r"index 255; a binary task needs two classes"),
    'label maps 0/1, two classes': (
        [_mask(1), _mask(0)], ('background', 'tree'), False,
        r'ok: .*pixels per class: background 1792, tree 256, ignored 0'),
    'label value 7 with 3 classes': (
        [_mask(7)], ('a', 'b', 'c'), False,
        r"error: .*0\.png: label values \[7\] outside 0 \.\. 2 \(3 classes\)"),
    'label map saved as RGB': (
        [_mask(1)], ('background', 'tree'), True,
        r'error: .*0\.png: label map has 3 channels; it must be one channel'),
}


@pytest.mark.parametrize('case', list(LABEL_CASES))
def test_label_map_inputs(case, tmp_path, mmlog):
    from plugins.datasets.seg_dataset import SegDataset
    maps, classes, rgb, expected = LABEL_CASES[case]
    try:
        SegDataset(**_label_maps(tmp_path, maps, rgb), metainfo=dict(classes=classes))
        outcome = 'ok: ' + next(line for line in mmlog.getvalue().splitlines()
                               if 'pixels per class' in line)
    except DataError as e:
        outcome = f'error: {e}'
    REPORT.append((case, outcome))
    assert re.match(expected, outcome), outcome


def _importer_case(tmp_path, kind):
    """Write one bad file of ``kind``; returns the call that reads it."""
    from plugins.datasets import formats
    cv2.imwrite(str(tmp_path / 'a.png'), np.zeros((30, 40, 3), np.uint8))
    if kind == 'voc':
        (tmp_path / 'a.xml').write_text('<annotation><filename>a.png</filename><object><name>t'
                                        '</name><bndbox><xmin>1</xmin></bndbox></object>'
                                        '</annotation>')
        return lambda: formats.read_voc_folder(str(tmp_path), str(tmp_path))
    if kind == 'yolo':
        (tmp_path / 'a.txt').write_text('0 0.5 0.5 0.2 0.2\n0 20 15 8 6\n')
        return lambda: formats.read_yolo(str(tmp_path), str(tmp_path), ['tree'])
    if kind == 'csv':
        (tmp_path / 'b.csv').write_text('image_path,xmin,ymin,xmax,ymax,label\n'
                                        'a.png,10,10,5,20,Tree\n')
        return lambda: formats.read_csv(str(tmp_path / 'b.csv'), str(tmp_path))
    if kind == 'labelme':
        (tmp_path / 'a.json').write_text(json.dumps(dict(
            imagePath='a.png', imageWidth=40, imageHeight=30,
            shapes=[dict(label='t', points=[[1, 1]], shape_type='point')])))
        return lambda: formats.read_labelme(str(tmp_path))
    (tmp_path / 'c.xml').write_text('<annotations><image name="a.png" width="40" height="30">'
                                    '<polygon label="t" points="1,1;x,2;3,3"/></image>'
                                    '</annotations>')
    return lambda: formats.read_cvat(str(tmp_path / 'c.xml'))


IMPORTER_CASES = {
    'VOC object without xmax/ymin/ymax': (
        'voc', r'error: .*a\.xml: object 0 needs <name> and <bndbox> with xmin, ymin, xmax, ymax'),
    'YOLO line in pixels': (
        'yolo', r'error: .*a\.txt:2: 20\.0 15\.0 8\.0 6\.0 are not normalised to 0 \.\. 1'),
    'DeepForest CSV row with xmax < xmin': (
        'csv', r'error: .*b\.csv:2: box \[10\.0, 10\.0, 5\.0, 20\.0\] has no area'),
    'LabelMe point shape': (
        'labelme', r'error: .*a\.json: shape 0: a point of 1 points; rectangles \(2\) and '),
    'CVAT polygon with a non-number': (
        'cvat', r"error: .*c\.xml: image 'a\.png': needs name, width, height, and numeric"),
}


@pytest.mark.parametrize('case', list(IMPORTER_CASES))
def test_importer_inputs(case, tmp_path):
    kind, expected = IMPORTER_CASES[case]
    try:
        coco = _importer_case(tmp_path, kind)().to_dict()
        outcome = f'ok: {len(coco["annotations"])} boxes'
    except DataError as e:
        outcome = f'error: {e}'
    REPORT.append((f'import: {case}', outcome))
    assert re.match(expected, outcome), outcome
