# torchvision's fasterrcnn_mobilenet_v3_large_320_fpn on COCO val2017, with its converted weights:
#   tools/convert_torchvision.py torchvision://fasterrcnn_mobilenet_v3_large_320_fpn tv.pth --coco80
#   tools/test.py configs/faster_rcnn/faster_rcnn_mobilenet_v3_large_320_fpn_coco.py tv.pth
_base_ = ['../_base_/models/faster_rcnn_mobilenet_v3_large_320_fpn.py',
          '../_base_/datasets/coco_val_320.py', '../_base_/default_runtime.py']
model = dict(roi_head=dict(bbox_head=dict(num_classes=80)))
