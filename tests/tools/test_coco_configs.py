"""The COCO test configs run as a user runs them, with no edits: torchvision's state dict
(random weights here, no download) -> tools/convert_torchvision.py --coco80 ->
tools/test.py CONFIG converted.pth, in a folder holding ``data/coco/`` laid out as COCO
(real NEON images as val2017 jpgs, COCO's 80 categories with their ids)."""
import glob
import json
import os.path as osp

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
    'retinanet/retinanet_r50_fpn_coco.py': 'retinanet_resnet50_fpn',
    'retinanet/retinanet_r50_fpn_v2_coco.py': 'retinanet_resnet50_fpn_v2',
    'fcos/fcos_r50_fpn_coco.py': 'fcos_resnet50_fpn',
    'ssd/ssd300_vgg16_coco.py': 'ssd300_vgg16',
    'ssd/ssdlite320_mobilenet_v3_large_coco.py': 'ssdlite320_mobilenet_v3_large',
}


def test_every_coco_config_is_covered():
    found = {osp.relpath(p, osp.join(ROOT, 'configs'))
             for p in glob.glob(osp.join(ROOT, 'configs', '**', '*_coco.py'), recursive=True)}
    assert found == set(BUILDERS)


@pytest.fixture(scope='module')
def coco_folder(tmp_path_factory, neon_root):
    """A working folder with data/coco/: two real images (one not square), NEON's boxes
    labelled with COCO categories, each with its box as a polygon mask."""
    root = tmp_path_factory.mktemp('coco_user')
    (root / 'data' / 'coco' / 'val2017').mkdir(parents=True)
    (root / 'data' / 'coco' / 'annotations').mkdir()
    names = tvdet.FasterRCNN_ResNet50_FPN_Weights.COCO_V1.meta['categories']
    cats = [dict(id=i, name=n) for i, n in enumerate(names) if n not in ('__background__', 'N/A')]
    neon = json.load(open(osp.join(neon_root, 'val.json')))
    image = cv2.imread(osp.join(neon_root, neon['images'][0]['file_name']))
    images, anns = [], []
    for img_id, crop in ((1, image), (2, image[:, :300])):
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
    return root


@pytest.mark.parametrize('config', list(BUILDERS))
def test_converted_weights_test_with_no_edits(config, coco_folder, tmp_path):
    torch.manual_seed(0)
    tv = getattr(tvdet, BUILDERS[config])(weights=None, weights_backbone=None)
    src, dst = tmp_path / 'tv.pth', tmp_path / 'converted.pth'
    torch.save(tv.state_dict(), src)
    out = run_tool('convert_torchvision.py', str(src), str(dst), '--coco80', timeout=300)
    assert out.returncode == 0 and 'num_classes=80' in out.stdout, out.stderr[-1500:]
    src.unlink()
    out = run_tool('test.py', osp.join(ROOT, 'configs', config), str(dst), cwd=coco_folder,
                   timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    metrics = out.stdout.strip().splitlines()[-1]
    print(f'{config}: {metrics[:120]}')
    assert metrics.startswith('coco/AP=') and 'coco/AP50=' in metrics
    assert ('coco/segm_AP=' in metrics) == config.startswith('mask_rcnn')
