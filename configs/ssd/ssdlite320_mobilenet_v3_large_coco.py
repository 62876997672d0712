# torchvision's ssdlite320_mobilenet_v3_large on COCO val2017, with its converted weights:
#   tools/convert_torchvision.py torchvision://ssdlite320_mobilenet_v3_large tv.pth --coco80
#   tools/test.py configs/ssd/ssdlite320_mobilenet_v3_large_coco.py tv.pth
_base_ = ['../_base_/models/ssdlite320_mobilenet_v3_large.py',
          '../_base_/datasets/coco_val_ssdlite320.py', '../_base_/default_runtime.py']
model = dict(bbox_head=dict(num_classes=80))
