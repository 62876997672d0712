# torchvision's fasterrcnn_resnet50_fpn on COCO val2017, with its converted weights:
#   tools/convert_torchvision.py torchvision://fasterrcnn_resnet50_fpn tv.pth --coco80
#   tools/test.py configs/faster_rcnn/faster_rcnn_r50_fpn_coco.py tv.pth
_base_ = ['../_base_/models/faster_rcnn_r50_fpn.py', '../_base_/datasets/coco_val.py',
          '../_base_/default_runtime.py']
model = dict(roi_head=dict(bbox_head=dict(num_classes=80)))
