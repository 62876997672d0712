"""The COCO and Pascal VOC test configs run as a user runs them, with no edits:
torchvision's state dict (random weights here, no download) ->
tools/convert_torchvision.py [--coco80] -> tools/test.py CONFIG converted.pth, in a folder
holding ``data/coco/`` laid out as COCO (a real NEON image as a val2017 jpg, COCO's 80
categories with their ids) or ``data/VOCdevkit/VOC2012/`` (digit composites as jpgs with
their label maps, one of them listed in val.txt). One detector and one segmentor go
through the two tools as subprocesses (``THROUGH_TOOLS``); the others call what the tools
call (``convert``, ``load_config`` + ``config_for_test``, the Runner) in the test's process,
which saves two interpreter starts and a 170 MB file round trip each."""
import glob
import json
import os
import os.path as osp
import shutil

import cv2
import pytest
import torch
import torchvision.models.detection as tvdet

from tests.conftest import ROOT, run_tool

BUILDERS = {  # config -> torchvision builder
    'faster_rcnn/faster_rcnn_r50_fpn_coco.py': 'fasterrcnn_resnet50_fpn',
    'faster_rcnn/faster_rcnn_r50_fpn_v2_coco.py': 'fasterrcnn_resnet50_fpn_v2',
    'faster_rcnn/faster_rcnn_mobilenet_v3_large_fpn_coco.py': 'fasterrcnn_mobilenet_v3_large_fpn',
    'faster_rcnn/faster_rcnn_mobilenet_v3_large_320_fpn_coco.py':
        'fasterrcnn_mobilenet_v3_large_320_fpn',
    'mask_rcnn/mask_rcnn_r50_fpn_coco.py': 'maskrcnn_resnet50_fpn',
    'mask_rcnn/mask_rcnn_r50_fpn_v2_coco.py': 'maskrcnn_resnet50_fpn_v2',
    'keypoint_rcnn/keypoint_rcnn_r50_fpn_coco.py': 'keypointrcnn_resnet50_fpn',
    'retinanet/retinanet_r50_fpn_coco.py': 'retinanet_resnet50_fpn',
    'retinanet/retinanet_r50_fpn_v2_coco.py': 'retinanet_resnet50_fpn_v2',
    'fcos/fcos_r50_fpn_coco.py': 'fcos_resnet50_fpn',
    'ssd/ssd300_vgg16_coco.py': 'ssd300_vgg16',
    'ssd/ssdlite320_mobilenet_v3_large_coco.py': 'ssdlite320_mobilenet_v3_large',
}


SEG_BUILDERS = {  # config -> torchvision builder
    'fcn/fcn_r50_d8_voc.py': 'fcn_resnet50', 'fcn/fcn_r101_d8_voc.py': 'fcn_resnet101',
    'deeplabv3/deeplabv3_r50_d8_voc.py': 'deeplabv3_resnet50',
    'deeplabv3/deeplabv3_r101_d8_voc.py': 'deeplabv3_resnet101',
    'deeplabv3/deeplabv3_mobilenet_v3_large_voc.py': 'deeplabv3_mobilenet_v3_large',
    'lraspp/lraspp_mobilenet_v3_large_voc.py': 'lraspp_mobilenet_v3_large',
}


def test_every_coco_and_voc_config_is_covered():
    def found(ending):
        return {osp.relpath(p, osp.join(ROOT, 'configs'))
                for p in glob.glob(osp.join(ROOT, 'configs', '**', ending), recursive=True)}
    assert found('*_coco.py') == set(BUILDERS) and found('*_voc.py') == set(SEG_BUILDERS)


@pytest.fixture(scope='module')
def coco_folder(tmp_path_factory, neon_root):
    """A working folder with data/coco/: a real image (not square), NEON's boxes
    labelled with COCO categories, each with its box as a polygon mask; and as
    person_keypoints_val2017.json, every box a person with 17 keypoints on its diagonal."""
    root = tmp_path_factory.mktemp('coco_user')
    (root / 'data' / 'coco' / 'val2017').mkdir(parents=True)
    (root / 'data' / 'coco' / 'annotations').mkdir()
    names = tvdet.FasterRCNN_ResNet50_FPN_Weights.COCO_V1.meta['categories']
    cats = [dict(id=i, name=n) for i, n in enumerate(names) if n not in ('__background__', 'N/A')]
    neon = json.load(open(osp.join(neon_root, 'val.json')))
    image = cv2.imread(osp.join(neon_root, neon['images'][0]['file_name']))
    images, anns = [], []
    for img_id, crop in ((1, image[:, :300]),):  # one image, not square
        cv2.imwrite(str(root / 'data' / 'coco' / 'val2017' / f'{img_id:012d}.jpg'), crop)
        images.append(dict(id=img_id, file_name=f'{img_id:012d}.jpg', width=crop.shape[1],
                           height=crop.shape[0]))
        for k, a in enumerate(a for a in neon['annotations'] if a['bbox'][0] + a['bbox'][2]
                              <= crop.shape[1]):
            x, y, w, h = a['bbox']
            anns.append(dict(a, id=len(anns) + 1, image_id=img_id,
                             category_id=cats[k % len(cats)]['id'],
                             segmentation=[[x, y, x + w, y, x + w, y + h, x, y + h]]))
    json.dump(dict(images=images, annotations=anns, categories=cats),
              open(root / 'data' / 'coco' / 'annotations' / 'instances_val2017.json', 'w'))
    people = [dict(a, category_id=1, num_keypoints=17, keypoints=[
        v for i in range(17) for v in (a['bbox'][0] + a['bbox'][2] * (i + 0.5) / 17,
                                       a['bbox'][1] + a['bbox'][3] * (i + 0.5) / 17, 2)])
        for a in anns]
    json.dump(dict(images=images, annotations=people, categories=[cats[0]]),
              open(root / 'data' / 'coco' / 'annotations' / 'person_keypoints_val2017.json', 'w'))
    return root


