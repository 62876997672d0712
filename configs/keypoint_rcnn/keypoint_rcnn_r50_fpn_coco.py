# torchvision's keypointrcnn_resnet50_fpn on COCO val2017's people (box and keypoint
# AP), with its converted weights:
#   tools/convert_torchvision.py torchvision://keypointrcnn_resnet50_fpn tv.pth
#   tools/test.py configs/keypoint_rcnn/keypoint_rcnn_r50_fpn_coco.py tv.pth
_base_ = ['../_base_/models/keypoint_rcnn_r50_fpn.py', '../_base_/datasets/coco_val.py',
          '../_base_/default_runtime.py']
ann_file = 'annotations/person_keypoints_val2017.json'
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = val_dataloader
val_evaluator = dict(iou_types=('bbox', 'keypoints'))
test_evaluator = val_evaluator
