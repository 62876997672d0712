"""COCO crowd regions (``iscrowd: 1``) in training: not objects, but regions whose anchors
and proposals are neither positive nor negative (as the metric ignores detections there).
The case is real: OSBS_029's annotated trees, the densest ones merged into one crowd
region, as COCO annotators mark a group too dense to box one by one."""
import json
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from plugins.datasets import CocoDetDataset
from plugins.registry import MODELS, TASK_UTILS
from tests.conftest import CONFIG

PIPELINE = [dict(type='LoadImage'), dict(type='LoadAnnotations'), dict(type='PackDetInputs')]


def crowd_json(neon_root, tmp_path, crowd: bool = True):
    """val.json with its 12 trees nearest (200, 200) replaced by their union box, a crowd
    region (or, ``crowd=False``, left out altogether)."""
    coco = json.load(open(osp.join(neon_root, 'val.json')))
    anns = sorted(coco['annotations'], key=lambda a: (a['bbox'][0] + a['bbox'][2] / 2 - 200) ** 2
                  + (a['bbox'][1] + a['bbox'][3] / 2 - 200) ** 2)
    dense, rest = anns[:12], anns[12:]
    x1 = min(a['bbox'][0] for a in dense)
    y1 = min(a['bbox'][1] for a in dense)
    x2 = max(a['bbox'][0] + a['bbox'][2] for a in dense)
    y2 = max(a['bbox'][1] + a['bbox'][3] for a in dense)
    region = dict(id=9999, image_id=1, category_id=1, iscrowd=1, area=(x2 - x1) * (y2 - y1),
                  bbox=[x1, y1, x2 - x1, y2 - y1])
    path = tmp_path / f'crowd_{crowd}.json'
    path.write_text(json.dumps(dict(coco, annotations=rest + [region] * crowd)))
    return str(path), [x1, y1, x2, y2], len(rest)


def test_a_crowd_region_is_packed_as_ignored_not_as_an_object(neon_root, tmp_path):
    ann, region, objects = crowd_json(neon_root, tmp_path)
    sample = CocoDetDataset(ann, data_prefix=dict(img=neon_root), pipeline=PIPELINE)[0]
    ds = sample['data_samples']
    assert len(ds.gt_instances) == objects == 49
    assert ds.ignored_instances.bboxes.tolist() == [region]


def test_anchors_in_a_crowd_region_are_ignored_not_negative(neon_root, tmp_path):
    ann, region, _ = crowd_json(neon_root, tmp_path)
    gt = CocoDetDataset(ann, data_prefix=dict(img=neon_root), pipeline=PIPELINE)[0][
        'data_samples'].gt_instances
    rpn = Config.fromfile(CONFIG).model.rpn_head  # the default detector's RPN
    generator = TASK_UTILS.build(rpn.anchor_generator)
    anchors = torch.cat(generator.grid_anchors([(400 // s, 400 // s) for s in generator.strides],
                                               torch.device('cpu'), (400, 400)))
    assigner = TASK_UTILS.build(rpn.assigner)
    crowd = torch.tensor([region])
    plain = assigner.assign(anchors, gt.bboxes, gt.labels)
    ignoring = assigner.assign(anchors, gt.bboxes, gt.labels, crowd)
    x1, y1, x2, y2 = anchors.unbind(1)
    inside = (x1 >= region[0]) & (y1 >= region[1]) & (x2 <= region[2]) & (y2 <= region[3])
    negative = [int((a.gt_inds[inside] == 0).sum()) for a in (plain, ignoring)]
    print(f'{len(anchors)} anchors, {int(inside.sum())} inside the crowd region: negative '
          f'{negative[0]} -> {negative[1]}')
    assert (plain.gt_inds[inside] == 0).sum() > 100
    assert not (ignoring.gt_inds[inside] == 0).any()  # ignored (or positive), never negative
    assert torch.equal(plain.gt_inds > 0, ignoring.gt_inds > 0)  # positives unchanged


@pytest.mark.parametrize('config', ['faster_rcnn/faster_rcnn_r18_neon.py',
                                    'retinanet/retinanet_r18_fpn_neon.py',
                                    'ssd/ssd300_vgg16_neon.py'])
def test_the_losses_leave_a_crowd_region_out(config, neon_root, tmp_path):
    """The same image with the crowd region, and with the trees it covers left out: the
    region changes the classification losses (its anchors and proposals are no longer
    negatives), the box losses (positives only) stay as they were."""
    from plugins.config import load_config
    cfg = load_config(osp.join(osp.dirname(CONFIG), '..', config))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.train()
    for m in model.modules():  # batch statistics would differ with nothing else
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.eval()
    losses = []
    for crowd in (True, False):
        ann, _, _ = crowd_json(neon_root, tmp_path, crowd)
        pipeline = [p for p in cfg.train_dataloader.dataset.pipeline
                    if p['type'] in ('LoadImage', 'LoadAnnotations', 'Resize', 'PackDetInputs')]
        sample = CocoDetDataset(ann, data_prefix=dict(img=neon_root), pipeline=pipeline)[0]
        batch = model.data_preprocessor(dict(inputs=[sample['inputs']],
                                             data_samples=[sample['data_samples']]), True)
        torch.manual_seed(0)
        with torch.no_grad():
            losses.append({k: float(sum(v) if isinstance(v, list) else v)
                           for k, v in model(**batch, mode='loss').items()})
    cls_key = next(k for k in losses[0] if 'cls' in k)
    print(config, {k: (round(a, 5), round(losses[1][k], 5)) for k, a in losses[0].items()})
    assert all(torch.isfinite(torch.tensor(list(d.values()))).all() for d in losses)
    assert losses[0][cls_key] != losses[1][cls_key]
    box_key = next(k for k in losses[0] if 'bbox' in k)
    assert losses[0][box_key] == pytest.approx(losses[1][box_key], rel=1e-5)
