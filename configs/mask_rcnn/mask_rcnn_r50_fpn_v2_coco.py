# torchvision's maskrcnn_resnet50_fpn_v2 on COCO val2017 (box and mask AP), with its
# converted weights:
#   tools/convert_torchvision.py torchvision://maskrcnn_resnet50_fpn_v2 tv.pth --coco80
#   tools/test.py configs/mask_rcnn/mask_rcnn_r50_fpn_v2_coco.py tv.pth
_base_ = ['../_base_/models/mask_rcnn_r50_fpn_v2.py', '../_base_/datasets/coco_val.py',
          '../_base_/default_runtime.py']
model = dict(roi_head=dict(bbox_head=dict(num_classes=80), mask_head=dict(num_classes=80)))
val_evaluator = dict(iou_types=('bbox', 'segm'))
test_evaluator = val_evaluator
