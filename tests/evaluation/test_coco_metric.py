"""CocoMetric on hand-made cases whose AP is known."""
import json

import pytest
import torch

from plugins.evaluation import CocoMetric


@pytest.fixture
def ann_file(tmp_path):
    path = tmp_path / 'gt.json'
    path.write_text(json.dumps(dict(
        images=[dict(id=1, file_name='a.png', width=100, height=100),
                dict(id=2, file_name='b.png', width=100, height=100)],
        annotations=[dict(id=1, image_id=1, category_id=1, bbox=[10, 10, 20, 20], area=400,
                          iscrowd=0),
                     dict(id=2, image_id=2, category_id=1, bbox=[50, 50, 30, 30], area=900,
                          iscrowd=0)],
        categories=[dict(id=1, name='Tree')])))
    return str(path)


def _pred(img_id, boxes, scores):
    return dict(img_id=img_id, pred_instances=dict(
        bboxes=torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
        scores=torch.tensor(scores), labels=torch.zeros(len(scores), dtype=torch.long)))


def test_perfect_predictions(ann_file, tmp_path):
    metric = CocoMetric(ann_file, outfile=str(tmp_path / 'dets.json'))
    metric.process({}, [_pred(1, [[10, 10, 30, 30]], [0.9]), _pred(2, [[50, 50, 80, 80]], [0.8])])
    result = metric.evaluate(size=2)  # as the Runner calls it: one result per image
    assert result['coco/AP'] == pytest.approx(1.0) and result['coco/AP50'] == pytest.approx(1.0)
    dets = json.loads((tmp_path / 'dets.json').read_text())
    assert dets[0]['bbox'] == [10, 10, 20, 20] and dets[0]['category_id'] == 1


def test_one_of_two_found_and_a_false_positive_ranked_first(ann_file):
    metric = CocoMetric(ann_file)
    metric.process({}, [_pred(1, [[60, 60, 90, 90], [10, 10, 30, 30]], [0.9, 0.8]),
                        _pred(2, [], [])])
    result = metric.evaluate(size=2)
    # recall reaches 0.5 at precision 0.5: 51 of COCO's 101 recall points at 0.5
    assert result['coco/AP50'] == pytest.approx(51 / 101 * 0.5, abs=1e-3)


def test_no_detections_gives_zeros(ann_file):
    metric = CocoMetric(ann_file)
    metric.process({}, [_pred(1, [], []), _pred(2, [], [])])
    assert metric.evaluate(size=2)['coco/AP50'] == 0


def test_many_detections_on_one_image_all_count(ann_file):
    """Regression: every detection of an image is evaluated, not the first len(dataset)."""
    metric = CocoMetric(ann_file)
    boxes = [[0, 0, 5, 5]] * 5 + [[10, 10, 30, 30]]
    metric.process({}, [_pred(1, boxes, [0.9] * 5 + [0.1]), _pred(2, [[50, 50, 80, 80]], [0.8])])
    result = metric.evaluate(size=2)
    assert result['coco/AR_100'] == pytest.approx(1.0)


def test_proposal_recall_counts_only_the_top_n(ann_file):
    metric = CocoMetric(ann_file, proposal_nums=(1, 2))
    metric.process({}, [_pred(1, [[60, 60, 90, 90], [10, 10, 30, 30]], [0.9, 0.8]),
                        _pred(2, [[50, 50, 80, 80]], [0.7])])
    result = metric.evaluate(size=2)
    # image 1's box is the second proposal: found at n=2 only; image 2's at n=1
    assert result == {'coco/AR@1': pytest.approx(0.5), 'coco/AR@2': pytest.approx(1.0)}


def test_scored_against_the_boxes_the_dataset_keeps(tmp_path, mmlog):
    """A negative-width box (skipped by the dataset) is no ground truth, a box partly
    outside is scored clipped, and a missing ``area`` is the box's."""
    path = tmp_path / 'gt.json'
    path.write_text(json.dumps(dict(
        images=[dict(id=1, file_name='a.png', width=100, height=100)],
        annotations=[dict(image_id=1, category_id=1, bbox=[10, 10, 20, 20]),
                     dict(image_id=1, category_id=1, bbox=[60, 10, -20, 20]),
                     dict(image_id=1, category_id=1, bbox=[90, 50, 30, 30])],
        categories=[dict(id=1, name='Tree')])))
    metric = CocoMetric(str(path))
    assert 'gt.json: 1 invalid boxes are not ground truth' in mmlog.getvalue()
    metric.process({}, [_pred(1, [[10, 10, 30, 30], [90, 50, 100, 80]], [0.9, 0.8])])
    result = metric.evaluate(size=1)
    assert result['coco/AP'] == pytest.approx(1.0)