THROUGH_TOOLS = ('faster_rcnn/faster_rcnn_r50_fpn_coco.py', 'fcn/fcn_r50_d8_voc.py')


def _convert_then_test(tv, config, folder, tmp_path, num_classes, *convert_args) -> str:
    """tools/convert_torchvision.py on ``tv``'s state dict, then tools/test.py ``config`` in
    ``folder`` (or the same steps in process, but for ``THROUGH_TOOLS``): the metrics line
    tools/test.py ends with."""
    if config not in THROUGH_TOOLS:
        return _in_process(tv, config, folder, tmp_path, num_classes, '--coco80' in convert_args)
    src, dst = tmp_path / 'tv.pth', tmp_path / 'converted.pth'
    torch.save(tv.state_dict(), src)
    out = run_tool('convert_torchvision.py', str(src), str(dst), *convert_args, timeout=300)
    assert out.returncode == 0 and f'num_classes={num_classes}' in out.stdout, out.stderr[-1500:]
    src.unlink()
    out = run_tool('test.py', osp.join(ROOT, 'configs', config), str(dst), cwd=folder,
                   timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    metrics = out.stdout.strip().splitlines()[-1]
    print(f'{config}: {metrics[:120]}')
    return metrics


def _in_process(tv, config, folder, tmp_path, num_classes, coco80) -> str:
    from mmengine.runner import Runner

    from plugins.config import config_for_test, load_config
    from plugins.converters.torchvision import convert, num_classes_of
    state = convert(tv.state_dict(), coco80=coco80)
    assert num_classes_of(state) == num_classes
    torch.save(dict(state_dict=state), tmp_path / 'converted.pth')
    here = os.getcwd()
    os.chdir(folder)  # the config's data/... paths, as for a user in that folder
    try:
        cfg = config_for_test(load_config(osp.join(ROOT, 'configs', config),
                                      work_dir=str(tmp_path / 'work')),
                          str(tmp_path / 'converted.pth'))
        metrics = Runner.from_cfg(cfg).test()
    finally:
        os.chdir(here)
    return ' '.join(f'{k}={v:.4f}' if isinstance(v, float) else f'{k}={v}'
                    for k, v in metrics.items())


@pytest.mark.parametrize('config', list(BUILDERS))
def test_converted_weights_test_with_no_edits(config, coco_folder, tmp_path):
    torch.manual_seed(0)
    tv = getattr(tvdet, BUILDERS[config])(weights=None, weights_backbone=None)
    person = config.startswith('keypoint_rcnn')  # one class: no --coco80
    metrics = _convert_then_test(tv, config, coco_folder, tmp_path, 1 if person else 80,
                                 *([] if person else ['--coco80']))
    assert metrics.startswith('coco/AP=') and 'coco/AP50=' in metrics
    assert ('coco/segm_AP=' in metrics) == config.startswith('mask_rcnn')
    assert ('coco/keypoints_AP=' in metrics) == person


@pytest.fixture(scope='module')
def voc_folder(tmp_path_factory, composites_root):
    """A working folder with data/VOCdevkit/VOC2012/: composites as JPEGImages, their label
    maps (classes 0-10 of VOC's 21) as SegmentationClass, one stem in val.txt."""
    root = tmp_path_factory.mktemp('voc_user')
    voc = root / 'data' / 'VOCdevkit' / 'VOC2012'
    for sub in ('JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation'):
        (voc / sub).mkdir(parents=True)
    stems = sorted(osp.splitext(f)[0] for f in os.listdir(osp.join(composites_root, 'images',
                                                                   'val')))
    for stem in stems:
        image = cv2.imread(osp.join(composites_root, 'images', 'val', stem + '.png'))
        cv2.imwrite(str(voc / 'JPEGImages' / f'{stem}.jpg'), image)
        shutil.copy(osp.join(composites_root, 'labels', 'val', stem + '.png'),
                    voc / 'SegmentationClass' / f'{stem}.png')
    (voc / 'ImageSets' / 'Segmentation' / 'val.txt').write_text('\n'.join(stems[:1]) + '\n')
    return root


@pytest.mark.parametrize('config', list(SEG_BUILDERS))
def test_converted_segmentation_weights_test_on_voc_with_no_edits(config, voc_folder, tmp_path):
    import torchvision.models.segmentation as tvseg
    torch.manual_seed(0)
    aux = {} if 'lraspp' in config else dict(aux_loss=True)  # as the published weights
    tv = getattr(tvseg, SEG_BUILDERS[config])(weights=None, weights_backbone=None,
                                              num_classes=21, **aux)
    metrics = _convert_then_test(tv, config, voc_folder, tmp_path, 21)
    assert metrics.startswith('seg/') and 'seg/mIoU=' in metrics
    assert 'seg/IoU.tvmonitor=' in metrics  # the 21 VOC classes
