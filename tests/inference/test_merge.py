"""plugins/inference/merge.py: the windows' detections merged into one set."""
import numpy as np
import torch
from mmengine.structures import InstanceData

from plugins.inference.merge import drop_cut_pieces, merge_detections
from plugins.structures.masks import paste_crops


def part(boxes, scores, labels=None, cut=None, masks=False):
    boxes = torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4)
    n = len(boxes)
    out = InstanceData(bboxes=boxes, scores=torch.tensor(scores),
                       labels=torch.zeros(n, dtype=torch.long) if labels is None
                       else torch.tensor(labels),
                       cut=torch.zeros(n, dtype=torch.bool) if cut is None else torch.tensor(cut))
    if masks:  # a crop filling each box, marked by its row number
        out.mask_crops = [np.ones((int(b[3] - b[1]), int(b[2] - b[0])), bool) for b in boxes]
        out.mask_origins = boxes[:, :2].long()
    return out


def test_a_box_seen_whole_and_cut_at_a_seam_merges_to_one():
    whole = part([[180, 50, 240, 110]], [0.8])             # window 0-256 sees it whole
    piece = part([[200, 50, 240, 110]], [0.9], cut=[True])  # window 200-456 cuts it at x 200
    # IoU 0.67: NMS alone merges it
    assert len(merge_detections([whole, piece])) == 1
    piece = part([[200, 50, 215, 110]], [0.9], cut=[True])  # a thin sliver: IoU 0.25
    merged = merge_detections([whole, piece])
    assert len(merged) == 1 and merged.bboxes.tolist() == [[180, 50, 240, 110]]


def test_boxes_that_merely_touch_a_seam_are_kept():
    a = part([[100, 100, 150, 150]], [0.9])
    b = part([[150, 100, 200, 150]], [0.8], cut=[True])     # a neighbour, not a piece of a
    c = part([[120, 110, 140, 140]], [0.7], labels=[1], cut=[True])  # another class inside a
    assert len(merge_detections([a, b, c])) == 3


def test_two_cut_pieces_keep_the_better_one():
    keep = drop_cut_pieces(torch.tensor([[0., 0, 60, 60], [20, 0, 60, 60]]),
                           torch.tensor([0, 0]), torch.tensor([True, True]))
    assert keep.tolist() == [True, False]


def test_empty_windows_and_voting():
    empty = part([], [])
    assert len(merge_detections([empty, empty])) == 0
    merged = merge_detections([part([[0, 0, 10, 10]], [0.9]), part([[0, 0, 12, 12]], [0.3])],
                              box_voting=True)
    assert len(merged) == 1
    assert torch.allclose(merged.bboxes[0], torch.tensor([0., 0, 10.5, 10.5]))


def test_masks_follow_their_boxes_across_seams():
    whole = part([[180, 50, 240, 110], [10, 10, 30, 30]], [0.8, 0.7], masks=True)
    piece = part([[200, 50, 215, 110]], [0.9], cut=[True], masks=True)
    merged = merge_detections([whole, piece])
    assert len(merged.mask_crops) == 2
    masks = paste_crops(merged.mask_crops, merged.mask_origins, (300, 300))
    for mask, (x1, y1, x2, y2) in zip(masks, merged.bboxes.long().tolist()):
        assert mask.sum() == (x2 - x1) * (y2 - y1) and mask[y1:y2, x1:x2].all()


def test_duplicate_pairs_count_seam_pieces_once():
    from plugins.inference.merge import duplicate_pairs
    boxes = torch.tensor([[0., 0, 60, 60], [30, 0, 60, 60], [100, 100, 120, 120]])
    counts = duplicate_pairs(boxes, torch.tensor([0, 0, 0]), torch.tensor([False, True, True]))
    assert counts == dict(iou=0, ios=1)  # the half box inside the whole one, IoU 0.5
    counts = duplicate_pairs(boxes, torch.tensor([0, 1, 0]), torch.tensor([False, True, True]))
    assert counts == dict(iou=0, ios=0)  # other classes


def test_the_report_scores_each_variant_and_merging_removes_duplicates(composites_root):
    import os.path as osp

    from plugins.apis import init_model
    from plugins.inference.compare import VARIANTS, compare_sliced
    from tests.conftest import ROOT
    torch.manual_seed(0)
    model = init_model(osp.join(ROOT, 'configs/faster_rcnn/faster_rcnn_r18_mnist_composites.py'))
    report = compare_sliced(model, osp.join(composites_root, 'val.json'), composites_root,
                            size=64, overlap=0.5, whole_size=64)
    assert list(report) == list(VARIANTS)
    raw, nms, merged = (report[v] for v in VARIANTS[1:])
    assert raw['detections'] >= nms['detections'] >= merged['detections'] > 0
    assert raw['duplicates']['iou'] > 0 and nms['duplicates']['iou'] == 0
    assert merged['duplicates']['ios'] <= nms['duplicates']['ios']
    assert all(0 <= r['AP50'] <= 1 for r in report.values())