def test_no_ground_truth_is_said(tmp_path, mmlog):
    path = tmp_path / 'empty.json'
    path.write_text(json.dumps(dict(images=[dict(id=1, file_name='a.png', width=9, height=9)],
                                    categories=[dict(id=1, name='Tree')])))
    metric = CocoMetric(str(path))
    metric.process({}, [_pred(1, [[1, 1, 5, 5]], [0.9])])
    result = metric.evaluate(size=1)
    assert result['coco/AP'] == -1
    assert 'the 1 evaluated images have no ground-truth box' in mmlog.getvalue()


@pytest.fixture
def mask_ann_file(tmp_path):
    """Two images, one 20 x 20 square each, as a polygon and as an RLE."""
    from pycocotools import mask as mask_utils
    import numpy as np
    square = np.zeros((100, 100), np.uint8, order='F')
    square[50:70, 50:70] = 1
    rle = mask_utils.encode(square)
    path = tmp_path / 'gt_masks.json'
    path.write_text(json.dumps(dict(
        images=[dict(id=1, file_name='a.png', width=100, height=100),
                dict(id=2, file_name='b.png', width=100, height=100)],
        annotations=[dict(id=1, image_id=1, category_id=1, bbox=[10, 10, 20, 20], area=400,
                          segmentation=[[10, 10, 30, 10, 30, 30, 10, 30]]),
                     dict(id=2, image_id=2, category_id=1, bbox=[50, 50, 20, 20], area=400,
                          segmentation=dict(size=rle['size'], counts=rle['counts'].decode()))],
        categories=[dict(id=1, name='Tree')])))
    return str(path)


def _mask_pred(img_id, box, rows):
    pred = _pred(img_id, [box], [0.9])
    masks = torch.zeros(1, 100, 100, dtype=torch.bool)
    x1, y1, x2, y2 = box
    masks[0, rows[0]:rows[1], x1:x2] = True
    pred['pred_instances']['masks'] = masks
    return pred


def test_mask_ap_next_to_box_ap(mask_ann_file, tmp_path):
    metric = CocoMetric(mask_ann_file, iou_types=('bbox', 'segm'), outfile=str(tmp_path / 'd.json'))
    metric.process({}, [_mask_pred(1, [10, 10, 30, 30], (10, 30)),   # exact
                        _mask_pred(2, [50, 50, 70, 70], (50, 58))])  # box exact, mask 40 %
    result = metric.evaluate(size=2)
    assert result['coco/AP'] == pytest.approx(1.0)
    assert result['coco/segm_AP50'] == pytest.approx(0.5, abs=0.01)  # one of two at IoU 0.5
    dets = json.loads((tmp_path / 'd.json').read_text())
    assert dets[0]['segmentation']['size'] == [100, 100]  # RLE in the JSON output


def test_mask_ap_needs_masks_on_both_sides(mask_ann_file, ann_file):
    from plugins.errors import ConfigError, DataError
    with pytest.raises(DataError, match=r'gt\.json: 2 annotations have no valid segmentation'):
        CocoMetric(ann_file, iou_types=('bbox', 'segm'))
    metric = CocoMetric(mask_ann_file, iou_types=('bbox', 'segm'))
    with pytest.raises(ConfigError, match='predicts no masks'):
        metric.process({}, [_pred(1, [[10, 10, 30, 30]], [0.9])])
    with pytest.raises(ConfigError, match=r"iou_types must be among \('bbox', 'segm'"):
        CocoMetric(mask_ann_file, iou_types=('mask',))


def test_keypoint_ap_by_oks(tmp_path):
    """Two people with 17 keypoints each: exact predictions score AP 1; moving one
    person's points by half its box leaves OKS AP at 0.5 at the most."""
    points = [[10 + i, 10 + i, 2] for i in range(17)]
    path = tmp_path / 'people.json'
    path.write_text(json.dumps(dict(
        images=[dict(id=1, file_name='a.png', width=100, height=100),
                dict(id=2, file_name='b.png', width=100, height=100)],
        annotations=[dict(id=k + 1, image_id=k + 1, category_id=1, bbox=[10, 10, 16, 16],
                          area=256, keypoints=[v for p in points for v in p]) for k in range(2)],
        categories=[dict(id=1, name='person')])))

    def pred(img_id, shift):
        out = _pred(img_id, [[10, 10, 26, 26]], [0.9])
        kps = torch.tensor(points, dtype=torch.float32)[None].clone()
        kps[..., :2] += shift
        kps[..., 2] = 1
        out['pred_instances']['keypoints'] = kps
        return out
    metric = CocoMetric(str(path), iou_types=('bbox', 'keypoints'))
    metric.process({}, [pred(1, 0.0), pred(2, 0.0)])
    exact = metric.evaluate(size=2)
    assert exact['coco/keypoints_AP'] == pytest.approx(1.0)
    assert exact['coco/AP'] == pytest.approx(1.0)
    metric = CocoMetric(str(path), iou_types=('bbox', 'keypoints'))
    metric.process({}, [pred(1, 0.0), pred(2, 8.0)])
    assert metric.evaluate(size=2)['coco/keypoints_AP'] <= 0.55
