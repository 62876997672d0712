import torch
from mmengine.structures import InstanceData

from plugins.task_modules import MaxIoUAssigner, RandomSampler
from plugins.task_modules.targets import sample_targets

PRIORS = torch.tensor([[0., 0, 10, 10], [0, 0, 9, 10], [50, 50, 60, 60], [100, 100, 120, 120]])


def test_one_box_positives_first_with_labels_and_matched_boxes():
    gt = InstanceData(bboxes=torch.tensor([[0., 0, 10, 10]]), labels=torch.tensor([2]))
    t = sample_targets(MaxIoUAssigner(pos_iou_thr=0.5, neg_iou_thr=0.3), RandomSampler(num=8),
                       PRIORS, gt, num_classes=3)
    assert t.num_pos == 2 and sorted(t.inds[:2].tolist()) == [0, 1]
    assert sorted(t.inds[2:].tolist()) == [2, 3]
    assert t.labels.tolist() == [2, 2, 3, 3]  # background = num_classes
    assert (t.gt_bboxes[:2] == gt.bboxes).all() and (t.gt_bboxes[2:] == 0).all()


def test_empty_ground_truth_gives_only_negatives():
    gt = InstanceData(bboxes=torch.zeros(0, 4), labels=torch.zeros(0, dtype=torch.long))
    t = sample_targets(MaxIoUAssigner(), RandomSampler(num=3), PRIORS, gt, num_classes=1)
    assert t.num_pos == 0 and len(t.inds) == 3 and (t.labels == 1).all()
    assert t.gt_bboxes.shape == (3, 4)
